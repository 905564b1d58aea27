# SPDX-License-Identifier: GPL-2.0
#
# Sourced by vm-suite.sh: the emulated primitives called by a stand-in TD
# (tdx_emu_test.ko) with good and bad arguments, and the GetQuote life cycle
# against a scriptable quoting service (fake-qgs.py), fault knobs included.
# Uses vm-suite.sh's helpers and counters.

T=/sys/kernel/debug/tdx_emu_test
QGS_SOCK=$WORK/qgs.socket
IN_FLIGHT=0xffffffffffffffff
ST_SUCCESS=0x0000000000000000
ST_ERROR=0x8000000000000000
ST_UNAVAILABLE=0x8000000000000001
VM_INVALID=0x8000000000000000
VM_ALIGN=0x8000000000000002
VM_UNSUPPORTED=0x8000000000000003
VM_RETRY=0x0000000000000001
CPU=$(($(nproc) - 1))
# X86_PLATFORM_IPI_VECTOR: harmless when it arrives unasked, sent by nothing
# else in a VM, and counted per CPU (the stand-in's platform_ipis), so tests
# see exactly where and how many interrupts land.
VECTOR=247

# call FILE ARGS: one call of a primitive; prints its status
call() {
	local st

	printf '%s' "$2" >"$T/$1" && read -r st <"$T/status" && echo "$st"
}

# plt CPU: platform interrupts CPU has taken
plt() { awk -v c="$1" '{ print $(1 + c) }' "$T/platform_ipis"; }

# wait_done [SEC]: wait for the newest quote to leave IN_FLIGHT
wait_done() {
	local i st

	for ((i = 0; i < ${1:-30} * 20; i++)); do
		read -r st _ <"$T/quote"
		[ "$st" != $IN_FLIGHT ] && return 0
		sleep 0.05
	done
	return 1
}

# wait_idle: wait for the emulator to own no buffer
wait_idle() {
	local i v

	for ((i = 0; i < 600; i++)); do
		read -r v <"$DBG/quotes_in_flight"
		[ "$v" = 0 ] && return 0
		sleep 0.05
	done
	return 1
}

mode() { echo "$*" >"$WORK/qgs/mode"; }

