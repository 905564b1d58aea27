#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The event-notify interrupt of the tdx-guest driver, run in the VM by
# scripts/vm-run (see HACKING.md): how the driver probes the VMM for it
# (GetTdVmCallInfo), which CPU it takes, how it follows that CPU going
# offline, and what it leaves behind at unload: the host is pointed away
# from the vector before the vector is freed, a request the host still
# holds ends at once, and its buffer stays with the host.
# Prints TAP; exits non-zero on any failure.

set -u

here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/suite-lib.sh"

taker=$MODDIR/tools/testing/selftests/tdx-event/tdx_vector_taker.ko
req=$(find_prog "$here/../tdx-hostile" tdx_hostile_req)
sysfs=/sys/devices/virtual/misc/tdx_guest
# x86's RESCHEDULE_VECTOR: where the driver points the host at unload
resched_vector=253
default_affinity=$(cat /proc/irq/default_smp_affinity)

cleanup() {
	echo "$default_affinity" >/proc/irq/default_smp_affinity
	[ -e /sys/devices/system/cpu/cpu1/online ] &&
		echo 1 >/sys/devices/system/cpu/cpu1/online
	remove_entries
	unload tdx_vector_taker tdx_guest tdx_emu "$core_name"
	qgs_stop
}
trap cleanup EXIT

# request [ENTRY]: one quote request; sets err ms len rd
request() {
	read -r err ms len rd _ < <("$req" "${1:-m}")
	err=${err:-NOHELPER} ms=${ms:-0} len=${len:-0} rd=${rd:--}
}

# The core takes a new provider only once the old one's entries are gone
unload_drv() {
	remove_entries
	unload tdx_guest
}

load_drv() {
	unload_drv
	mark_log
	insmod "$drv" "$@"
}

reload_emu() { # reload_emu [knob=value...]: fresh emulator, knobs set first
	unload_drv
	unload tdx_emu
	insmod "$emu" || return 1
	local kv
	for kv; do
		knob "${kv%%=*}" "${kv#*=}" || return 1
	done
}

# quote_by_interrupt NAME: one quote, completed by the event interrupt
# (counted once) and not by a status check
quote_by_interrupt() {
	local irq0 bycheck0

	irq0=$(counter $drv_dbg/interrupts)
	bycheck0=$(counter $drv_dbg/completions_by_check)
	request
	[ "$err" = OK ] && [ "$(counter $drv_dbg/interrupts)" = $((irq0 + 1)) ] &&
		[ "$(counter $drv_dbg/completions_by_check)" = "$bycheck0" ]
	result $? "$1 (seen $err ${ms}ms)"
}

