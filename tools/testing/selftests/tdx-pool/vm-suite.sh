#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Several GetQuote requests in flight, run in the VM by scripts/vm-run (see
# HACKING.md): the tdx-guest driver's pool of shared buffers (quote_buffers)
# against an emulated VMM that takes several requests at once and
# misbehaves with them: completes them out of order, twice, writes into
# buffers that are not in flight, raises the interrupt with nothing done,
# refuses the second request while the first is in flight. Every quote a
# reader gets must carry its own nonce (tdx_hostile_req's "rd=ok": never
# another request's quote), and the kernel must not complain (the runner
# checks its log).
#
# On kernels whose own configfs-tsm core runs (6.7+), that core holds one
# global lock for each whole report: at most one request reaches the
# driver at a time whatever its pool, and the suite checks that instead of
# the cases that need two requests in the driver at once.
# Prints TAP; exits non-zero on any failure.

set -u

here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/suite-lib.sh"

req=$(find_prog "$here/../tdx-hostile" tdx_hostile_req)
params=/sys/module/tdx_guest/parameters
# Long enough that no request here times out unless the case wants it
timeout_ms=20000
# What "at once" allows for the scheduling of several readers: the debug
# kernel (KASAN, lockdep, one CPU) under TCG needs more; and for a reader
# started to reach the driver before the next one starts
if [ "${LANE:-stock}" = debug ]; then
	slack_ms=3000 queue_gap=0.9
else
	slack_ms=1000 queue_gap=0.3
fi

cleanup() {
	knob never_complete 0 2>/dev/null
	knob complete_held 1 2>/dev/null
	wait 2>/dev/null
	remove_entries
	unload tdx_guest tdx_emu "$core_name"
	qgs_stop
}
trap cleanup EXIT

# start NAME...: one request in the background per entry NAME; its line
# goes to /tmp/pool.NAME
start() {
	local e

	for e; do
		rm -f "/tmp/pool.$e"
		"$req" "$e" >"/tmp/pool.$e.tmp" 2>&1 &&
			mv "/tmp/pool.$e.tmp" "/tmp/pool.$e" &
	done
}

# finished NAME: the request on entry NAME has printed its line
finished() {
	[ -s "/tmp/pool.$1" ]
}

# ended NAME: how the request on entry NAME ended: "OK", "OK-FOREIGN" (a
# quote that is not its own), an errno name, or "RUNNING"
ended() {
	local err rd

	finished "$1" || { echo RUNNING; return; }
	read -r err _ _ rd _ <"/tmp/pool.$1"
	if [ "$err" = OK ] && [ "$rd" != ok ]; then
		echo OK-FOREIGN
	else
		echo "$err"
	fi
}

# all_end WANT NAME...: wait for the requests (30 s at most) and check that
# each ended as WANT (a |-separated list); prints what the others saw
all_end() {
	local want=$1 e i all bad=0 how

	shift
	for ((i = 0; i < 600; i++)); do
		all=1
		for e; do
			finished "$e" || { all=0; break; }
		done
		[ $all = 1 ] && break
		sleep 0.05
	done
	for e; do
		how=$(ended "$e")
		if [[ "|$want|" != *"|$how|"* ]]; then
			echo "# entry $e: $how, wanted $want"
			bad=1
		fi
	done
	return $bad
}

entries() { # entries PREFIX N: the names PREFIX1..PREFIXN
	local i

	for ((i = 1; i <= $2; i++)); do
		echo "$1$i"
	done
}

reset_knobs() {
	local k

	for k in never_complete double_complete drop_irq service_delay_ms; do
		knob $k 0
	done
	knob max_in_flight 16
	knob complete_held 1
	wait_host_idle
}

# poll_schedule MIN MAX: the driver's status checks, MIN ms doubling to MAX
poll_schedule() {
	echo "$1" >$params/poll_min_ms
	echo "$2" >$params/poll_max_ms
}

# one_irq_ends ENTRY...: the host completes the held requests of ENTRY...
# without an interrupt, then raises one. Sets t_ms to the time from that
# interrupt until every reader ended; returns all_end OK's status.
one_irq_ends() {
	local ok t0

	knob drop_irq 1
	knob never_complete 0
	knob complete_held 1
	wait_host_idle
	t0=$(date +%s%N)
	knob drop_irq 0
	knob spurious_irq 1
	all_end OK "$@"
	ok=$?
	t_ms=$((($(date +%s%N) - t0) / 1000000))
	return $ok
}

