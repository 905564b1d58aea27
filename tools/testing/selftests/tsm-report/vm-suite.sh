#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Test suite of tools/tsm-report/tsm-report against the real configfs-tsm,
# run in the VM by scripts/vm-run (see HACKING.md). The tool runs under
# dash and under busybox sh:
#   1. no configfs-tsm, then tsm.ko without a provider (ENXIO);
#   2. tsm.ko + tsm_test_provider.ko: reports for hex, base64 and file
#      nonces, the generation check against a real concurrent writer,
#      every error the provider can return (fail_errno), --timeout and
#      signals, and that no entry survives any of it;
#   3. when built: tdx_emu.ko + tdx-guest.ko + tdx-qgs, a TDX quote whose
#      REPORTDATA is the nonce, and the TDX error paths.
# Prints TAP, exits non-zero on any failure.

set -u

top=${COCO_TOP:-$(cd "$(dirname "$0")/../../../.." && pwd)}
. "$top/tools/testing/selftests/lib/suite-lib.sh"
provider=$test_provider
tool=${TOOLSDIR:-/nonexistent}/tsm-report
[ -f "$tool" ] || tool=$top/tools/tsm-report/tsm-report
tdxq=${TOOLSDIR:-/nonexistent}/tdx-quote
qgs_state=/var/lib/tdx-qgs
params=/sys/module/tsm_test_provider/parameters
work=$(mktemp -d)
shells=(dash "busybox sh")

# after a failing line: what the tool said, and its status
tap_diag() {
	[ -s "$work/stderr" ] && sed 's/^/#   stderr: /' "$work/stderr"
	echo "#   exit status ${rc:-?}"
}

# Entries anybody left in configfs (ours are hidden: .tsm-report.*)
leftovers() {
	[ -d "$report" ] || return 0
	find "$report" -mindepth 1 -maxdepth 1 -type d | sed "s|$report/||"
}

cleanup() {
	qgs_stop
	remove_entries
	unload tdx_guest tdx_emu tsm_test_provider "$core_name"
	rm -rf "$work"
}
trap cleanup EXIT

# run SHELL ARGS...: the tool under SHELL; stdout in $work/stdout,
# stderr in $work/stderr, status in $rc.
run() {
	local sh=$1

	shift
	# shellcheck disable=SC2086 # "busybox sh" is two words
	$sh "$tool" "$@" >"$work/stdout" 2>"$work/stderr"
	rc=$?
}

# expect CODE NAME [STDERR_PATTERN]: status CODE, a failure says one line,
# and the tool left no entry behind.
expect() {
	local code=$1 name=$2 pattern=${3:-} good=0 left

	[ "$rc" -eq "$code" ] || good=1
	if [ "$code" -ne 0 ] && [ "$code" -lt 128 ]; then
		[ "$(wc -l <"$work/stderr")" -eq 1 ] || good=1
	fi
	if [ -n "$pattern" ]; then
		grep -q -- "$pattern" "$work/stderr" || good=1
	fi
	left=$(leftovers)
	if [ -n "$left" ]; then
		echo "# left behind: $left"
		good=1
		for d in $left; do rmdir "$report/$d"; done
	fi
	result $good "$name"
}

hex_of() { # hex_of FILE: lowercase hex, no separators
	od -An -v -tx1 "$1" | tr -d ' \n'
}

calls() {
	cat "$params/calls"
}

setp() { # setp PARAM VALUE
	echo "$2" >"$params/$1"
}

mount_fs
echo "# tool: $tool"

head -c 64 /dev/urandom >"$work/nonce64"
nonce64=$(hex_of "$work/nonce64")

echo "# without configfs-tsm"
for sh in "${shells[@]}"; do
	run "$sh" --nonce-hex 00
	expect 3 "$sh: no configfs-tsm: exit 3" 'not loaded'
done

load_core
result $? "load tsm.ko"
for sh in "${shells[@]}"; do
	run "$sh" --nonce-hex 00
	expect 4 "$sh: no provider (mkdir ENXIO): exit 4" 'ENXIO'
done

insmod "$provider"
result $? "load tsm_test_provider.ko"
# without the provider its cases would only repeat that failure
shells_tp=()
loaded tsm_test_provider && shells_tp=("${shells[@]}")

