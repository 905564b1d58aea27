#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of the benchmark, run in the VM by bench/run through
# scripts/vm-run (stock lane). Loads tsm.ko, tdx_emu.ko and tdx-guest.ko,
# starts the quoting service, and measures reports through configfs for
# each completion mode
# of the driver:
#   interrupt  the emulated VMM raises the event-notify interrupt
#   polling    the VMM refuses the vector (refuse_event_notify=1): polling
#              fallback with the default backoff (poll_min_ms..poll_max_ms)
#   poll1s     force_polling=1 poll_min_ms=1000 poll_max_ms=1000
#              quote_buffers=1: a status check once a second, one quote at
#              a time, the upstream design
#   pool16     interrupt mode with quote_buffers=16 (the largest pool), for
#              the throughput sweep's widest point only
# The service time is set with the emulator's service_delay_ms: the VMM
# waits that long before it asks the quoting service, which then takes its
# own time on top (measured here directly, kind=qgs).
#
# Every figure is one line "BENCH kind=... key=value ..." on stdout; other
# lines start with '#'. Nothing is judged: a failed operation stops the run
# with a non-zero status, a slow one is only reported.
#
# Stalls: while a mode runs, a few kprobe events (tracefs, trace_clock
# "mono", no function tracer) mark the path of each quote: the driver's
# report_new (entry, return), the emulator's quoting-service call
# tdx_emu_qgs_get_quote (entry, return), tdx_emu_raise_irq, the driver's
# tdx_event_handler, and tdx_quote_check_response, the first call after
# the wait (tdx_quote_wait is inlined into report_new). Every latency
# sample of BENCH_STALL_MS (500) or more is put on that timeline by
# bench/stalls.awk (kind=stall: its longest gap) at the end of the mode,
# which also reads every quote's gaps off the trace (kind=gaps) and lists
# the quotes whose interrupt handler did not run before the reader's
# status check (kind=no_irq).
#
# Throughput: N threads cycle reports, each in its own entry (tsm-bench
# throughput -t); a point counts the reports that end in a fixed window
# after a warm-up, with the guest's CPU busy time over the window
# (/proc/stat) and a quoting-service round trip every 500 ms during it (the
# service's time under that load), and the emulator's peak of requests in
# flight (quotes_in_flight_peak, reset before each point; "NA" without
# it). In interrupt mode the sweep is BENCH_SWEEP_JOBS entries (1 2 4 8
# 16) at BENCH_SWEEP_SVC service times (0 10 100 ms) with the driver's
# default pool; pool16 repeats the widest point with 16 buffers; the
# polling fallback runs 1, 2, 8 entries at 0 and 100 ms; poll1s, the
# baseline, 1 and 8 entries at 100 ms. The trace is paused during the
# throughput points: their quotes overlap, and bench/stalls.awk's walk of
# every quote assumes one at a time.
#
# On a kernel with its own configfs-tsm core (no tsm.ko in MODDIR: the
# k612 and k7 lanes), only the in-tree pass runs: the driver in interrupt
# mode under the kernel's core, throughput at 100 ms with
# BENCH_INTREE_JOBS entries (1 2 8), mode=intree-LANE; then the kernel's
# own tdx_guest, unchanged, on the same emulator (mode=upstream-LANE): the
# upstream design measured rather than imitated (poll1s), latency at 10
# ms service and throughput at 100 ms with 1 and 8 entries.
#
# Iteration counts (environment): BENCH_N latency samples per point
# (100), BENCH_N_SLOW the same in poll1s mode (5), BENCH_QUOTES the long
# run, each report paired with a quoting-service round trip (3000),
# BENCH_QUOTES_POLL its polling-mode counterpart (1000),
# BENCH_QGS_N round trips straight to the quoting service, the memory
# run's contrast (500), BENCH_TPUT_MS the window of a throughput point
# (8000), BENCH_TPUT_WARM_MS its warm-up (1000), BENCH_TPUT_SLOW_MS the
# window with 1 s polling (12000), BENCH_ISO isolation rounds (20).

set -euo pipefail

