#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Test suite of the tdx-guest driver on the TDX platform emulator, run in
# the VM by scripts/vm-run (see HACKING.md):
#   1. without the emulator (not a TDX guest) the driver refuses to load,
#      and says why;
#   2. with it (and the quoting service $TOOLSDIR/tdx-qgs if built), the
#      kselftest and the bats README recipe, completion by interrupt;
#   3. the same kselftest when the emulated VMM refuses the vector
#      (polling fallback), then with force_polling.
# Prints TAP, exits non-zero on any failure.

set -u

here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/suite-lib.sh"
kselftest=$TOOLSDIR/tdx_guest_test
sysfs=/sys/devices/virtual/misc/tdx_guest
drv_args=(quote_timeout_ms=2000)
standin=$MODDIR/tools/testing/selftests/tdx/tdx_guest_standin.ko

cleanup() {
	remove_entries
	unload tdx_guest tdx_guest_standin tdx_emu "$core_name"
	qgs_stop
}
trap cleanup EXIT

# The kselftest: $TOOLSDIR when built there, else build it in /tmp
if [ ! -x "$kselftest" ]; then
	kselftest=/tmp/tdx-sft/tdx_guest_test
	make -s -C "$here" OUT=/tmp/tdx-sft >/tmp/tdx-sft.log 2>&1 ||
		sed 's/^/# /' /tmp/tdx-sft.log
fi

run_kselftest() {
	local prefix=$1 out

	if [ ! -x "$kselftest" ]; then
		result 1 "${prefix}kselftest tdx_guest_test # not built"
		return
	fi
	out=$("$kselftest" 2>&1)
	result $? "${prefix}kselftest tdx_guest_test exits 0"
	import_tap "$prefix" <<<"$out"
}

load_driver() {
	mark_log
	insmod "$drv" "${drv_args[@]}" "$@"
}

mode_is() {
	[ "$(cat $sysfs/completion_mode 2>/dev/null)" = "$1" ]
}

# same_value FILE FILE: both readable, not empty, and equal (two missing
# files would compare equal as two empty strings)
same_value() {
	local a b

	a=$(cat "$1") && b=$(cat "$2") && [ -n "$a" ] && [ "$a" = "$b" ]
}

mount_fs

echo "# without the emulator"
load_core
result $? "load the report core ($core_name)"
mark_log
out=$(insmod "$drv" 2>&1)
rc=$?
[ $rc -ne 0 ] && [[ "$out" == *"No such device"* ]] && ! loaded tdx_guest
result $? "tdx-guest.ko refuses to load with ENODEV outside TDX"
new_log | grep -q 'tdx_guest: not a TDX guest$'
result $? "tdx-guest.ko says why"

echo "# on the emulator, completion by interrupt"
insmod "$emu"
result $? "load tdx_emu.ko"

# Another driver holds /dev/tdx_guest (as the kernel's own would): ours
# must refuse before it tells the host anything
insmod "$standin"
result $? "load tdx_guest_standin.ko (holds the tdx_guest device)"
mark_log
out=$(insmod "$drv" 2>&1)
rc=$?
# The driver's own errno, from its log: newer module loaders hand an
# init's EEXIST to insmod as EBUSY, not to confuse it with "already loaded"
[ $rc -ne 0 ] && [ -n "$out" ] &&
	new_log | grep -q 'tdx_guest: attestation is not available (-17)'
result $? "tdx-guest.ko refuses to load with EEXIST beside another tdx_guest"
new_log | grep -q 'tdx_guest: a tdx_guest device exists already'
result $? "tdx-guest.ko says why"
[ "$(cat $emu_dbg/event_cpu)" = -1 ]
result $? "no event-notify vector was registered with the host"
! loaded tdx_guest && rmmod tdx_guest_standin
result $? "unload tdx_guest_standin.ko"
# make check builds tdx-qgs: without it the quote cases would skip, so
# its absence is a failure here
if [ -x "$qgs" ]; then
	qgs_start
	result $? "tdx-qgs is up"
else
	result 1 "tdx-qgs is up (not built in \$TOOLSDIR)"
fi

tdcalls=$(counter "$emu_dbg/tdcalls")
load_driver
result $? "load tdx-guest.ko"
[ "$(counter "$emu_dbg/tdcalls")" -gt "$tdcalls" ]
result $? "its TDCALLs reached the emulator"
! rmmod tdx_emu 2>/dev/null && loaded tdx_emu
result $? "tdx_emu.ko stays while tdx-guest.ko is loaded"
[ -c /dev/tdx_guest ]
result $? "/dev/tdx_guest exists"
mode_is interrupt
result $? "completion_mode is interrupt"
new_log | grep -q 'GetQuote completion by interrupt: vector [0-9]* on CPU [0-9]*'
result $? "the kernel log names the interrupt mode"
same_value "$emu_dbg/event_cpu" /sys/kernel/debug/tdx_guest/event_cpu
result $? "the emulator's event_cpu is the driver's CPU"

run_kselftest "interrupt: "

echo "# bats $here/tdx_guest.bats"
out=$(bats --tap "$here/tdx_guest.bats" 2>&1)
result $? "bats tdx_guest.bats exits 0"
import_tap "bats: " <<<"$out"

[ "$(cat /sys/kernel/debug/tdx_guest/quotes_ok)" -gt 0 ]
result $? "quotes_ok counted the quotes"

rmdir "$report"/* 2>/dev/null
mark_log
rmmod tdx_guest
result $? "unload tdx-guest.ko"
! new_log | grep -q 'leaking'
result $? "the GetQuote buffer was freed, not leaked"

echo "# the VMM refuses the vector: polling fallback"
rmmod tdx_emu
insmod "$emu"
result $? "reload tdx_emu.ko"
echo 1 >"$emu_dbg/refuse_event_notify"
# One GetQuote buffer: the pool's smallest size, where every request that
# the host keeps is replaced by a fresh buffer
load_driver quote_buffers=1
result $? "load tdx-guest.ko quote_buffers=1"
mode_is polling
result $? "completion_mode is polling"
new_log | grep -q 'GetQuote completion by polling: event-notify interrupt unavailable'
result $? "the kernel log names the polling mode"
[ "$(cat $emu_dbg/event_cpu)" = -1 ]
result $? "no vector registered with the emulator"

run_kselftest "polling: "

rmdir "$report"/* 2>/dev/null
rmmod tdx_guest
result $? "unload tdx-guest.ko"

echo "# force_polling"
echo 0 >"$emu_dbg/refuse_event_notify"
load_driver force_polling=1
result $? "load tdx-guest.ko force_polling=1"
mode_is polling
result $? "completion_mode is polling"
new_log | grep -q 'GetQuote completion by polling: force_polling'
result $? "the kernel log says force_polling"
[ "$(cat $emu_dbg/event_cpu)" = -1 ]
result $? "no vector registered with the emulator"
mkdir "$report/fp" && head -c 64 /dev/zero >"$report/fp/inblob"
if [ -S "$qgs_dir/qgs.socket" ]; then
	[ "$(cat "$report/fp/outblob" | wc -c)" -ge 632 ]
	result $? "a quote by polling"
else
	cat "$report/fp/outblob" 2>&1 | grep -q 'Connection refused'
	result $? "ECONNREFUSED by polling without a quoting service"
fi
rmdir "$report/fp"

suite_end tdx_guest tdx_emu "$core_name"