in_mask() { # in_mask CPU HEXMASK
	[[ "$1" =~ ^[0-9]+$ ]] && (((16#${2//,/} >> $1) & 1))
}

mount_fs
load_core && insmod "$emu"
result $? "load the report core and tdx_emu.ko"
qgs_start
result $? "tdx-qgs is up"

echo "# probing the VMM (GetTdVmCallInfo leaf 1)"
reload_emu tdvmcall_info=1
result $? "emulated VMM without the notification (tdvmcall_info=1)"
load_drv
result $? "load tdx-guest.ko"
[ "$(cat $sysfs/completion_mode)" = polling ]
result $? "polling when GetTdVmCallInfo does not list SetupEventNotifyInterrupt"
new_log | grep -q 'tdx_guest: GetQuote completion by polling: the VMM does not offer SetupEventNotifyInterrupt'
result $? "the driver says why"
[ "$(counter $emu_dbg/event_vector)" = -1 ]
result $? "nothing was registered with the host"
request
[ "$err" = OK ] && [ "$rd" = ok ]
result $? "a quote by polling (seen $err ${ms}ms)"

reload_emu tdvmcall_info=2
result $? "emulated GHCI 1.0 VMM: leaf 1 unknown (tdvmcall_info=2)"
load_drv
[ "$(cat $sysfs/completion_mode)" = interrupt ]
result $? "a VMM that cannot say is tried: interrupt mode"

# Each of R11-R14 of leaf 0 reaches the driver: a VMM that answers it
# non-zero is no GHCI VMM, and is not trusted with leaf 1
for r in 0 1 2 3; do
	reload_emu tdvmcall_info=$((3 + r))
	load_drv
	[ "$(cat $sysfs/completion_mode)" = polling ] &&
		[ "$(counter $emu_dbg/event_vector)" = -1 ]
	result $? "leaf 0 with R$((11 + r)) non-zero (not GHCI): polling, nothing registered"
done

reload_emu tdvmcall_info=0
load_drv
[ "$(cat $sysfs/completion_mode)" = interrupt ]
result $? "a VMM that lists the notification: interrupt mode"

echo "# the CPU: the kernel's default interrupt affinity"
cpu=$(counter $drv_dbg/event_cpu)
in_mask "$cpu" "$default_affinity" && [ "$(counter $emu_dbg/event_cpu)" = "$cpu" ]
result $? "default affinity $default_affinity: event CPU $cpu, registered from it"
if grep -q "irqaffinity=1" /proc/cmdline; then
	[ "$cpu" = 1 ]
	result $? "booted with irqaffinity=1: the vector is on CPU 1"
fi

echo 1 >/proc/irq/default_smp_affinity
load_drv
[ "$(counter $drv_dbg/event_cpu)" = 0 ] && [ "$(counter $emu_dbg/event_cpu)" = 0 ]
result $? "default affinity CPU 0: event CPU 0, registered from CPU 0"

# CPU 1: the vector placed there, then CPU 1 going offline mid-request
cpu1_tests() {
	echo 2 >/proc/irq/default_smp_affinity
	load_drv
	result $? "reload with the default affinity set to CPU 1"
	[ "$(counter $drv_dbg/event_cpu)" = 1 ] && [ "$(counter $emu_dbg/event_cpu)" = 1 ]
	result $? "event CPU 1, registered from CPU 1"
	quote_by_interrupt "a quote completed by the interrupt on CPU 1"

	echo "# CPU hotplug: the event CPU goes offline mid-request"
	knob service_delay_ms 1500
	mark_log
	"$req" m >/tmp/hotplug.out &
	sleep 0.5
	echo 0 >/sys/devices/system/cpu/cpu1/online
	result $? "CPU 1 goes offline while a request waits"
	wait $!
	read -r err ms len rd _ </tmp/hotplug.out
	[ "${err:-}" = OK ] && [ "$rd" = ok ]
	result $? "the request completes (seen ${err:-none} ${ms:-?}ms)"
	[ "$(counter $drv_dbg/event_cpu)" = 0 ] && [ "$(counter $emu_dbg/event_cpu)" = 0 ] &&
		[ "$(counter $drv_dbg/event_moves)" = 1 ]
	result $? "the vector moved to CPU 0 and the host was told from there"
	new_log | grep -q 'tdx_guest: CPU 1 went offline: event-notify interrupt moved to vector [0-9]* on CPU 0'
	result $? "the driver says so"
	[ "$(counter $drv_dbg/event_vector)" = "$(counter $emu_dbg/event_vector)" ]
	result $? "the host aims at the vector the driver now has"
	knob service_delay_ms 0
	quote_by_interrupt "the next quote completes by the interrupt on CPU 0"
	echo 1 >/sys/devices/system/cpu/cpu1/online
	result $? "CPU 1 comes back"
}

if [ -e /sys/devices/system/cpu/cpu1/online ]; then
	cpu1_tests
else
	# The debug kernel (tinyconfig, no ACPI) finds one CPU in the MP
	# table QEMU's firmware gives it
	skip "the event CPU on CPU 1 and its hotplug" "only one CPU"
fi
echo "$default_affinity" >/proc/irq/default_smp_affinity

echo "# unload with a request the host holds"
load_drv quote_timeout_ms=20000
result $? "load tdx-guest.ko quote_timeout_ms=20000"
cpu=$(counter $drv_dbg/event_cpu)
old_vector=$(counter $drv_dbg/event_vector)
knob never_complete 1
"$req" m >/tmp/unload.out &
reqpid=$!
in_flight_is 1 5
result $? "the host holds the request"
t0=$(date +%s%N)
rmmod tdx_guest
rc=$?
t_ms=$((($(date +%s%N) - t0) / 1000000))
# Typically 150 ms; a host that descheduled the TCG vCPUs once made it
# 1.1 s. What is tested is that the 20 s wait for the host is not sat out.
[ $rc = 0 ] && [ $t_ms -lt 5000 ]
result $? "rmmod does not wait for the host: under 5 s of its 20 (${t_ms} ms)"
wait $reqpid
read -r err ms _ </tmp/unload.out
[ "${err:-}" = ENXIO ]
result $? "the waiting request ends with ENXIO (seen ${err:-none} ${ms:-?}ms)"
grep -Eq 'guest_refs=[1-9]' "$emu_dbg/requests"
result $? "the guest still holds the buffer the host owns (emulator: $(tr '\n' ' ' <"$emu_dbg/requests"))"
new_log | grep -q 'tdx_guest: the host still owns a GetQuote buffer, leaking 128 KiB'
result $? "the driver says it leaves the buffer to the host"
[ "$(counter $emu_dbg/event_vector)" = $resched_vector ] &&
	[ "$(counter $emu_dbg/event_cpu)" = "$cpu" ]
result $? "the host now aims at the reschedule vector, not at the freed vector $old_vector"

insmod "$taker" cpu="$cpu"
result $? "another module takes a vector on CPU $cpu (vector $(cat /sys/module/tdx_vector_taker/parameters/vector 2>/dev/null))"
raised0=$(counter $emu_dbg/irqs_raised)
knob never_complete 0
knob complete_held 1
wait_host_idle
result $? "the host completes the abandoned request"
[ "$(counter $emu_dbg/irqs_raised)" = $((raised0 + 1)) ]
result $? "the host raised its notification"
[ "$(cat /sys/module/tdx_vector_taker/parameters/calls)" = 0 ]
result $? "the other module's handler never ran"
unload tdx_vector_taker

suite_end tdx_vector_taker tdx_guest tdx_emu "$core_name"