load_drv() { # load_drv [param=value...]
	remove_entries
	unload tdx_guest
	insmod "$drv" quote_timeout_ms=$timeout_ms "$@"
}

mount_fs
load_core && insmod "$emu"
result $? "load the report core and tdx_emu.ko"
qgs_start
result $? "tdx-qgs is up"
load_drv
result $? "load tdx-guest.ko"
pool=$(cat $params/quote_buffers)
[ "$pool" = 8 ]
result $? "quote_buffers is 8 by default (seen $pool)"
! echo 4 2>/dev/null >$params/quote_buffers
result $? "quote_buffers is read-only once loaded"
for bad in 0 17; do
	remove_entries
	unload tdx_guest
	! insmod "$drv" quote_buffers=$bad 2>/dev/null
	result $? "quote_buffers=$bad is refused at load"
done

if [ "$core_intree" = 1 ]; then
	echo "# the kernel's own report core: one report at a time"
	load_drv
	knob quotes_in_flight_peak 0
	knob service_delay_ms 200
	mapfile -t es < <(entries s 4)
	start "${es[@]}"
	all_end OK "${es[@]}"
	result $? "4 readers at once: each gets its own quote"
	peak=$(counter $emu_dbg/quotes_in_flight_peak)
	[ "$peak" = 1 ]
	result $? "the core's global lock lets one request reach the host at a time (peak $peak)"
	reset_knobs
	suite_end tdx_guest tdx_emu "$core_name"
fi

echo "# the pool"
load_drv quote_buffers=4
knob never_complete 1
mapfile -t es < <(entries p 5)
start "${es[@]}"
in_flight_is 4
result $? "4 buffers: 4 requests reach the host at once"
sleep 0.5
[ "$(counter $emu_dbg/quotes_in_flight)" = 4 ] &&
	[ "$(counter $drv_dbg/quotes_in_flight)" = 4 ]
result $? "the 5th waits for a buffer (host $(counter $emu_dbg/quotes_in_flight), driver $(counter $drv_dbg/quotes_in_flight))"
knob never_complete 0
knob complete_held 1
all_end OK "${es[@]}"
result $? "all 5 get their own quotes once the host answers"

# Killed while it waits for a buffer: reaped at once, the others unharmed
knob never_complete 1
mapfile -t es < <(entries k 4)
start "${es[@]}"
in_flight_is 4
"$req" kq >/dev/null 2>&1 &
kpid=$!
sleep 0.5
t0=$(date +%s%N)
kill -KILL $kpid
wait $kpid 2>/dev/null
t_ms=$((($(date +%s%N) - t0) / 1000000))
[ "$t_ms" -lt 1000 ] && [ "$(counter $emu_dbg/quotes_in_flight)" = 4 ]
result $? "a reader killed while waiting for a buffer is reaped in $t_ms ms"
knob never_complete 0
knob complete_held 1
all_end OK "${es[@]}"
result $? "the 4 holding buffers still get their quotes"

# A request beyond the pool waits for a buffer at most quote_timeout_ms,
# then for the host as long: ETIMEDOUT after 2 x 1 s at most. Or EBUSY,
# if the four ahead all left their buffers to the host before it took a
# slot (TDX_QUOTE_MAX_ABANDONED)
echo 1000 >$params/quote_timeout_ms
knob never_complete 1
mapfile -t es < <(entries t 5)
start "${es[@]}"
all_end "ETIMEDOUT|EBUSY" "${es[@]}"
ok=$?
timedout=0 max_ms=0
for e in "${es[@]}"; do
	[ "$(ended "$e")" = ETIMEDOUT ] && timedout=$((timedout + 1))
	read -r _ ms _ <"/tmp/pool.$e"
	[ "${ms:-0}" -gt $max_ms ] && max_ms=$ms
done
[ $ok = 0 ] && [ $timedout -ge 4 ] && [ $max_ms -le $((2000 + slack_ms)) ]
result $? "a host that answers nothing: $timedout of 5 ETIMEDOUT, the rest EBUSY, the longest read $max_ms ms (2 x quote_timeout_ms + $slack_ms)"
echo $timeout_ms >$params/quote_timeout_ms
knob never_complete 0
knob complete_held 1
wait_host_idle