N=${BENCH_N:-100}
N_SLOW=${BENCH_N_SLOW:-5}
QUOTES=${BENCH_QUOTES:-3000}
QUOTES_POLL=${BENCH_QUOTES_POLL:-1000}
QGS_N=${BENCH_QGS_N:-500}
TPUT_MS=${BENCH_TPUT_MS:-8000}
TPUT_WARM_MS=${BENCH_TPUT_WARM_MS:-1000}
TPUT_SLOW_MS=${BENCH_TPUT_SLOW_MS:-12000}
SWEEP_SVC=${BENCH_SWEEP_SVC:-0 10 100}
SWEEP_JOBS=${BENCH_SWEEP_JOBS:-1 2 4 8 16}
INTREE_JOBS=${BENCH_INTREE_JOBS:-1 2 8}
# The driver's largest pool (quote_buffers is 1..16)
POOL_MAX=16
ISO=${BENCH_ISO:-20}
SERVICE_MS="0 1 10 100"
STALL_MS=${BENCH_STALL_MS:-500}

core=$MODDIR/drivers/virt/coco/tsm/tsm.ko
emu=$MODDIR/tools/testing/tdx-emu/tdx_emu.ko
# The driver as DKMS installs it, on the emulator
drv=$MODDIR/drivers/virt/coco/tdx-guest/tdx-guest.ko
bench=$TOOLSDIR/tsm-bench
qgs=$TOOLSDIR/tdx-qgs
qgs_dir=/run/tdx-qgs
report=/sys/kernel/config/tsm/report
sysfs=/sys/devices/virtual/misc/tdx_guest
emu_dbg=/sys/kernel/debug/tdx_emu
drv_dbg=/sys/kernel/debug/tdx_guest
stalls_awk=$COCO_TOP/bench/stalls.awk
tracefs=

log() { echo "# [$(cut -d' ' -f1 /proc/uptime)] $*"; }

loaded() { grep -q "^$1 " /proc/modules; }

