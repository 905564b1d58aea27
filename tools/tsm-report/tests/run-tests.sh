#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of tsm-report: argument parsing, nonce decoding, exit
# codes, messages and cleanup, without a kernel. The tool runs against a
# fake configfs-tsm tree (TSM_REPORT_ROOT) whose kernel side is played by
# the stand-ins in tests/fake/ (mkdir, cat, rmdir, found first in PATH).
# busybox sh runs its applets instead of PATH commands, so it gets the
# cases that need no fake kernel; the in-VM suite
# (tools/testing/selftests/tsm-report/vm-suite.sh) runs both shells
# against the real configfs.
#
# usage: run-tests.sh [TOOL]   (default: ../tsm-report). Prints TAP.

set -u

here=$(cd "$(dirname "$0")" && pwd)
tool=$(realpath "${1:-$here/../tsm-report}")
fake=$here/fake
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$here/../../testing/lib/tap.sh"

# after a failing line: what the tool said, and its status
tap_diag() {
	if [ -s "$work/stderr" ]; then
		sed 's/^/#   stderr: /' "$work/stderr"
	fi
	echo "#   exit status $rc"
}

# A fresh fake tree for each case.
reset_tree() {
	rm -rf "$work/root" "$work/log"
	mkdir -p "$work/root" "$work/log"
	export TSM_REPORT_ROOT=$work/root FAKE_LOG=$work/log
	unset FAKE_PROVIDER FAKE_PROVIDER_ERR FAKE_GENS FAKE_READ_ERR \
		FAKE_READ_SLEEP FAKE_EMPTY FAKE_MKDIR_ERR
}

# run SHELL ARGS...: the tool under SHELL with the fakes first in PATH;
# stdout in $work/stdout, stderr in $work/stderr, status in $rc.
run() {
	local sh=$1

	shift
	# shellcheck disable=SC2086 # "busybox sh" is two words
	PATH=$fake:$PATH $sh "$tool" "$@" >"$work/stdout" 2>"$work/stderr"
	rc=$?
}

# The case passed when the status is CODE, stderr of a failure is one line
# naming the tool (none after a signal), and no entry is left behind.
expect() { # expect CODE NAME [STDERR_PATTERN]
	local code=$1 name=$2 pattern=${3:-}
	local good=0

	[ "$rc" -eq "$code" ] || good=1
	if [ "$code" -ne 0 ] && [ "$code" -ne 2 ] && [ "$code" -lt 128 ]; then
		[ "$(wc -l <"$work/stderr")" -eq 1 ] || good=1
		grep -q '^tsm-report: ' "$work/stderr" || good=1
	fi
	if [ -n "$pattern" ]; then
		grep -q -- "$pattern" "$work/stderr" || good=1
	fi
	if [ -d "$work/root" ] && [ -n "$(ls -A "$work/root")" ]; then
		echo "# left behind: $(ls -A "$work/root")"
		good=1
	fi
	result $good "$name"
}

# The bytes of a hex string, as a file.
hexfile() { # hexfile HEX FILE
	local h=$1 fmt=

	while [ -n "$h" ]; do
		fmt+="\\x${h:0:2}"
		h=${h:2}
	done
	printf "$fmt" >"$2"
}

hex64=$(printf '%02x' $(seq 0 63))

# -- The script parses everywhere, the man page renders cleanly --------
for sh in dash "busybox sh" "bash --posix"; do
	# shellcheck disable=SC2086
	$sh -n "$tool" 2>"$work/stderr"
	rc=$?
	result $rc "$sh -n: the script parses"