# Buffers go to waiters in the order they came, none overtaken: behind a
# request the host holds on the only buffer, four readers queue one after
# another; once the host answers, each request takes 50 ms at the host,
# so they end 50 ms apart, in the order they queued
load_drv quote_buffers=1
knob never_complete 1
start f0
in_flight_is 1
for e in f1 f2 f3 f4; do
	start $e
	sleep $queue_gap
done
knob service_delay_ms 50
knob never_complete 0
knob complete_held 1
all_end OK f0 f1 f2 f3 f4
ok=$?
# The line is written when the read returns: its file's mtime is the end
order=$(for e in f1 f2 f3 f4; do
	echo "$(stat -c %.9Y "/tmp/pool.$e") $e"
done | sort -n | awk '{ printf "%s%s", sep, $2; sep = " " }')
[ $ok = 0 ] && [ "$order" = "f1 f2 f3 f4" ]
result $? "waiters for a buffer are served in the order they came (f1 f2 f3 f4: $order)"
knob service_delay_ms 0
wait_host_idle

remove_entries
load_drv
result $? "the driver reloads with the default pool"

echo "# several in flight"
knob quotes_in_flight_peak 0
knob never_complete 1
mapfile -t es < <(entries c $pool)
start "${es[@]}"
in_flight_is "$pool"
result $? "$pool readers: $pool requests with the host at once"
knob never_complete 0
knob complete_held 1
all_end OK "${es[@]}"
result $? "$pool readers: each gets its own quote"

# Out of order: B, submitted after A, completes first and its reader
# returns while A's still waits
knob never_complete 1
start oa
in_flight_is 1
start ob
in_flight_is 2
knob complete_newest 1
all_end OK ob
result $? "out of order: the newer request completes first, with its own quote"
[ "$(ended oa)" = RUNNING ] && [ "$(counter $emu_dbg/quotes_in_flight)" = 1 ]
result $? "out of order: the older one still waits"
knob complete_newest 1
all_end OK oa
result $? "out of order: then the older one, with its own quote"
! echo 1 >$emu_dbg/complete_newest 2>/dev/null
result $? "complete_newest with nothing held fails"
knob never_complete 0

# One interrupt, several completions: with status checks 18 s apart, the
# host completes 4 requests without an interrupt, then raises one. Had a
# status check found any of them, completions_by_check would count it.
# (5 s apart, a loaded machine's quoting service, signing four quotes on
# the guest's vCPUs, once took longer than that: checks came first; on the
# debug lane the four reads ended 11 s after they began.)
poll_schedule 18000 18000
knob never_complete 1
mapfile -t es < <(entries i 4)
t_start=$(date +%s%N)
start "${es[@]}"
in_flight_is 4
sleep 0.3
bycheck0=$(counter $drv_dbg/completions_by_check)
one_irq_ends "${es[@]}"
ok=$?
bycheck=$(($(counter $drv_dbg/completions_by_check) - bycheck0))
# All ended before the first status check was due: the interrupt woke them
total_ms=$((($(date +%s%N) - t_start) / 1000000))
[ $ok = 0 ] && [ "$bycheck" = 0 ] && [ "$total_ms" -lt 18000 ]
result $? "one interrupt wakes all 4 completed requests (${t_ms} ms after it, ${total_ms} ms after they began, $bycheck by a status check, checks 18 s apart)"
poll_schedule 1 100

echo "# the hostile host"
# Interrupts with nothing done wake nobody for good and leave no mark: the
# interrupt of the real completion still wakes every reader. Raised back
# to back, they merge in the local APIC (one pending per vector): the
# handler runs at least once, not 200 times, and each run is idle. Status
# checks 10 s apart, so only an interrupt ends a wait early.
poll_schedule 10000 10000
knob never_complete 1
mapfile -t es < <(entries n 4)
start "${es[@]}"
in_flight_is 4
idle0=$(counter $drv_dbg/idle_interrupts)
irqs0=$(counter $drv_dbg/interrupts)
raised0=$(counter $emu_dbg/irqs_raised)
knob spurious_irq 200
sleep 0.5
idle=$(($(counter $drv_dbg/idle_interrupts) - idle0))
irqs=$(($(counter $drv_dbg/interrupts) - irqs0))
raised=$(($(counter $emu_dbg/irqs_raised) - raised0))
running=0
for e in "${es[@]}"; do
	[ "$(ended "$e")" = RUNNING ] && running=$((running + 1))
