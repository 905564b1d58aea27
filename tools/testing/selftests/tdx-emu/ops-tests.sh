# SPDX-License-Identifier: GPL-2.0
#
# Sourced by vm-suite.sh: the TDCALL instruction and the emulated leaves,
# executed by a stand-in TD (tdx_emu_test.ko) with good and bad arguments,
# and the GetQuote life cycle
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

# wait_held N: wait for the requests file to list N held requests
wait_held() {
	local i reqs

	for ((i = 0; i < 200; i++)); do
		reqs=$(<$DBG/requests)
		[ "$(grep -c ' state=held ' <<<"$reqs")" = "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

mode() { echo "$*" >"$WORK/qgs/mode"; }

# rd_hex [SEED]: the stand-in's REPORTDATA for SEED (get_quote's fifth
# word, default 0): bytes SEED .. SEED + 63, in hex
rd_hex() {
	local rd= i

	for ((i = 0; i < 64; i++)); do rd=$rd$(printf %02x $((${1:-0} + i))); done
	echo "$rd"
}

# spoiled_hex [SEED]: that REPORTDATA with its first byte flipped, as
# stale_quote spoils a quote
spoiled_hex() {
	local rd

	rd=$(rd_hex "$@")
	printf '%02x%s\n' $((0x${rd:0:2} ^ 0xff)) "${rd:2}"
}

# quote_hex LEN [SEED]: the quote fake-qgs.py returns in mode ok
quote_hex() {
	local unit=51554f5445$(rd_hex "${2:-0}") q=

	while ((${#q} < $1 * 2)); do q=$q$unit; done
	echo "${q:0:$(($1 * 2))}"
}

# data_hex OFFSET LEN: bytes of the newest quote, in hex
data_hex() { xxd -p -s "$1" -l "$2" $T/quote_data | tr -d '\n'; }

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

# --- the TDCALL instruction ------------------------------------------------

# tdcall "RAX RCX RDX R8 R9 R10 R11 R12 R13 R14 R15": the eleven registers,
# in hex, after the stand-in TD executed TDCALL with them
tdcall() {
	printf '%s' "$1" >"$T/tdcall" && cat "$T/tdcall"
}
SCRATCH=7d3c7d3c7d3c7d3c
tdcalls=$(<$DBG/tdcalls)
expect_eq "TDG.VP.INFO, a leaf it does not emulate: OPERAND_INVALID (RAX)" \
	"$(tdcall '1 5 6 7 8 9 a b c d e')" "c000010000000000 5 6 7 8 9 a b c d e"
expect_eq "a leaf version above 0: OPERAND_INVALID (RAX)" \
	"$(tdcall '10004 0 0 0 0 0 0 0 0 0 0' | cut -d' ' -f1)" c000010000000000
expect_eq "TDG.VP.VMCALL exposing RAX: OPERAND_INVALID+RCX, nothing written" \
	"$(tdcall '0 fc01 0 0 0 0 10000 0 0 0 0')" \
	"c000010000000001 fc01 0 0 0 0 10000 0 0 0 0"
expect_eq "... exposing RCX" "$(tdcall '0 fc02 0 0 0 0 10000 0 0 0 0' | cut -d' ' -f1)" \
	c000010000000001
expect_eq "... exposing RSP" "$(tdcall '0 fc10 0 0 0 0 10000 0 0 0 0' | cut -d' ' -f1)" \
	c000010000000001
expect_eq "... reserved bits of RCX set" \
	"$(tdcall '0 10000fc00 0 0 0 0 10000 0 0 0 0' | cut -d' ' -f1)" c000010000000001
expect_eq "GetTdVmCallInfo(1) exposing R10-R15: R10 SUCCESS, R11-R14 the answer, R15 scratch" \
	"$(tdcall '0 fc00 0 0 0 0 10000 1 5 6 7')" \
	"0 fc00 0 0 0 0 2 0 0 0 $SCRATCH"
expect_eq "... exposing R8, R9 too: the VMM writes them" \
	"$(tdcall '0 ff00 0 1 2 0 10000 1 0 0 0')" \
	"0 ff00 0 $SCRATCH $SCRATCH 0 2 0 0 0 $SCRATCH"
expect_eq "R12 not exposed: the VMM reads leaf 0, R12 and R13 keep their values" \
	"$(tdcall '0 c00 0 0 0 0 10000 1 5 0 0')" "0 c00 0 0 0 0 0 1 5 0 0"
expect_eq "R11 not exposed: the VMM reads sub-function 0, SUBFUNC_UNSUPPORTED" \
	"$(tdcall '0 400 0 0 0 0 10000 0 0 0 0')" \
	"0 400 0 0 0 8000000000000003 10000 0 0 0 0"
expect_eq "an unknown sub-function (0x10005): SUBFUNC_UNSUPPORTED" \
	"$(tdcall '0 fc00 0 0 0 0 10005 0 0 0 0' | cut -d' ' -f6)" 8000000000000003
expect_eq "R10 non-zero, a vendor call: SUBFUNC_UNSUPPORTED" \
	"$(tdcall '0 fc00 0 0 0 1 10000 0 0 0 0' | cut -d' ' -f6)" 8000000000000003
expect_eq "tdcalls counts each TDCALL" "$(<$DBG/tdcalls)" $((tdcalls + 12))
"$TOOLSDIR/tdcall_user" 2>/dev/null
expect_eq "a user-mode TDCALL still gets SIGILL" $? $((128 + 4))
expect_eq "... and is no TDCALL of the emulator" "$(<$DBG/tdcalls)" $((tdcalls + 12))

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
expect_eq "report_invalid: 1" "$(wrs $DBG/report_invalid 1)" ok
expect_eq "report_invalid: MR.REPORT answers OPERAND_INVALID+RCX" \
	"$(call mr_report '0 400 0')" 0xc000010000000001
expect_eq "report_invalid: for one call" "$(call mr_report '0 400 0')" \
	$ST_SUCCESS
expect_eq "report_error: 2" "$(wrs $DBG/report_error 2)" ok
expect_eq "report_error: MR.REPORT answers OPERAND_ADDR_RANGE_ERROR" \
	"$(call mr_report '0 400 0')" 0xc000010100000000
expect_eq "report_error: the second call too" \
	"$(call mr_report '0 400 0')" 0xc000010100000000
expect_eq "report_error: then success" "$(call mr_report '0 400 0')" \
	$ST_SUCCESS
expect_eq "report_error: used up" "$(<$DBG/report_error)" 0
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

# --- GetTdVmCallInfo: the VMM generations of tdvmcall_info ----------------

# vminfo LEAF: "STATUS R11 R12 R13 R14" of GetTdVmCallInfo(LEAF)
vminfo() {
	local st r

	st=$(call get_td_vm_call_info "$1") && read -r r <"$T/info" &&
		echo "$st $r"
}
# notify_on_cpu: SetupEventNotifyInterrupt($VECTOR) from CPU $CPU
notify_on_cpu() {
	taskset -c $CPU bash -c "printf $VECTOR >$T/setup_event_notify" &&
		cat $T/status
}
ZEROS="0x0 0x0 0x0 0x0"
expect_eq "tdvmcall_info: default 0 (GHCI 1.5 VMM)" "$(<$DBG/tdvmcall_info)" 0
expect_eq "GetTdVmCallInfo leaf 0: SUCCESS, all zero" "$(vminfo 0)" \
	"$ST_SUCCESS $ZEROS"
expect_eq "leaf 1: SUCCESS, R11 bit 1 (SetupEventNotifyInterrupt)" \
	"$(vminfo 1)" "$ST_SUCCESS 0x2 0x0 0x0 0x0"
expect_eq "leaf 2: INVALID_OPERAND, all zero" "$(vminfo 2)" \
	"$VM_INVALID $ZEROS"
wrs $DBG/tdvmcall_info 1 >/dev/null
expect_eq "tdvmcall_info 1: leaf 1 SUCCESS without the bit" "$(vminfo 1)" \
	"$ST_SUCCESS $ZEROS"
expect_eq "tdvmcall_info 1: leaf 0 SUCCESS" "$(vminfo 0)" "$ST_SUCCESS $ZEROS"
expect_eq "tdvmcall_info 1: SetupEventNotifyInterrupt SUBFUNC_UNSUPPORTED" \
	"$(notify_on_cpu)" $VM_UNSUPPORTED
wrs $DBG/tdvmcall_info 2 >/dev/null
expect_eq "tdvmcall_info 2 (GHCI 1.0): leaf 1 INVALID_OPERAND" \
	"$(vminfo 1)" "$VM_INVALID $ZEROS"
expect_eq "tdvmcall_info 2: leaf 0 SUCCESS" "$(vminfo 0)" "$ST_SUCCESS $ZEROS"
expect_eq "tdvmcall_info 2: SetupEventNotifyInterrupt still works" \
	"$(notify_on_cpu)" $ST_SUCCESS
for r in 0 1 2 3; do
	wrs $DBG/tdvmcall_info $((3 + r)) >/dev/null
	want=(0x0 0x0 0x0 0x0)
	want[r]=0x1
	expect_eq "tdvmcall_info $((3 + r)) (not GHCI): leaf 0 R$((11 + r)) non-zero" \
		"$(vminfo 0)" "$ST_SUCCESS ${want[*]}"
done
expect_eq "tdvmcall_info 6: leaf 1 as GHCI 1.5" "$(vminfo 1)" \
	"$ST_SUCCESS 0x2 0x0 0x0 0x0"
expect_eq "tdvmcall_info 7: EINVAL" "$(wrs $DBG/tdvmcall_info 7)" \
	"Invalid argument"
wrs $DBG/tdvmcall_info 0 >/dev/null
expect_eq "the registration is still vector $VECTOR on CPU $CPU" \
	"$(<$DBG/event_vector) $(<$DBG/event_cpu)" "$VECTOR $CPU"

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
wrs $DBG/refuse_get_quote 1 >/dev/null
expect_eq "refuse_get_quote: INVALID_OPERAND" "$(call get_quote 2000)" \
	$VM_INVALID
expect_eq "refuse_get_quote: the buffer is untouched" "$(<$T/quote)" \
	"$ST_SUCCESS 0"
expect_eq "refuse_get_quote: counted in quote_refused" \
	"$(<$DBG/quote_refused)" 1
wrs $DBG/refuse_get_quote 0 >/dev/null
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

# stale_quote first: no quote has been returned yet, so the request gets
# its own quote with its REPORTDATA spoiled
wrs $DBG/stale_quote 1 >/dev/null
mode v4
call get_quote '2000 0 1 400 40' >/dev/null
wait_done
expect_eq "stale_quote, no previous quote: SUCCESS" "$(<$T/quote)" \
	"$ST_SUCCESS 5000"
expect_eq "stale_quote, no previous quote: v4 REPORTDATA (568) spoiled" \
	"$(data_hex 568 64)" "$(spoiled_hex 0x40)"
# the previous quote (5000 bytes) does not fit a 4 KiB buffer: spoil again
mode v5 3000
call get_quote '1000 0 1 400 50' >/dev/null
wait_done
expect_eq "stale_quote, previous too big: SUCCESS" "$(<$T/quote)" \
	"$ST_SUCCESS 3000"
expect_eq "stale_quote, previous too big: v5 REPORTDATA (574) spoiled" \
	"$(data_hex 574 64)" "$(spoiled_hex 0x50)"
mode ok
call get_quote '2000 0 1 400 60' >/dev/null
wait_done
expect_eq "stale_quote: the previous request's quote, whole" \
	"$(<$T/quote) $(data_hex 574 64)" "$ST_SUCCESS 3000 $(rd_hex 0x50)"
call get_quote '2000 0 1 400 70' >/dev/null
wait_done
expect_eq "stale_quote: again the previous one, not this one's" \
	"$(<$T/quote) $(data_hex 0 5000)" "$ST_SUCCESS 5000 $(quote_hex 5000 0x60)"
wrs $DBG/stale_quote 0 >/dev/null
call get_quote '2000 0 1 400 70' >/dev/null
wait_done
expect_eq "stale_quote off: this request's quote" "$(data_hex 0 5000)" \
	"$(quote_hex 5000 0x70)"
check "stale_quote: nothing left in flight" wait_idle

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
expect_eq "ordered header: status and out_len final when the interrupt comes" \
	"$(at_irq)" "$ST_SUCCESS 5000"

# at_status WANT: the newest buffer's header the moment a delayed request's
# status left IN_FLIGHT, as a polling guest sees it. Retried if the watcher
# started too late, or saw other than WANT: a vCPU the host deschedules for
# longer than header_gap_us misses the window.
at_status() {
	local try seen

	wrs $DBG/service_delay_ms 1000 >/dev/null
	for ((try = 0; try < 3; try++)); do
		wait_idle
		call get_quote 2000 >/dev/null
		seen=$(<$T/watch_status)
		[ "$seen" = "$1" ] && break
		diag "try $try: $seen" >&2
	done
	wrs $DBG/service_delay_ms 0 >/dev/null
	echo "$seen"
}
expect_eq "ordered header: a guest that sees SUCCESS sees out_len" \
	"$(at_status "$ST_SUCCESS 5000")" "$ST_SUCCESS 5000"
expect_eq "header_gap_us: default 200" "$(<$DBG/header_gap_us)" 200
expect_eq "header_gap_us: 10001 is EINVAL" \
	"$(wrs $DBG/header_gap_us 10001)" "Invalid argument"
wrs $DBG/header_gap_us 10000 >/dev/null
wrs $DBG/header_write_qemu 1 >/dev/null
expect_eq "header_write_qemu: SUCCESS seen while out_len is still 0" \
	"$(at_status "$ST_SUCCESS 0")" "$ST_SUCCESS 0"
check "header_write_qemu: the request completes" wait_idle
expect_eq "header_write_qemu: then out_len arrives" "$(<$T/quote)" \
	"$ST_SUCCESS 5000"
gap=$(<$DBG/header_gap_max_us)
check "header_gap_max_us: the window is recorded ($gap us, header_gap_us 10000)" \
	test "$gap" -ge 10000
wrs $DBG/header_gap_max_us 0 >/dev/null
expect_eq "header_gap_max_us: 0 starts again" "$(<$DBG/header_gap_max_us)" 0
wrs $DBG/header_write_qemu 0 >/dev/null
wrs $DBG/header_gap_us 200 >/dev/null

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
expect_eq "requests: queued, the guest holding the buffer" \
	"$(<$DBG/requests)" \
	"gpa=$(<$T/quote_gpa) size=8192 state=queued guest_refs=1"
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

# --- max_in_flight and the requests file ---------------------------------

expect_eq "max_in_flight: default 16" "$(<$DBG/max_in_flight)" 16
expect_eq "max_in_flight: 0 is EINVAL" "$(wrs $DBG/max_in_flight 0)" \
	"Invalid argument"
expect_eq "max_in_flight: 17 is EINVAL" "$(wrs $DBG/max_in_flight 17)" \
	"Invalid argument"
wrs $DBG/max_in_flight 2 >/dev/null
sts="$(call get_quote 2000) $(call get_quote 2000)"
gpa=$(<$T/quote_gpa)
expect_eq "max_in_flight 2: two requests accepted" "$sts" \
	"$ST_SUCCESS $ST_SUCCESS"
expect_eq "max_in_flight 2: the third gets RETRY" "$(call get_quote 2000)" \
	$VM_RETRY
check "requests: both held" wait_held 2
expect_eq "requests: one line per request" "$(wc -l <$DBG/requests)" 2
expect_eq "requests: held, the guest holding the buffer" \
	"$(grep "^gpa=$gpa " $DBG/requests)" \
	"gpa=$gpa size=8192 state=held guest_refs=1"
wrs $T/free_quotes 1 >/dev/null
expect_eq "requests: buffers the guest freed show guest_refs=0" \
	"$(grep -c ' state=held guest_refs=0$' $DBG/requests)" 2
wrs $DBG/complete_held 1 >/dev/null
check "max_in_flight 2: held requests complete" wait_idle
expect_eq "requests: empty when the VMM owns nothing" "$(<$DBG/requests)" ""
wrs $DBG/max_in_flight 16 >/dev/null

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

# --- several requests in flight: the hostile completions ------------------
# A fresh load, so that counters, the peak and the remembered buffers start
# from nothing and every count below is exact.

# picked N: "STATUS OUT_LEN" of the stand-in's Nth newest buffer, which
# quote, quote_data and wait_done then show
picked() { printf '%s' "$1" >$T/pick && cat $T/quote; }

# wait_in_flight N: wait for the emulator to own N buffers
wait_in_flight() {
	local i v

	for ((i = 0; i < 600; i++)); do
		read -r v <"$DBG/quotes_in_flight"
		[ "$v" = "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

reload_ops() {
	rmmod tdx_emu_test && unload && load_ops &&
		[ "$(notify_on_cpu)" = $ST_SUCCESS ]
}
check "reload the emulator and the stand-in, vector $VECTOR on CPU $CPU" \
	reload_ops
mode ok

# max_in_flight 1 is a VMM that refuses a second request while the first
# is in flight
wrs $DBG/never_complete 1 >/dev/null
wrs $DBG/max_in_flight 1 >/dev/null
expect_eq "quote_retries: 0 after load" "$(<$DBG/quote_retries)" 0
expect_eq "max_in_flight 1: the first request is accepted" \
	"$(call get_quote 2000)" $ST_SUCCESS
expect_eq "max_in_flight 1: the second, while it is in flight, RETRY" \
	"$(call get_quote 2000)" $VM_RETRY
expect_eq "max_in_flight 1: the buffer of the refused one is untouched" \
	"$(<$T/quote)" "$ST_SUCCESS 0"
expect_eq "quote_retries counts the RETRY" "$(<$DBG/quote_retries)" 1
expect_eq "a RETRY is no accepted request" "$(<$DBG/quote_requests)" 1
expect_eq "quotes_in_flight_peak: 1" "$(<$DBG/quotes_in_flight_peak)" 1
wrs $DBG/complete_held 1 >/dev/null
check "max_in_flight 1: the held request completes" wait_idle
expect_eq "max_in_flight 1: then the next one is accepted" \
	"$(call get_quote 2000)" $ST_SUCCESS
wrs $DBG/complete_held 1 >/dev/null
check "... and completes" wait_idle
expect_eq "quote_retries: no RETRY below max_in_flight" \
	"$(<$DBG/quote_retries)" 1
wrs $DBG/max_in_flight 16 >/dev/null

expect_eq "quotes_in_flight_peak: stays 1 when idle" \
	"$(<$DBG/quotes_in_flight_peak)" 1
expect_eq "quotes_in_flight_peak: writing 1 is EINVAL" \
	"$(wrs $DBG/quotes_in_flight_peak 1)" "Invalid argument"
expect_eq "quotes_in_flight_peak: writing 0 resets it" \
	"$(wrs $DBG/quotes_in_flight_peak 0)" ok
expect_eq "quotes_in_flight_peak: 0 when reset idle" \
	"$(<$DBG/quotes_in_flight_peak)" 0

# complete_newest: A, B, C held; C completes first, then B, then A
expect_eq "complete_newest: ENOENT with nothing held" \
	"$(wrs $DBG/complete_newest 1)" "No such file or directory"
sts="$(call get_quote '2000 0 1 400 a0') $(call get_quote '2000 0 1 400 b0')"
sts="$sts $(call get_quote '2000 0 1 400 c0')"
expect_eq "never_complete: three requests accepted" "$sts" \
	"$ST_SUCCESS $ST_SUCCESS $ST_SUCCESS"
expect_eq "never_complete: held from the TDVMCALL on" \
	"$(awk '{ print $3 }' $DBG/requests | tr '\n' ' ')" \
	"state=held state=held state=held "
expect_eq "quotes_in_flight_peak: 3" "$(<$DBG/quotes_in_flight_peak)" 3
irqs=$(<$DBG/irqs_raised)
before=$(plt $CPU)
expect_eq "spurious_irq 5 with three requests in flight" \
	"$(wrs $DBG/spurious_irq 5)" ok
expect_eq "spurious_irq: five interrupts raised" "$(<$DBG/irqs_raised)" \
	$((irqs + 5))
got=$(($(plt $CPU) - before))
check "spurious_irq: they arrive ($got of 5, coalesced)" \
	test $got -ge 1 -a $got -le 5
expect_eq "spurious_irq: all three still IN_FLIGHT" \
	"$(picked 0), $(picked 1), $(picked 2)" \
	"$IN_FLIGHT 0, $IN_FLIGHT 0, $IN_FLIGHT 0"
expect_eq "spurious_irq: all three still held" \
	"$(grep -c ' state=held ' $DBG/requests)" 3
irqs=$(<$DBG/irqs_raised)
expect_eq "complete_newest: any value lets one go" \
	"$(wrs $DBG/complete_newest 7)" ok
picked 0 >/dev/null
check "complete_newest: the newest (C) completes" wait_done
expect_eq "complete_newest: with its own quote" \
	"$(<$T/quote) $(data_hex 0 400)" \
	"$ST_SUCCESS 5000 $(quote_hex 400 0xc0)"
check "complete_newest: C leaves the host" wait_in_flight 2
expect_eq "complete_newest: one interrupt" "$(<$DBG/irqs_raised)" \
	$((irqs + 1))
expect_eq "complete_newest: A and B still IN_FLIGHT" \
	"$(picked 1), $(picked 2)" "$IN_FLIGHT 0, $IN_FLIGHT 0"
expect_eq "complete_newest: A and B still held" \
	"$(grep -c ' state=held ' $DBG/requests)" 2
expect_eq "complete_newest: again" "$(wrs $DBG/complete_newest 1)" ok
picked 1 >/dev/null
check "complete_newest: then B completes" wait_done
expect_eq "complete_newest: B with its own quote" \
	"$(<$T/quote) $(data_hex 0 400)" \
	"$ST_SUCCESS 5000 $(quote_hex 400 0xb0)"
check "complete_newest: B leaves the host" wait_in_flight 1
expect_eq "complete_newest: A still IN_FLIGHT" "$(picked 2)" "$IN_FLIGHT 0"
expect_eq "complete_newest: the last one" "$(wrs $DBG/complete_newest 1)" ok
picked 2 >/dev/null
check "complete_newest: A completes" wait_done
expect_eq "complete_newest: A with its own quote" \
	"$(<$T/quote) $(data_hex 0 400)" \
	"$ST_SUCCESS 5000 $(quote_hex 400 0xa0)"
check "complete_newest: nothing left in flight" wait_idle
expect_eq "complete_newest: ENOENT once none is held" \
	"$(wrs $DBG/complete_newest 1)" "No such file or directory"
wrs $DBG/never_complete 0 >/dev/null
expect_eq "quotes_in_flight_peak: still 3" "$(<$DBG/quotes_in_flight_peak)" 3

# double_complete: two requests, each completed and signalled twice
irqs=$(<$DBG/irqs_raised)
wrs $DBG/double_complete 1 >/dev/null
call get_quote '2000 0 1 400 50' >/dev/null
call get_quote '2000 0 1 400 60' >/dev/null
check "double_complete: both complete" wait_idle
expect_eq "double_complete: two interrupts per request" \
	"$(<$DBG/irqs_raised)" $((irqs + 4))
expect_eq "double_completions: one per request" \
	"$(<$DBG/double_completions)" 2
expect_eq "double_complete: the same answer, twice" \
	"$(picked 1) $(data_hex 0 400)" \
	"$ST_SUCCESS 5000 $(quote_hex 400 0x50)"
wrs $DBG/double_complete 0 >/dev/null
irqs=$(<$DBG/irqs_raised)
call get_quote 2000 >/dev/null
check "double_complete off: completes" wait_idle
expect_eq "double_complete off: one interrupt" "$(<$DBG/irqs_raised)" \
	$((irqs + 1))
expect_eq "double_complete off: not counted" \
	"$(<$DBG/double_completions)" 2

# write_idle: the host writes "completions" into the buffers of completed
# requests, never into one in flight. Start again with nothing remembered.
check "reload for write_idle" reload_ops
irqs=$(<$DBG/irqs_raised)
expect_eq "write_idle: nothing remembered, accepted" \
	"$(wrs $DBG/write_idle 1)" ok
expect_eq "write_idle: nothing remembered, nothing written" \
	"$(<$DBG/idle_writes) $(<$DBG/irqs_raised)" "0 $irqs"
mode v4
call get_quote '2000 0 1 400 10' >/dev/null
wait_done
call get_quote '2000 0 1 400 20' >/dev/null
wait_done
wrs $DBG/never_complete 1 >/dev/null
call get_quote '2000 0 1 400 30' >/dev/null
check "write_idle: X and Y done, Z held" wait_held 1
expect_eq "write_idle: X has its own quote" "$(picked 2) $(data_hex 568 64)" \
	"$ST_SUCCESS 5000 $(rd_hex 0x10)"
irqs=$(<$DBG/irqs_raised)
expect_eq "write_idle: accepted" "$(wrs $DBG/write_idle 1)" ok
expect_eq "write_idle: X and Y written, the held Z not" \
	"$(<$DBG/idle_writes)" 2
expect_eq "write_idle: one interrupt for them" "$(<$DBG/irqs_raised)" \
	$((irqs + 1))
expect_eq "write_idle: X gets the last quote (Y's), REPORTDATA spoiled" \
	"$(picked 2) $(data_hex 568 64)" "$ST_SUCCESS 5000 $(spoiled_hex 0x20)"
expect_eq "write_idle: Y too" "$(picked 1) $(data_hex 568 64)" \
	"$ST_SUCCESS 5000 $(spoiled_hex 0x20)"
expect_eq "write_idle: Z, in flight, untouched" "$(picked 0)" "$IN_FLIGHT 0"

# The same buffer in two requests: Z again (Z2) while Z is held. Z2
# completes first and is remembered while Z still has the buffer: the
# buffer is in flight and write_idle must leave it alone.
picked 0 >/dev/null
expect_eq "resubmit Z while the host holds it: accepted" \
	"$(wrs $T/resubmit 0x40) $(<$T/status)" "ok $ST_SUCCESS"
expect_eq "the buffer is in two requests" "$(<$DBG/quotes_in_flight)" 2
wrs $DBG/complete_newest 1 >/dev/null
check "Z2 completes" wait_in_flight 1
expect_eq "Z2 with its own quote" "$(<$T/quote) $(data_hex 568 64)" \
	"$ST_SUCCESS 5000 $(rd_hex 0x40)"
expect_eq "requests: guest_refs counts the remembered buffer's pins too" \
	"$(<$DBG/requests)" \
	"gpa=$(<$T/quote_gpa) size=8192 state=held guest_refs=1"
writes=$(<$DBG/idle_writes)
wrs $DBG/write_idle 1 >/dev/null
expect_eq "write_idle: X and Y again, not the buffer Z holds" \
	"$(<$DBG/idle_writes)" $((writes + 2))
expect_eq "write_idle: Z's buffer keeps Z2's quote" \
	"$(picked 0) $(data_hex 568 64)" "$ST_SUCCESS 5000 $(rd_hex 0x40)"
wrs $DBG/complete_held 1 >/dev/null
check "Z completes" wait_idle
expect_eq "Z with its own quote" "$(<$T/quote) $(data_hex 568 64)" \
	"$ST_SUCCESS 5000 $(rd_hex 0x30)"
wrs $DBG/never_complete 0 >/dev/null
wrs $DBG/write_idle 1 >/dev/null
expect_eq "write_idle: once idle, Z's buffer is written" \
	"$(<$DBG/idle_writes)" $((writes + 5))
expect_eq "write_idle: with the last quote (Z's), spoiled" \
	"$(picked 0) $(data_hex 568 64)" "$ST_SUCCESS 5000 $(spoiled_hex 0x30)"
# The guest frees them all; the emulator still pins the remembered ones
wrs $T/free_quotes 1 >/dev/null
expect_eq "write_idle: into freed buffers, which the emulator still pins" \
	"$(wrs $DBG/write_idle 1) $(<$DBG/idle_writes)" "ok $((writes + 8))"
wrs $DBG/max_in_flight 16 >/dev/null
mode ok
check "nothing left in flight" wait_idle

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
expect_eq "requests: their states" \
	"$(awk '{ print $3 }' $DBG/requests | sort | tr '\n' ' ')" \
	"state=held state=held state=queued state=running "
check "stand-in TD unloads (buffers freed)" rmmod tdx_emu_test
expect_eq "requests: no guest reference left on any" \
	"$(grep -c ' guest_refs=0$' $DBG/requests)" 4
start=$(date +%s%N)
check "emulator unloads" unload
ms=$((($(date +%s%N) - start) / 1000000))
check "without waiting for the service (${ms} ms)" test $ms -lt 5000
stop_qgs
out=$(insmod "$TEST_KO" 2>&1)
[ $? -ne 0 ] && [[ "$out" == *"No such device"* ]]
check "then the CPU is no TDX guest again: the stand-in TD refuses (ENODEV)" \
	test $? = 0