done
if command -v shellcheck >/dev/null; then
	shellcheck -s sh -S warning "$tool" "$fake"/* >"$work/stderr" 2>&1
	rc=$?
	result $rc "shellcheck -S warning is clean"
else
	skip "shellcheck -S warning is clean" "shellcheck not installed"
fi
man=$here/../tsm-report.1
LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$man" \
	2>"$work/stderr" >"$work/stdout"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$work/stderr" ] && grep -q 'EXIT STATUS' "$work/stdout"
result $? "man -l tsm-report.1 renders without warnings"

# -- Cases that need no fake kernel: every shell ----------------------
for sh in dash "busybox sh" "bash --posix"; do
	if ! command -v "${sh%% *}" >/dev/null; then
		skip "$sh: all" "${sh%% *} not installed"
		continue
	fi
	p="$sh:"
	reset_tree

	run "$sh"
	expect 2 "$p no nonce is a usage error"
	run "$sh" --bogus
	expect 2 "$p unknown option is a usage error"
	run "$sh" --nonce-hex 00 --nonce-base64 AA==
	expect 2 "$p two nonces are a usage error"
	run "$sh" --nonce-hex
	expect 2 "$p missing option argument is a usage error"
	run "$sh" --nonce-hex 00 --timeout 1s
	expect 2 "$p --timeout wants whole seconds"
	run "$sh" --nonce-hex 00 --timeout 0
	expect 2 "$p --timeout 0 is refused"
	run "$sh" --help
	[ $rc -eq 0 ] && grep -q '^usage: tsm-report' "$work/stdout" &&
		grep -q '8 bad nonce' "$work/stdout"
	result $? "$p --help prints usage and the exit codes"

	run "$sh" --nonce-hex 0g
	expect 8 "$p non-hex digit is a bad nonce" 'bad nonce'
	run "$sh" --nonce-hex abc
	expect 8 "$p odd number of hex digits is a bad nonce"
	run "$sh" --nonce-hex ''
	expect 8 "$p empty hex is a bad nonce"
	run "$sh" --nonce-hex "${hex64}00"
	expect 8 "$p 65 bytes is a bad nonce" 'got 65'
	run "$sh" --nonce-base64 abc
	expect 8 "$p base64 of bad length is a bad nonce"
	run "$sh" --nonce-base64 'ab=c'
	expect 8 "$p base64 with inner padding is a bad nonce"
	run "$sh" --nonce-base64 'AAAA===='
	expect 8 "$p base64 with a padding quad is a bad nonce"
	run "$sh" --nonce-base64 'ab!c'
	expect 8 "$p base64 with a bad character is a bad nonce"
	run "$sh" --nonce-file "$work/does-not-exist"
	expect 8 "$p missing nonce file is a bad nonce"
	: >"$work/empty"
	run "$sh" --nonce-file "$work/empty"
	expect 8 "$p empty nonce file is a bad nonce" 'got 0'
	run "$sh" --provider tdx_guest --nonce-hex 0011
	expect 8 "$p tdx_guest wants exactly 64 bytes" 'exactly 64'

	TSM_REPORT_ROOT=$work/nowhere run "$sh" --nonce-hex 00
	expect 3 "$p no configfs-tsm directory" 'configfs'

	# busybox runs its own mkdir/cat: a plain directory is no entry
	if [ "$sh" = "busybox sh" ]; then
		run "$sh" --nonce-hex 00
		expect 3 "$p a plain directory is not configfs-tsm; entry removed" \
			'not a configfs-tsm report entry'
	fi
done

# -- Cases against the fake kernel: shells that honour PATH ------------
for sh in dash "bash --posix"; do
	command -v "${sh%% *}" >/dev/null || continue
	p="$sh: fake:"

	reset_tree
	run "$sh" --nonce-hex 00ff0a41
	printf 'report:\x00\xff\x0aA' | cmp -s - "$work/stdout"
	expect $? "$p hex nonce reaches inblob byte for byte"
	[ "$(wc -l <"$work/log/made")" -eq 1 ] &&
		cmp -s "$work/log/made" "$work/log/removed"
	result $? "$p the entry it made is the entry it removed"
	grep -q '/\.tsm-report\.[0-9]*\.[0-9a-f]*$' "$work/log/made"
	result $? "$p entry name is hidden and unique"

	for v in "AAEC:000102" "/w==:ff" "YQ==:61" "YWI=:6162" \
		"+/+/:fbffbf"; do
		reset_tree
		run "$sh" --nonce-base64 "${v%%:*}"
		hexfile "$(printf '%s' 'report:' | od -An -tx1 | tr -d ' \n')${v#*:}" \
			"$work/want"
		cmp -s "$work/want" "$work/stdout"
		expect $? "$p base64 ${v%%:*} decodes to ${v#*:}"
	done

	reset_tree
	run "$sh" --nonce-base64="YWI=" --provider=tsm_test
	printf 'report:ab' | cmp -s - "$work/stdout"
	expect $? "$p --opt=value forms"

	reset_tree
	hexfile "$hex64" "$work/nonce"
	run "$sh" --nonce-file "$work/nonce" --out "$work/quote"
	{ printf 'report:'; cat "$work/nonce"; } | cmp -s - "$work/quote" &&
		[ ! -s "$work/stdout" ]
	expect $? "$p --nonce-file and --out are binary safe (NUL, newline)"

	reset_tree
	export FAKE_PROVIDER=tdx_guest
	run "$sh" --nonce-hex 0011
	expect 8 "$p tdx_guest provider with 2 bytes is a bad nonce" 'exactly 64'
	reset_tree
	export FAKE_PROVIDER=tdx_guest
	run "$sh" --nonce-hex "$hex64"
	expect 0 "$p tdx_guest provider with 64 bytes"

	reset_tree
	run "$sh" --provider tdx_guest --nonce-hex "$hex64"
	expect 5 "$p wrong provider" "provider is 'tsm_test', not 'tdx_guest'"
	[ ! -e "$work/log/reads" ]
	result $? "$p wrong provider: outblob never read"

	reset_tree
	export FAKE_MKDIR_ERR="No such device or address"
	run "$sh" --nonce-hex 00
	expect 4 "$p mkdir ENXIO is no provider" 'ENXIO'
	reset_tree
	export FAKE_MKDIR_ERR="Permission denied"
	run "$sh" --nonce-hex 00
	expect 1 "$p mkdir EACCES says it needs root" 'needs root'
	reset_tree
	export FAKE_PROVIDER_ERR="No such device or address"
	run "$sh" --nonce-hex 00
	expect 4 "$p provider gone after mkdir is no provider"

	for e in "No such device or address:4:ENXIO" \
		"Inappropriate ioctl for device:4:ENOTTY" \
		"Invalid argument:8:EINVAL" \
		"Device or resource busy:7:EBUSY" \
		"Resource busy:7:EBUSY (musl)" \
		"Connection timed out:6:ETIMEDOUT" \
		"Operation timed out:6:ETIMEDOUT (musl)" \
		"Connection refused:9:ECONNREFUSED" \
		"Input/output error:1:EIO" \
		"File too large:1:EFBIG" \
		"Interrupted system call:1:EINTR"; do
		reset_tree
		export FAKE_READ_ERR=${e%%:*}
		run "$sh" --nonce-hex 00
		rest=${e#*:}
		expect "${rest%%:*}" "$p outblob ${rest#*:} exits ${rest%%:*}"
	done

	reset_tree
	export FAKE_EMPTY=1
	run "$sh" --nonce-hex 00
	expect 1 "$p empty outblob is an error" 'empty report'

	reset_tree
	export FAKE_GENS="0 1 2 2 3 3"
	run "$sh" --nonce-hex 41
	printf 'report:A' | cmp -s - "$work/stdout"
	expect $? "$p a concurrent writer once: retried, report returned"
	[ "$(wc -l <"$work/log/reads")" -eq 2 ]
	result $? "$p a concurrent writer once: outblob read twice"

	reset_tree
	export FAKE_GENS="0 2"
	run "$sh" --nonce-hex 41
	expect 7 "$p generation jumps on every write: busy after 3 tries" '3 tries'
	[ ! -s "$work/stdout" ]
	result $? "$p nothing printed when the generation check failed"

	reset_tree
	export FAKE_GENS="0 1 2 2 3 4 4 5 6"
	run "$sh" --nonce-hex 41
	expect 7 "$p generation moves during every read: busy" 'while the report'
	[ "$(wc -l <"$work/log/reads")" -eq 3 ]
	result $? "$p generation moves during every read: 3 attempts"

	reset_tree
	export FAKE_GENS="0"
	run "$sh" --nonce-hex 41
	expect 7 "$p generation never advances: busy"

	reset_tree
	export FAKE_READ_SLEEP=10
	start=$(date +%s)
	run "$sh" --nonce-hex 00 --timeout 1
	took=$(($(date +%s) - start))
	expect 6 "$p --timeout 1 on a stuck read exits 6" '--timeout'
	# well under the 10 s read, with room for a host busy with VMs
	[ $took -le 6 ]
	result $? "$p --timeout 1 returns within 6 s (took $took s)"

	reset_tree
	export FAKE_READ_SLEEP=17.3
	# shellcheck disable=SC2086
	PATH=$fake:$PATH $sh "$tool" --nonce-hex 00 >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 50); do
		[ -e "$work/log/reads" ] && break
		sleep 0.1
	done
	kill -TERM $pid
	wait $pid
	rc=$?
	: >"$work/stderr"
	expect 143 "$p SIGTERM while blocked: exit 143, entry removed"
	for _ in $(seq 50); do
		pgrep -f "sleep 17.3" >/dev/null || break
		sleep 0.1
	done
	! pgrep -f "sleep 17.3" >/dev/null
	result $? "$p SIGTERM while blocked: the blocked reader is gone"

	reset_tree
	run "$sh" --nonce-hex 00 --out "$work/no/such/dir/q"
	expect 1 "$p unwritable --out is an error" 'cannot write'
done

echo "1..$n"
exit $failed