done
[ "$raised" -ge 200 ] && [ "$irqs" -ge 1 ] && [ "$idle" = "$irqs" ] &&
	[ "$running" = 4 ]
result $? "$raised interrupts with nothing done: $idle of $irqs handled as idle, all 4 still wait"
one_irq_ends "${es[@]}"
ok=$?
[ $ok = 0 ] && [ "$t_ms" -lt 5000 ]
result $? "  then one interrupt for their completions wakes all 4, each with its own quote (${t_ms} ms, checks 10 s apart)"
poll_schedule 1 100

# The host completes each buffer twice; a buffer reused meanwhile may get
# the old answer, which must fail (EBADMSG), never pass as its quote
knob double_complete 1
for round in 1 2 3; do
	mapfile -t es < <(entries "d$round-" "$pool")
	start "${es[@]}"
	all_end "OK|EBADMSG" "${es[@]}"
	result $? "completed twice, round $round: each reader its own quote or EBADMSG"
done
[ "$(counter $emu_dbg/double_completions)" -gt 0 ]
result $? "the host completed buffers twice ($(counter $emu_dbg/double_completions))"
knob double_complete 0
wait_host_idle

# Writes into buffers that are not in flight: between requests they are
# overwritten before reuse; during them they may spoil a TDREPORT being
# handed over (EIO) or a quote (EBADMSG), never pass as a quote
knob write_idle 1
[ "$(counter $emu_dbg/idle_writes)" -gt 0 ]
result $? "the host wrote into idle buffers ($(counter $emu_dbg/idle_writes))"
mapfile -t es < <(entries w "$pool")
start "${es[@]}"
all_end OK "${es[@]}"
result $? "then $pool readers each get their own quote"
mapfile -t es < <(entries x "$pool")
start "${es[@]}"
for _ in $(seq 20); do
	knob write_idle 1
	sleep 0.05
done
all_end "OK|EBADMSG|EIO" "${es[@]}"
result $? "writes into idle buffers during requests: own quote, EBADMSG or EIO"

# The host takes one request at a time (QEMU's RETRY above its limit):
# while it holds the first, the others are refused and retry; once it
# answers, they get through one by one
knob max_in_flight 1
knob quotes_in_flight_peak 0
retries0=$(counter $drv_dbg/quote_retries)
knob never_complete 1
start r1
in_flight_is 1
mapfile -t es < <(entries r 4)
start "${es[@]:1}"
sleep 1
retries=$(($(counter $drv_dbg/quote_retries) - retries0))
[ "$retries" -gt 0 ] && [ "$(counter $drv_dbg/quotes_in_flight)" = 1 ]
result $? "a host refusing a second request: the others retry ($retries RETRY answers so far)"
knob never_complete 0
knob complete_held 1
all_end OK "${es[@]}"
result $? "  once it answers, all 4 get their own quotes"
peak=$(counter $emu_dbg/quotes_in_flight_peak)
[ "$peak" = 1 ]
result $? "  the host held one at a time (peak $peak)"
reset_knobs

echo "# unload"
# Every wait ends at once: for the host and for a buffer
remove_entries
load_drv quote_buffers=2
knob never_complete 1
mapfile -t es < <(entries u 3)
start "${es[@]}"
in_flight_is 2
sleep 0.3
t0=$(date +%s%N)
rmmod tdx_guest
rc=$?
t_ms=$((($(date +%s%N) - t0) / 1000000))
all_end ENXIO "${es[@]}"
ok=$?
# At once: not after the host's 20 s (a driver that waits for it takes
# 20 s to 40 s here). Half of that, as on a machine whose other VMs shared
# its 2 cores rmmod took 1.2 to 3.6 s, and 5.7 s on the debug lane.
[ $rc = 0 ] && [ $ok = 0 ] && [ "$t_ms" -lt $((timeout_ms / 2)) ]
result $? "unload with 2 requests at the host and 1 waiting for a buffer: all ENXIO, ${t_ms} ms"
knob never_complete 0
knob complete_held 1
wait_host_idle
result $? "the host answers the abandoned requests"

suite_end tdx_guest tdx_emu "$core_name"
