# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# TAP output of the test scripts (sourced by bash): one numbering for
# result, skip and import_tap, and $failed for the exit status. A script
# may define tap_diag, run after each failing line to say why ('# ' lines).

n=0
failed=0

# result STATUS NAME: 'ok' when STATUS is 0
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=1
		if declare -F tap_diag >/dev/null; then
			tap_diag
		fi
	fi
}

# skip NAME WHY
skip() {
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}

# import_tap PREFIX: number the TAP lines of a sub-test (kselftest_harness,
# bats, or a helper's 'ok - NAME') as ours, PREFIX before each name; the
# sub-test's plan is dropped and anything else becomes a comment.
import_tap() {
	local prefix=$1 line rest name=

	while IFS= read -r line; do
		# kselftest_harness names a skipped test only in its RUN line
		if [[ "$line" =~ ^#\ +RUN\ +([^ ]+)\ \.\.\.$ ]]; then
			name=${BASH_REMATCH[1]}
		fi
		if [[ "$line" =~ ^(not\ )?ok(\ [0-9]+)?\ (-\ )?(.*)$ ]]; then
			rest=${BASH_REMATCH[4]}
			[[ "$rest" == "# SKIP"* ]] && rest="$name $rest"
			if [ -n "${BASH_REMATCH[1]}" ]; then
				result 1 "$prefix$rest"
			else
				n=$((n + 1))
				echo "ok $n $prefix$rest"
			fi
		elif [[ "$line" =~ ^1\.\.[0-9]+$ ]] || [[ "$line" == "TAP version"* ]]; then
			continue
		elif [[ "$line" == "#"* ]]; then
			echo "$line"
		else
			echo "# $line"
		fi
	done
}
