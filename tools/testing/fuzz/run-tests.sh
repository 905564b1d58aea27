#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harnesses' part of 'make check' (make test): for each harness, replay
# the seed corpus, then fuzz for TEST_SECONDS from it in a scratch corpus.
# Prints TAP; exits non-zero if a harness found anything.
set -u

. "$(dirname "$0")/../lib/tap.sh"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$CRASHES"

# required_seeds HARNESS: seeds of cases the real quotes do not give
# (mkseeds.sh); the replay below must run them, so a missing one fails
required_seeds() {
	case $1 in
	quote_check)
		echo status-unknown-8000000000000002 status-unknown-1234 \
			service-unavailable
		;;
	esac
}

for h in $HARNESSES; do
	bin=$FUZZ_OUT/fuzz_$h
	log=$scratch/$h.log

	for s in $(required_seeds "$h"); do
		[ -s "$SEEDS/$h/$s" ]
		result $? "fuzz_$h: seed $s is in the corpus"
	done

	# Files as arguments: each is run once, no mutation
	"$bin" "$SEEDS/$h"/* >"$log" 2>&1
	rc=$?
	[ $rc -ne 0 ] && sed 's/^/# /' "$log" | tail -n 30
	result $rc "fuzz_$h: replay of $(ls "$SEEDS/$h" | wc -l) seeds"

	mkdir -p "$scratch/$h"
	"$bin" -max_total_time="$TEST_SECONDS" -print_final_stats=1 \
		-artifact_prefix="$CRASHES/$h-" "$scratch/$h" "$SEEDS/$h" \
		>"$log" 2>&1
	rc=$?
	grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "$log" |
		sed 's/^/# /'
	[ $rc -ne 0 ] && sed 's/^/# /' "$log" | tail -n 40
	result $rc "fuzz_$h: ${TEST_SECONDS} s of fuzzing"
done

echo "1..$n"
exit $failed