for sh in "${shells_tp[@]}"; do
	p="$sh:"
	echo "# tsm_test provider, $sh"

	c=$(calls)
	run "$sh" --nonce-hex 00ff0a41
	grep -qx 'provider=tsm_test' "$work/stdout" &&
		grep -qx 'inblob_len=4' "$work/stdout" &&
		grep -qx 'inblob=00ff0a41' "$work/stdout"
	expect $? "$p hex nonce: the report is made from exactly those bytes"
	[ "$(calls)" -eq $((c + 1)) ]
	result $? "$p one report_new call per report"

	run "$sh" --nonce-base64 '+/8AYWI='
	grep -qx 'inblob=fbff006162' "$work/stdout"
	expect $? "$p base64 nonce decodes byte for byte"

	run "$sh" --nonce-file "$work/nonce64" --out "$work/report" \
		--provider tsm_test
	grep -qx "inblob=$nonce64" "$work/report" && [ ! -s "$work/stdout" ]
	expect $? "$p 64-byte binary nonce file, --out, --provider"

	run "$sh" --nonce-hex "$nonce64" --provider tdx_guest
	expect 5 "$p wrong provider: exit 5" "not 'tdx_guest'"

	run "$sh" --nonce-hex "${nonce64}00"
	expect 8 "$p 65-byte nonce: exit 8" 'bad nonce'
	run "$sh" --nonce-hex xyz0
	expect 8 "$p bad hex: exit 8" 'bad nonce'
	run "$sh" --nonce-base64 'AB='
	expect 8 "$p bad base64: exit 8" 'bad nonce'

	for e in "16:7:EBUSY" "110:6:ETIMEDOUT" "22:8:EINVAL" \
		"111:9:ECONNREFUSED" "5:1:EIO" "27:1:EFBIG"; do
		setp fail_errno "${e%%:*}"
		run "$sh" --nonce-hex 00
		rest=${e#*:}
		expect "${rest%%:*}" \
			"$p fail_errno=${e%%:*} (${rest#*:}): exit ${rest%%:*}" \
			"${rest#*:}"
	done
	setp fail_errno 0

	# A writer that gets into our entry while the report is being made:
	# the tool must notice the generation moved, and start over.
	setp delay_ms 4000
	c=$(calls)
	# shellcheck disable=SC2086
	$sh "$tool" --nonce-hex 4141 >"$work/stdout" 2>"$work/stderr" &
	pid=$!
	# builtins only: process start-up is slow under TCG
	entry=
	for _ in $(seq 200); do
		for d in "$report"/.tsm-report.*; do
			[ -d "$d" ] || continue
			read -r g <"$d/generation" 2>/dev/null || continue
			read -r k <"$params/calls"
			if [ "$g" = 1 ] && [ "$k" -eq $((c + 1)) ]; then
				entry=${d##*/}
				break 2
			fi
		done
		sleep 0.05
	done
	if [ -n "$entry" ]; then
		printf 'intruder' >"$report/$entry/inblob"
	fi
	wait $pid
	rc=$?
	[ -n "$entry" ] && [ "$entry" != "${entry#.tsm-report.}" ]
	result $? "$p the tool's entry is hidden and named .tsm-report.*"
	grep -qx 'inblob=4141' "$work/stdout" && [ "$(calls)" -eq $((c + 2)) ]
	expect $? "$p concurrent writer: generation check, retry, own report"

	# --timeout while the provider sleeps; SIGTERM while it sleeps
	# (bounds are loose: processes start slowly under TCG)
	setp delay_ms 20000
	start=$(date +%s)
	run "$sh" --nonce-hex 00 --timeout 1
	took=$(($(date +%s) - start))
	expect 6 "$p --timeout 1 on a 20 s report: exit 6" '--timeout'
	[ $took -le 8 ]
	result $? "$p --timeout 1 returns within 8 s (took $took s)"

	c=$(calls)
	# shellcheck disable=SC2086
	$sh "$tool" --nonce-hex 00 >"$work/stdout" 2>"$work/stderr" &
	pid=$!
	for _ in $(seq 100); do
		[ "$(calls)" -gt "$c" ] && break
		sleep 0.05
	done
	start=$(date +%s)
	kill -TERM $pid
	wait $pid
	rc=$?
	took=$(($(date +%s) - start))
	: >"$work/stderr"
	expect 143 "$p SIGTERM while the report is made: exit 143, entry removed"
	[ $took -le 8 ]
	result $? "$p SIGTERM is handled within 8 s, not after the 20 s report (took $took s)"
	setp delay_ms 0
done

rmmod tsm_test_provider
result $? "unload tsm_test_provider.ko"
run dash --nonce-hex 00
expect 4 "provider unloaded: exit 4 again" 'ENXIO'

echo "# tdx_guest provider on the emulator"
# make check builds the modules and tools: a missing one is a failure, as
# a skip here would pass the whole section unrun
if [ ! -f "$emu" ] || [ ! -f "$drv" ]; then
	result 1 "tdx_guest cases (tdx_emu.ko or tdx-guest.ko not built)"
elif [ ! -x "$qgs" ]; then
	result 1 "tdx_guest cases (tdx-qgs not built in \$TOOLSDIR)"
else
	insmod "$emu"
	result $? "load tdx_emu.ko"
	mkdir -p "$qgs_dir"
	"$qgs" --daemon --pidfile "$qgs_dir/pid" >"$work/qgs.log" 2>&1
	result $? "start tdx-qgs --daemon"
	# One GetQuote buffer: four requests the host keeps make EBUSY
	insmod "$drv" quote_timeout_ms=2000 quote_buffers=1
	result $? "load tdx-guest.ko quote_timeout_ms=2000 quote_buffers=1"

	for sh in "${shells[@]}"; do
		p="$sh: tdx_guest:"
		run "$sh" --provider tdx_guest --nonce-hex "$nonce64" \
			--out "$work/quote"
		expect 0 "$p a quote for a 64-byte nonce"
		ver=$(od -An -tu2 -N2 "$work/quote" | tr -d ' ')
		case $ver in
		4) off=568 ;;
		5) off=574 ;;
		*) off= ;;
		esac
		[ -n "$off" ] &&
			[ "$(od -An -v -tx1 -j $off -N 64 "$work/quote" | tr -d ' \n')" = "$nonce64" ]
		result $? "$p quote v$ver REPORTDATA equals the nonce"
		if [ -x "$tdxq" ]; then
			"$tdxq" verify --root "$qgs_state/root-ca.pem" \
				--nonce "$nonce64" "$work/quote" >"$work/verify" 2>&1
			rc=$?
			cp "$work/verify" "$work/stderr"
			result $rc "$p tdx-quote verify accepts it"
		else
			result 1 "$p tdx-quote verify accepts it (tdx-quote not built)"
		fi

		run "$sh" --nonce-hex 0011
		expect 8 "$p 2-byte nonce: exit 8 before any request" 'exactly 64'
	done

	# The kernel's answers, once per shell is enough: dash
	qgs_stop
	run dash --nonce-hex "$nonce64"
	expect 9 "tdx_guest: no quoting service: exit 9" 'ECONNREFUSED'

	"$qgs" --daemon --pidfile "$qgs_dir/pid" >>"$work/qgs.log" 2>&1
	echo 1 >"$emu_dbg/never_complete"
	run dash --nonce-hex "$nonce64"
	expect 6 "tdx_guest: host never completes: exit 6 (ETIMEDOUT)" 'ETIMEDOUT'
	# three more requests on fresh buffers; then the host owns four
	# (TDX_QUOTE_MAX_ABANDONED) and the next one gets EBUSY
	echo 200 >/sys/module/tdx_guest/parameters/quote_timeout_ms
	for _ in 1 2 3; do
		run dash --nonce-hex "$nonce64"
	done
	run dash --nonce-hex "$nonce64"
	expect 7 "tdx_guest: host still owns four buffers: exit 7 (EBUSY)" 'EBUSY'
	echo 2000 >/sys/module/tdx_guest/parameters/quote_timeout_ms
	echo 0 >"$emu_dbg/never_complete"
	echo 1 >"$emu_dbg/complete_held"
	# the held request still goes to the quoting service: wait for it
	wait_host_idle 30
	run dash --nonce-hex "$nonce64" --out "$work/quote"
	expect 0 "tdx_guest: quotes again once the host let go"
fi

suite_end "$core_name" tsm_test_provider tdx_guest