cleanup() {
	local d m

	trace_disarm 2>/dev/null || true
	for d in "$report"/*; do
		[ -d "$d" ] && rmdir "$d"
	done
	for m in tdx_guest tdx_emu tsm tsm_report; do
		loaded $m && rmmod $m
	done
	[ -f "$qgs_dir/pid" ] && kill "$(cat "$qgs_dir/pid")" 2>/dev/null
	return 0
}
trap cleanup EXIT

meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }

# Pages handed out by the page allocator so far, all zones
pgalloc() {
	awk '/^pgalloc_/ { s += $2 } END { print s }' /proc/vmstat
}

# Free blocks per order summed over zones: "o0:o1:...:o10"
buddy() {
	awk '{ for (i = 5; i <= NF; i++) s[i - 5] += $i; n = NF - 4 }
	     END { for (i = 0; i < n; i++) printf "%s%d", i ? ":" : "", s[i] }' \
		/proc/buddyinfo
}

# name active_objs objsize, one cache a line
slabinfo() {
	[ -r /proc/slabinfo ] || return 0
	awk 'NR > 2 { print $1, $2, $4 }' /proc/slabinfo
}

# snapshot TAG: remember the memory counters under TAG in $snap
declare -A snap
snapshot() {
	local t=$1

	sleep 1
	snap[$t.slab]=$(meminfo Slab)
	snap[$t.sunr]=$(meminfo SUnreclaim)
	snap[$t.free]=$(meminfo MemFree)
	snap[$t.pgalloc]=$(pgalloc)
	snap[$t.pgfree]=$(vmstat pgfree)
	snap[$t.buddy]=$(buddy)
	slabinfo >"/tmp/slab.$t"
}

# delta NAME: counter NAME at snapshot b minus at snapshot a
delta() { echo $((${snap[b.$1]} - ${snap[a.$1]})); }

# memory_line MODE QUOTES: the counters since "snapshot a"
memory_line() {
	snapshot b
	echo "BENCH kind=memory mode=$1 quotes=$2" \
		"slab_kb_before=${snap[a.slab]} slab_kb_after=${snap[b.slab]}" \
		"sunreclaim_kb_before=${snap[a.sunr]} sunreclaim_kb_after=${snap[b.sunr]}" \
		"memfree_kb_before=${snap[a.free]} memfree_kb_after=${snap[b.free]}" \
		"pgalloc=$(delta pgalloc) pgfree=$(delta pgfree)" \
		"buddy_before=${snap[a.buddy]} buddy_after=${snap[b.buddy]}"
	# The caches that grew or shrank most, by bytes
	if [ -s /tmp/slab.a ]; then
		join <(sort /tmp/slab.a) <(sort /tmp/slab.b) |
			awk '{ d = ($4 - $2) * $3
			       if (d) print (d < 0 ? -d : d), $1, $4 - $2, d }' |
			sort -rn | sed -n '1,5p' |
			awk -v m="$1" '{ printf "BENCH kind=slabtop mode=%s cache=%s objs=%+d bytes=%+d\n", m, $2, $3, $4 }'
	fi
}

# ---- kprobe events for the stalls ----

# "TYPE NAME MODULE SYMBOL": p an entry probe, r a return probe
probe_defs=(
	"p drv_in tdx_guest tdx_report_new"
	"p qgs_in tdx_emu tdx_emu_qgs_get_quote"
	"r qgs_out tdx_emu tdx_emu_qgs_get_quote"
	"p raise tdx_emu tdx_emu_raise_irq"
	"p irq tdx_guest tdx_event_handler"
	"p woke tdx_guest tdx_quote_check_response"
	"r drv_out tdx_guest tdx_report_new"
)
armed=()

# Find tracefs and set it up once: a buffer large enough for a mode's
# events, the CLOCK_MONOTONIC trace clock
trace_setup() {
	local d

	mountpoint -q /sys/kernel/tracing ||
		mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
	for d in /sys/kernel/tracing /sys/kernel/debug/tracing ""; do
		[ -n "$d" ] && [ -e "$d/kprobe_events" ] && break
	done
	if [ -z "$d" ] || ! grep -qw mono "$d/trace_clock"; then
		log "no tracefs with kprobe_events and the mono clock: stalls are counted, not attributed"
		echo "BENCH kind=trace_setup available=no"
		return 0
	fi
	tracefs=$d
	echo 0 >"$tracefs/tracing_on"
	echo mono >"$tracefs/trace_clock"
	echo 8192 >"$tracefs/buffer_size_kb"
	echo "BENCH kind=trace_setup available=yes dir=$tracefs clock=mono buffer_kb_per_cpu=$(cat "$tracefs/buffer_size_kb")"
}

# Define and enable the probes whose symbols the loaded modules have
trace_arm() {
	local def t n m f missing=

	[ -n "$tracefs" ] || return 0
	armed=()
	for def in "${probe_defs[@]}"; do
		read -r t n m f <<<"$def"
		if grep -q "[[:space:]]${f}[[:space:]]*\\[${m}\\]\$" /proc/kallsyms &&
			echo "$t:bench/$n $m:$f" >>"$tracefs/kprobe_events"; then
			armed+=("$n")
		else
			missing+="$n,"
		fi
	done
	[ -n "$missing" ] && log "probes not set: ${missing%,}"
	if ((${#armed[@]})); then
		echo 1 >"$tracefs/events/bench/enable"
	fi
	echo >"$tracefs/trace"
	echo 1 >"$tracefs/tracing_on"
}

# trace_disarm [MODE]: stop tracing, remove the probes; with MODE, put
# this mode's stalls on the trace's timeline first
trace_disarm() {
	local mode=${1:-} n misses overrun

	[ -n "$tracefs" ] && ((${#armed[@]})) || return 0
	echo 0 >"$tracefs/tracing_on"
	if [ -n "$mode" ]; then
		misses=$(awk 'NF == 3 { s += $3 } END { print s + 0 }' \
			"$tracefs/kprobe_profile")
		overrun=$(cat "$tracefs"/per_cpu/cpu*/stats |
			awk '$1 == "overrun:" { s += $2 } END { print s + 0 }')
		touch "/tmp/stalls.$mode"
		awk -v mode="$mode" -v probes="$(IFS=,; echo "${armed[*]}")" \
			-v misses="$misses" -v overrun="$overrun" -v stall_ms="$STALL_MS" \
			-f "$stalls_awk" "$tracefs/trace" "/tmp/stalls.$mode"
	fi
	echo 0 >"$tracefs/events/bench/enable"
	for n in "${armed[@]}"; do
		echo "-:bench/$n" >>"$tracefs/kprobe_events"
	done
	armed=()
	echo >"$tracefs/trace"
}