# quote_hex LEN: the quote fake-qgs.py returns for REPORTDATA 00..3f
quote_hex() {
	local unit=51554f5445 q= i

	for ((i = 0; i < 64; i++)); do unit=$unit$(printf %02x $i); done
	while ((${#q} < $1 * 2)); do q=$q$unit; done
	echo "${q:0:$(($1 * 2))}"
}

stop_qgs() {
	[ -n "${qgs_pid:-}" ] && kill -- -"$qgs_pid" 2>/dev/null
	qgs_pid=
}

cleanup_ops() {
	stop_qgs
	rmmod tdx_emu_test 2>/dev/null
}
trap 'cleanup_ops; cleanup' EXIT

load_ops() {
	insmod "$EMU_KO" qgs_socket="$QGS_SOCK" && loaded=1 &&
		insmod "$TEST_KO"
}
check "emulator and stand-in TD load" load_ops

# --- TDG.MR.REPORT and TDG.MR.RTMR.EXTEND error codes ----------------------
# Addresses below 0x2000 are offsets into the stand-in's scratch pages.

expect_eq "MR.REPORT succeeds" "$(call mr_report '0 400 0')" $ST_SUCCESS
expect_eq "MR.REPORT with REPORTDATA inside the output succeeds" \
	"$(call mr_report '0 80 0')" $ST_SUCCESS
expect_eq "MR.REPORT TDREPORT not 1024-aligned: OPERAND_INVALID+RCX" \
	"$(call mr_report '200 400 0')" 0xc000010000000001
expect_eq "MR.REPORT TDREPORT not RAM: OPERAND_INVALID+RCX" \
	"$(call mr_report '7fff00000000 400 0')" 0xc000010000000001
expect_eq "MR.REPORT REPORTDATA not 64-aligned: OPERAND_INVALID+RDX" \
	"$(call mr_report '0 420 0')" 0xc000010000000002
expect_eq "MR.REPORT subtype 1: OPERAND_INVALID+R8" \
	"$(call mr_report '0 400 1')" 0xc000010000000008
expect_eq "RTMR.EXTEND succeeds" "$(call rtmr_extend '1000 3')" $ST_SUCCESS
expect_eq "RTMR.EXTEND data not 64-aligned: OPERAND_INVALID+RCX" \
	"$(call rtmr_extend '1010 3')" 0xc000010000000001
expect_eq "RTMR.EXTEND index 4: OPERAND_INVALID+RDX" \
	"$(call rtmr_extend '1000 4')" 0xc000010000000002

# --- SetupEventNotifyInterrupt and the interrupt -------------------------

expect_eq "vector 31: INVALID_OPERAND" \
	"$(call setup_event_notify 31)" $VM_INVALID
expect_eq "vector 256: INVALID_OPERAND" \
	"$(call setup_event_notify 256)" $VM_INVALID
expect_eq "a refused vector is not recorded" "$(<$DBG/event_vector)" -1
wrs $DBG/refuse_event_notify 1 >/dev/null
expect_eq "refuse_event_notify: SUBFUNC_UNSUPPORTED" \
	"$(call setup_event_notify $VECTOR)" $VM_UNSUPPORTED
wrs $DBG/refuse_event_notify 0 >/dev/null
expect_eq "still not recorded" "$(<$DBG/event_cpu)" -1
expect_eq "vector $VECTOR on CPU $CPU" \
	"$(taskset -c $CPU bash -c "printf $VECTOR >$T/setup_event_notify" &&
		cat $T/status)" $ST_SUCCESS
expect_eq "event_vector records the vector" "$(<$DBG/event_vector)" $VECTOR
expect_eq "event_cpu records the calling CPU" "$(<$DBG/event_cpu)" $CPU
before=$(plt $CPU)
expect_eq "spurious_irq 200" "$(wrs $DBG/spurious_irq 200)" ok
expect_eq "irqs_raised counts them" "$(<$DBG/irqs_raised)" 200
# Back-to-back IPIs of one vector coalesce in the target's APIC (one can be
# pending while one is in service), as on hardware: count, don't equate.
got=$(($(plt $CPU) - before))
check "they arrive on the recorded CPU ($got of 200, coalesced)" \
	test $got -ge 1 -a $got -le 200

# --- GetQuote validation (QEMU's rules) ------------------------------------

expect_eq "GetQuote GPA not 4K-aligned: ALIGN_ERROR" \
	"$(call get_quote '2000 800')" $VM_ALIGN
expect_eq "GetQuote size not a 4K multiple: ALIGN_ERROR" \
	"$(call get_quote 1800)" $VM_ALIGN
expect_eq "GetQuote size 0: INVALID_OPERAND" "$(call get_quote 0)" $VM_INVALID
expect_eq "GetQuote size 132 KiB: INVALID_OPERAND" \
	"$(call get_quote 21000)" $VM_INVALID
expect_eq "GetQuote version 2: INVALID_OPERAND" \
	"$(call get_quote '2000 0 2')" $VM_INVALID
expect_eq "GetQuote in_len 1000: INVALID_OPERAND" \
	"$(call get_quote '2000 0 1 3e8')" $VM_INVALID
expect_eq "refused requests are not counted" "$(<$DBG/quote_requests)" 0

# --- no quoting service --------------------------------------------------

irqs=$(<$DBG/irqs_raised)
expect_eq "GetQuote with no service is accepted" \
	"$(call get_quote 2000)" $ST_SUCCESS
check "it completes" wait_done
expect_eq "status SERVICE_UNAVAILABLE, out_len 0" "$(<$T/quote)" \
	"$ST_UNAVAILABLE 0"
expect_eq "with an interrupt" "$(<$DBG/irqs_raised)" $((irqs + 1))
wrs $DBG/sync_unavailable 1 >/dev/null
expect_eq "sync_unavailable: accepted" "$(call get_quote 2000)" $ST_SUCCESS
expect_eq "sync_unavailable: SERVICE_UNAVAILABLE before the call returns" \
	"$(<$T/quote)" "$ST_UNAVAILABLE 0"
sleep 0.2
expect_eq "sync_unavailable: no interrupt" "$(<$DBG/irqs_raised)" $((irqs + 1))
wrs $DBG/sync_unavailable 0 >/dev/null
expect_eq "quote_requests counts accepted calls" "$(<$DBG/quote_requests)" 2

# --- GetQuote end to end with a quoting service --------------------------

mkdir -p "$WORK/qgs"
mode ok
setsid python3 "$(dirname "${BASH_SOURCE[0]}")/fake-qgs.py" "$QGS_SOCK" \
	"$WORK/qgs" </dev/null >"$WORK/qgs/out" 2>&1 &
qgs_pid=$!
for ((i = 0; i < 100; i++)); do
	[ -e "$WORK/qgs/ready" ] && break
	sleep 0.1
done
check "fake quoting service is up" test -e "$WORK/qgs/ready"

irqs=$(<$DBG/irqs_raised)
before=$(plt $CPU)
expect_eq "GetQuote accepted" "$(call get_quote 2000)" $ST_SUCCESS
check "it completes" wait_done
expect_eq "status SUCCESS, out_len 5000" "$(<$T/quote)" "$ST_SUCCESS 5000"
expect_eq "the quote is in the buffer" \
	"$(xxd -p $T/quote_data | tr -d '\n')" "$(quote_hex 5000)"
expect_eq "the service got a well-formed GET_QUOTE_REQ with the TDREPORT" \
	"$(tail -n1 "$WORK/qgs/log")" "req-ok $(quote_hex 69 | cut -c11-)"
check "nothing left in flight" wait_idle
expect_eq "one interrupt" "$(<$DBG/irqs_raised)" $((irqs + 1))
expect_eq "on the recorded CPU" $(($(plt $CPU) - before)) 1

# at_irq: state of the newest buffer when the interrupt of a delayed
# request arrived; retried if the watcher started too late to tell
at_irq() {
	local try seen

	wrs $DBG/service_delay_ms 3000 >/dev/null
	for ((try = 0; try < 3; try++)); do
		wait_idle
		printf $CPU >$T/watch_irq
		call get_quote 2000 >/dev/null
		seen=$(<$T/watch_irq)
		[ "${seen#late}" = "$seen" ] && break
		diag "try $try: $seen" >&2
	done
	wrs $DBG/service_delay_ms 0 >/dev/null
	echo "$seen"
}
expect_eq "QEMU's order: status and out_len final when the interrupt comes" \
	"$(at_irq)" "$ST_SUCCESS 5000"

mode ok 8168
call get_quote 2000 >/dev/null
wait_done
expect_eq "a quote filling the buffer exactly" "$(<$T/quote)" \
	"$ST_SUCCESS 8168"
mode ok 8169
call get_quote 2000 >/dev/null
wait_done
expect_eq "a quote one byte too big: ERROR" "$(<$T/quote)" "$ST_ERROR 0"
mode ok

for m in error badver badtype badsize selid close short; do
	mode $m
	call get_quote 2000 >/dev/null
	wait_done
	expect_eq "malformed reply '$m': ERROR, out_len 0" "$(<$T/quote)" \
		"$ST_ERROR 0"
done
mode ok

wrs $DBG/service_delay_ms 5000 >/dev/null
call get_quote 2000 >/dev/null
expect_eq "service_delay_ms: IN_FLIGHT right after the call" \
	"$(<$T/quote)" "$IN_FLIGHT 0"
expect_eq "quotes_in_flight is 1" "$(<$DBG/quotes_in_flight)" 1
check "then completes" wait_done
expect_eq "normally" "$(<$T/quote)" "$ST_SUCCESS 5000"
wrs $DBG/service_delay_ms 0 >/dev/null
wait_idle

# --- fault knobs ---------------------------------------------------------

irqs=$(<$DBG/irqs_raised)
wrs $DBG/drop_irq 1 >/dev/null
call get_quote 2000 >/dev/null
wait_done
sleep 0.1
expect_eq "drop_irq: completes" "$(<$T/quote)" "$ST_SUCCESS 5000"
expect_eq "drop_irq: no interrupt" "$(<$DBG/irqs_raised)" $irqs
wrs $DBG/drop_irq 0 >/dev/null

wrs $DBG/force_status 0x8000000000001234 >/dev/null
wrs $DBG/force_status_enable 1 >/dev/null
call get_quote 2000 >/dev/null
wait_done
expect_eq "force_status" "$(<$T/quote)" "0x8000000000001234 5000"
wrs $DBG/force_status_enable 0 >/dev/null

wrs $DBG/force_out_len 1048576 >/dev/null
wrs $DBG/force_out_len_enable 1 >/dev/null
call get_quote 2000 >/dev/null
wait_done
expect_eq "force_out_len" "$(<$T/quote)" "$ST_SUCCESS 1048576"
wrs $DBG/force_out_len_enable 0 >/dev/null

wait_idle
wrs $DBG/irq_before_status 1 >/dev/null
expect_eq "irq_before_status: interrupt while still IN_FLIGHT" "$(at_irq)" \
	"$IN_FLIGHT 0"
check "irq_before_status: status follows" wait_done
expect_eq "irq_before_status: final state" "$(<$T/quote)" "$ST_SUCCESS 5000"
wrs $DBG/irq_before_status 0 >/dev/null

wait_idle
wrs $DBG/rewrite_after_complete 1 >/dev/null
call get_quote 2000 >/dev/null
wait_done
# the emulator rewrites the data after the status, then lets the buffer go
wait_idle
expect_eq "rewrite_after_complete: data overwritten with 0xa5" \
	"$(xxd -p $T/quote_data | tr -d '\n')" \
	"$(printf 'a5%.0s' $(seq 5000))"
expect_eq "rewrite_after_complete: header kept" "$(<$T/quote)" \
	"$ST_SUCCESS 5000"
wrs $DBG/rewrite_after_complete 0 >/dev/null

wait_idle
wrs $DBG/never_complete 1 >/dev/null
call get_quote 2000 >/dev/null
sleep 1
expect_eq "never_complete: held IN_FLIGHT" "$(<$T/quote)" "$IN_FLIGHT 0"
expect_eq "never_complete: counted in flight" \
	"$(<$DBG/quotes_in_flight)" 1
wrs $DBG/complete_held 1 >/dev/null
check "complete_held: completes" wait_done
expect_eq "complete_held: normally" "$(<$T/quote)" "$ST_SUCCESS 5000"
check "complete_held: nothing in flight" wait_idle

# --- 16 in flight, buffers freed while the host owns them ------------------

sts=
for ((i = 0; i < 16; i++)); do sts="$sts $(call get_quote 2000)"; done
expect_eq "16 requests accepted" "$(echo $sts | tr ' ' '\n' | sort -u)" \
	$ST_SUCCESS
expect_eq "the 17th: RETRY" "$(call get_quote 2000)" $VM_RETRY
expect_eq "quotes_in_flight is 16" "$(<$DBG/quotes_in_flight)" 16
expect_eq "the stand-in frees all its buffers" \
	"$(wrs $T/free_quotes 1)" ok
wrs $DBG/complete_held 1 >/dev/null
check "held requests complete into the pinned pages" wait_idle
wrs $DBG/never_complete 0 >/dev/null

# --- unload with requests outstanding -------------------------------------

wrs $DBG/never_complete 1 >/dev/null
call get_quote 2000 >/dev/null
call get_quote 2000 >/dev/null
wrs $DBG/never_complete 0 >/dev/null
mode hang
call get_quote 2000 >/dev/null
sleep 0.5
wrs $DBG/service_delay_ms 600000 >/dev/null
call get_quote 2000 >/dev/null
expect_eq "held, waiting, delayed and free requests" \
	"$(<$DBG/quotes_in_flight)" 4
check "stand-in TD unloads (buffers freed)" rmmod tdx_emu_test
start=$(date +%s%N)
check "emulator unloads" unload
ms=$((($(date +%s%N) - start) / 1000000))
check "without waiting for the service (${ms} ms)" test $ms -lt 5000
stop_qgs
