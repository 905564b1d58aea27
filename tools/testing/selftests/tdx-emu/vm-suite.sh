#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the TDX platform emulator alone (tdx_emu.ko). The kselftest
# tdx_emu_debugfs_test covers its debugfs interface (TDREPORT layout and
# hashes, RTMR arithmetic, the MAC round trip through verify_report, every
# knob); ops-tests.sh drives the emulated primitives through a stand-in TD
# and a scriptable quoting service. Runs as root inside the VM
# (scripts/vm-run) with MODDIR and TOOLSDIR set; prints TAP.
#
# GetQuote end to end and the interrupt on the recorded CPU need the
# tdx-guest driver and live in tools/testing/selftests/tdx.

set -u

MODDIR=${MODDIR:-${COCO_TOP:-.}/build/stock/mod}
TOOLSDIR=${TOOLSDIR:-${COCO_TOP:-.}/build/tools}
EMU_KO=$MODDIR/tools/testing/tdx-emu/tdx_emu.ko
TEST_KO=$MODDIR/tools/testing/tdx-emu/test/tdx_emu_test.ko
KSELFTEST=$TOOLSDIR/tdx_emu_debugfs_test
DBG=/sys/kernel/debug/tdx_emu
WORK=$(mktemp -d)

loaded=0

. "$(dirname "${BASH_SOURCE[0]}")/../../lib/tap.sh"
ok() { result 0 "$*"; }
not_ok() { result 1 "$*"; }
diag() { echo "# $*"; }
# check NAME CMD...: one TAP line for a command's success
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got:  $2"
		diag "want: $3"
	fi
}

cleanup() {
	[ $loaded = 1 ] && rmmod tdx_emu 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

# wrs FILE STRING: one write() of STRING (no newline added), by bash's
# printf: no program started, which under TCG costs more than the test.
# Prints "ok" or the error text (strerror) of the open or the write.
wrs() {
	local err

	if err=$({ printf '%s' "$2" >"$1"; } 2>&1); then
		echo ok
	else
		echo "${err##*: }"
	fi
}

unload() {
	rmmod tdx_emu && loaded=0
}

echo "TAP version 13"

# make check builds every module and tool this suite needs: one that is
# missing is a failure, never a skip that reads as a pass
if [ ! -e "$EMU_KO" ]; then
	result 1 "tdx_emu.ko is built ($EMU_KO is missing)"
	echo "1..$n"
	exit 1
fi

# --- the debugfs interface: one load of the module per test ----------------

if [ -x "$KSELFTEST" ]; then
	out=$(TDX_EMU_KO=$EMU_KO "$KSELFTEST" 2>&1)
	result $? "kselftest tdx_emu_debugfs_test exits 0"
	import_tap "" <<<"$out"
else
	result 1 "kselftest tdx_emu_debugfs_test # not built in $TOOLSDIR"
fi

# --- the primitives, through a stand-in TD ---------------------------------

if [ ! -e "$TEST_KO" ] || ! command -v python3 >/dev/null; then
	[ -e "$TEST_KO" ]
	result $? "tdx_emu_test.ko is built ($TEST_KO)"
	command -v python3 >/dev/null
	result $? "python3 is installed (the stand-in quoting service)"
	echo "1..$n"
	exit 1
fi

. "$(dirname "${BASH_SOURCE[0]}")/ops-tests.sh"

echo "1..$n"
[ $failed = 0 ]