start_qgs() {
	mkdir -p "$qgs_dir"
	"$qgs" --daemon --pidfile "$qgs_dir/pid" >/tmp/tdx-qgs.log 2>&1
	for _ in $(seq 100); do
		[ -S "$qgs_dir/qgs.socket" ] && return 0
		sleep 0.1
	done
	echo "tdx-qgs did not start:" >&2
	cat /tmp/tdx-qgs.log >&2
	return 1
}

# Whether the driver has the pool of GetQuote buffers (quote_buffers):
# the bench also runs against a driver without it, one quote at a time
has_pool() { modinfo -p "$drv" 2>/dev/null | grep -q '^quote_buffers:'; }

# The loaded driver's pool size, or NA
pool_size() { cat /sys/module/tdx_guest/parameters/quote_buffers 2>/dev/null || echo NA; }

# load_mode MODE: a fresh emulator and the driver in MODE
load_mode() {
	local mode=$1 want=$1 args=()

	for d in "$report"/*; do
		[ -d "$d" ] && rmdir "$d"
	done
	trace_disarm
	loaded tdx_guest && rmmod tdx_guest
	# A fresh emulator: no vector left registered by the previous load
	loaded tdx_emu && rmmod tdx_emu
	insmod "$emu"
	case $mode in
	interrupt | intree-*) want=interrupt ;;
	upstream-*)
		# The kernel's own driver: no parameters, no completion_mode
		snapshot a
		modprobe tdx_guest
		snapshot b
		echo "BENCH kind=load mode=$mode" \
			"memfree_kb=$((0 - $(delta free))) slab_kb=$(delta slab)" \
			"module_bytes=$(cat /sys/module/tdx_guest/coresize) pool=NA"
		return 0
		;;
	pool16)
		args=("quote_buffers=$POOL_MAX")
		want=interrupt
		;;
	polling) echo 1 >"$emu_dbg/refuse_event_notify" ;;
	poll1s)
		args=(force_polling=1 poll_min_ms=1000 poll_max_ms=1000)
		# Upstream has one buffer: one quote at a time
		has_pool && args+=(quote_buffers=1)
		want=polling
		;;
	esac
	snapshot a
	insmod "$drv" "${args[@]}"
	snapshot b
	echo "BENCH kind=load mode=$mode" \
		"memfree_kb=$((0 - $(delta free))) slab_kb=$(delta slab)" \
		"module_bytes=$(cat /sys/module/tdx_guest/coresize) pool=$(pool_size)"
	if [ "$(cat $sysfs/completion_mode)" != "$want" ]; then
		echo "driver is in $(cat $sysfs/completion_mode) mode, wanted $want" >&2
		return 1
	fi
	log "$mode: $(dmesg | grep 'tdx_guest: GetQuote completion' | tail -n1)"
}

service() { echo "$1" >"$emu_dbg/service_delay_ms"; }

# measure "kind=... mode=..." COMMAND...: one BENCH line of COMMAND's
# figures (an assignment, so that a failing COMMAND stops the run)
measure() {
	local what=$1 out

	shift
	out=$("$@")
	echo "BENCH $what $out"
}

# A debugfs value, or "-" if the file is not there
dbg() { cat "$1" 2>/dev/null || echo -; }

# driver_line MODE PHASE: the counters at PHASE (start: just loaded,
# long: before the long run, end: the mode's last figures)
driver_line() {
	echo "BENCH kind=driver mode=$1 phase=$2 completion_mode=$(cat $sysfs/completion_mode)" \
		"interrupts=$(dbg $drv_dbg/interrupts)" \
		"spurious=$(dbg $drv_dbg/spurious_interrupts)" \
		"idle_interrupts=$(dbg $drv_dbg/idle_interrupts)" \
		"completions_by_check=$(dbg $drv_dbg/completions_by_check)" \
		"quotes_ok=$(dbg $drv_dbg/quotes_ok)" \
		"quotes_failed=$(dbg $drv_dbg/quotes_failed)" \
		"event_cpu=$(dbg $drv_dbg/event_cpu | tr -d ' ')" \
		"event_vector=$(dbg $drv_dbg/event_vector)" \
		"emu_irqs=$(dbg $emu_dbg/irqs_raised)" \
		"emu_requests=$(dbg $emu_dbg/quote_requests)"
}

# latency_run MODE RUN SVC_MS N WARMUP: one latency measurement, each
# report paired with a quoting-service round trip; its samples of
# STALL_MS or more go to /tmp/stalls.MODE for trace_disarm
latency_run() {
	local mode=$1 run=$2 svc=$3 kind=latency

	[ "$run" = long ] && kind=latency_long
	measure "kind=$kind mode=$mode svc_ms=$svc" \
		"$bench" latency -n "$4" -w "$5" "${qgs_args[@]}" \
		-S "$STALL_MS" -T /tmp/stalls.cur
	sed "s/^/run=$run svc_ms=$svc /" /tmp/stalls.cur >>"/tmp/stalls.$mode"
}

# trace_pause, trace_resume: stop and restart the probes' events around
# the throughput points, where quotes overlap
trace_pause() {
	[ -n "$tracefs" ] && ((${#armed[@]})) || return 0
	echo 0 >"$tracefs/events/bench/enable"
}
trace_resume() {
	[ -n "$tracefs" ] && ((${#armed[@]})) || return 0
	echo 1 >"$tracefs/events/bench/enable"
}

peak_file=$emu_dbg/quotes_in_flight_peak

# tput_point MODE SVC_MS JOBS WINDOW_MS: one throughput point, with the
# emulator's peak of requests in flight during it (NA without the counter)
tput_point() {
	local mode=$1 svc=$2 j=$3 win=$4 out peak=NA

	service "$svc"
	[ -e "$peak_file" ] && echo 0 >"$peak_file"
	log "$mode: throughput, service_delay_ms=$svc, $j entries, pool $(pool_size), ${win} ms window"
	out=$("$bench" throughput -j "$j" -t "$win" -W "$TPUT_WARM_MS" "${qgs_args[@]}")
	[ -e "$peak_file" ] && peak=$(cat "$peak_file")
	echo "BENCH kind=throughput mode=$mode svc_ms=$svc pool=$(pool_size) $out peak=$peak"
}

# A TDREPORT of the current emulator, for requests straight to the service
tdreport() {
	head -c 64 /dev/urandom >"$emu_dbg/tdreport"
	cat "$emu_dbg/tdreport" >/tmp/tdreport.bin
}

qgs_args=(-s "$qgs_dir/qgs.socket" -r /tmp/tdreport.bin)

# throughput MODE: the mode's throughput points, trace paused
throughput() {
	local mode=$1 s j

	trace_pause
	case $mode in
	interrupt)
		for s in $SWEEP_SVC; do
			for j in $SWEEP_JOBS; do
				tput_point "$mode" "$s" "$j" "$TPUT_MS"
			done
		done
		;;
	pool16)
		for s in $SWEEP_SVC; do
			tput_point "$mode" "$s" "$POOL_MAX" "$TPUT_MS"
		done
		;;
	polling)
		for s in 0 100; do
			for j in 1 2 8; do
				tput_point "$mode" "$s" "$j" "$TPUT_MS"
			done
		done
		;;
	poll1s)
		# About a report a second whatever the entries: a longer window
		for j in 1 8; do
			tput_point "$mode" 100 "$j" "$TPUT_SLOW_MS"
		done
		;;
	intree-*)
		for j in $INTREE_JOBS; do
			tput_point "$mode" 100 "$j" "$TPUT_MS"
		done
		;;
	upstream-*)
		# About a report a second whatever the entries: a longer window
		for j in 1 8; do
			tput_point "$mode" 100 "$j" "$TPUT_SLOW_MS"
		done
		;;
	esac
	trace_resume
}

# run_mode MODE: every measurement for one completion mode
run_mode() {
	local mode=$1 n=$N iso=$ISO quotes=$QUOTES s

	case $mode in
	polling) quotes=$QUOTES_POLL ;;
	poll1s)
		# Each report takes a second or more: a handful only
		n=$N_SLOW iso=3 quotes=$N_SLOW
		;;
	esac

	log "mode $mode"
	if [ "$mode" = pool16 ]; then
		# The widest throughput point again, with the largest pool
		if ! has_pool; then
			log "pool16: the driver has no quote_buffers parameter; skipped"
			echo "BENCH kind=skip mode=pool16 why=no_quote_buffers"
			return 0
		fi
		load_mode "$mode"
		tdreport
		driver_line "$mode" start
		throughput "$mode"
		driver_line "$mode" end
		return 0
	fi
	load_mode "$mode"
	tdreport
	: >"/tmp/stalls.$mode"
	trace_arm
	driver_line "$mode" start

	for s in $SERVICE_MS; do
		service "$s"
		log "$mode: latency, service_delay_ms=$s, $n reports, each paired with a service round trip"
		latency_run "$mode" short "$s" "$n" 1
	done

	throughput "$mode"

	service 100
	log "$mode: isolation, service_delay_ms=100, $iso rounds"
	measure "kind=isolation mode=$mode svc_ms=100" \
		"$bench" isolation -n "$iso"

	service 0
	if [ "$mode" = interrupt ]; then
		sleep 1
		measure "kind=entries mode=$mode svc_ms=0" "$bench" entries -n 200
	fi
	driver_line "$mode" long
	log "$mode: long run and memory, $quotes reports at service_delay_ms=0, each paired with a service round trip"
	snapshot a
	latency_run "$mode" long 0 "$quotes" 0
	memory_line "$mode" "$quotes"
	driver_line "$mode" end
	log "$mode: $(grep -c ' slow=1 ' "/tmp/stalls.$mode") samples of ${STALL_MS} ms or more; attributing them"
	trace_disarm "$mode"
}

# join needs /dev/fd for its process substitutions
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
modprobe configfs 2>/dev/null || true
mountpoint -q /sys/kernel/config ||
	mount -t configfs configfs /sys/kernel/config
mountpoint -q /sys/kernel/debug ||
	mount -t debugfs debugfs /sys/kernel/debug

# intree_pass: the kernel's own configfs-tsm core (k612, k7 lanes) with
# our driver: does the core let quotes overlap? Its mode is intree-LANE
intree_pass() {
	local name=tsm mode=intree-${LANE:-unknown}

	# 6.7 - 6.15 call it tsm, 6.16 and later tsm_report
	modinfo -n tsm_report >/dev/null 2>&1 && name=tsm_report
	echo "BENCH kind=env_intree mode=$mode kernel=$(uname -r) cpus=$(nproc)" \
		"mem_kb=$(meminfo MemTotal) core=$name started=$(date -u +%FT%TZ)"
	modprobe "$name"
	start_qgs
	insmod "$emu"
	tdreport
	log "the quoting service alone: 50 round trips"
	measure "kind=qgs mode=$mode-qgs" "$bench" qgs -n 50 -w 2 "${qgs_args[@]}"
	rmmod tdx_emu
	log "mode $mode: our driver under the kernel's core ($name)"
	load_mode "$mode"
	tdreport
	driver_line "$mode" start
	throughput "$mode"
	driver_line "$mode" end

	mode=upstream-${LANE:-unknown}
	log "mode $mode: the kernel's own tdx_guest under the kernel's core"
	load_mode "$mode"
	tdreport
	service 10
	latency_run "$mode" short 10 "$N_SLOW" 1
	throughput "$mode"
	echo "BENCH kind=done_intree mode=intree-${LANE:-unknown} finished=$(date -u +%FT%TZ)"
}

if [ ! -e "$core" ]; then
	intree_pass
	exit 0
fi

echo "BENCH kind=env kernel=$(uname -r) cpus=$(nproc)" \
	"mem_kb=$(meminfo MemTotal) started=$(date -u +%FT%TZ)" \
	"slabinfo=$([ -r /proc/slabinfo ] && echo yes || echo no)"

trace_setup
insmod "$core"
start_qgs

# The quoting service alone, and its page-allocator effect, for contrast
insmod "$emu"
tdreport
log "the quoting service alone: $QGS_N round trips"
snapshot a
measure "kind=qgs mode=qgs-only" "$bench" qgs -n "$QGS_N" -w 2 "${qgs_args[@]}"
memory_line qgs-only "$QGS_N"
rmmod tdx_emu

for m in interrupt pool16 polling poll1s; do
	run_mode "$m"
done

echo "BENCH kind=done finished=$(date -u +%FT%TZ)"
