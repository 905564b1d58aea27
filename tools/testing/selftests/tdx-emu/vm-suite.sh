#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the TDX platform emulator alone (tdx_emu.ko), through its
# debugfs interface: TDREPORT layout against tdx-interfaces.md section 2,
# hashes and RTMR arithmetic against a userspace SHA-384, the MAC round
# trip through verify_report, and every knob. Runs as root inside the VM
# (scripts/vm-run) with MODDIR set; prints TAP.
#
# GetQuote end to end and the interrupt on the recorded CPU need the
# tdx-guest driver and live in tools/testing/selftests/tdx.

set -u

MODDIR=${MODDIR:-${COCO_TOP:-.}/build/stock/mod}
EMU_KO=$MODDIR/tools/testing/tdx-emu/tdx_emu.ko
TEST_KO=$MODDIR/tools/testing/tdx-emu/test/tdx_emu_test.ko
DBG=/sys/kernel/debug/tdx_emu
PARAMS=/sys/module/tdx_emu/parameters
WORK=$(mktemp -d)
NO_QGS=$WORK/no-qgs.socket

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

# wr FILE DATAFILE: exactly one write() of DATAFILE to FILE; prints "ok" or
# the error text (strerror) the write failed with.
wr() {
	local out size

	size=$(stat -c %s "$2")
	if out=$(dd if="$2" of="$1" bs="$size" count=1 conv=notrunc \
		status=none 2>&1); then
		echo ok
	else
		echo "${out##*: }"
	fi
}

# wrs FILE STRING: one write() of STRING (no newline added)
wrs() {
	printf '%s' "$2" >"$WORK/wrs"
	wr "$1" "$WORK/wrs"
}

# hexof FILE OFF LEN: LEN bytes of FILE at OFF as lowercase hex
hexof() { xxd -p -s "$2" -l "$3" "$1" | tr -d '\n'; }

# sha384of FILE OFF LEN: SHA-384 in hex of LEN bytes of FILE at OFF
sha384of() {
	tail -c +$(($2 + 1)) "$1" | head -c "$3" | sha384sum | cut -d' ' -f1
}

# label HASH: SHA-384 of a fixed label, the emulator's default
label() { printf '%s' "$1" | sha384sum | cut -d' ' -f1; }

# u64le HEX_OF_8_BYTES: the little-endian value as 0x%016x
u64le() {
	local h=$1 r= i

	for i in 14 12 10 8 6 4 2 0; do r=$r${h:$i:2}; done
	echo "0x$r"
}

# tdreport REPORTDATA_FILE OUT: produce a TDREPORT through debugfs
tdreport() {
	[ "$(wr "$DBG/tdreport" "$1")" = ok ] && cat "$DBG/tdreport" >"$2"
}

# flip FILE OFF: invert the low bit of one byte in place
flip() {
	local b

	b=$(hexof "$1" "$2" 1)
	printf "\\x$(printf %02x $((0x$b ^ 1)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

load() {
	insmod "$EMU_KO" qgs_socket="$NO_QGS" "$@" && loaded=1
}

unload() {
	rmmod tdx_emu && loaded=0
}

echo "TAP version 13"

# --- loading and the interface ------------------------------------------

if [ ! -e "$EMU_KO" ]; then
	echo "1..0 # SKIP $EMU_KO not built"
	exit 0
fi
check "module loads" load
if [ $loaded != 1 ]; then
	echo "1..$n"
	exit 1
fi

files="service_delay_ms drop_irq spurious_irq irq_before_status force_status
force_status_enable force_out_len force_out_len_enable rewrite_after_complete
never_complete complete_held sync_unavailable refuse_event_notify irqs_raised
quote_requests quotes_in_flight event_vector event_cpu mrtd mrconfigid mrowner
mrownerconfig rtmr0 rtmr1 rtmr2 rtmr3 servtd_hash mrseam attributes xfam
tdreport rtmr_extend verify_report"
missing=
for f in $files; do [ -e "$DBG/$f" ] || missing="$missing $f"; done
expect_eq "every debugfs file of the contract exists" "$missing" ""

others=$(find "$DBG" -type f -perm /0077 | wc -l)
expect_eq "debugfs files are root only" "$others" 0

expect_eq "qgs_socket parameter" "$(cat $PARAMS/qgs_socket)" "$NO_QGS"

# --- platform state -----------------------------------------------------

expect_eq "mrtd default is SHA-384 of its label" \
	"$(cat $DBG/mrtd)" "$(label 'tdx-emu MRTD')"
expect_eq "mrseam default is SHA-384 of its label" \
	"$(cat $DBG/mrseam)" "$(label 'tdx-emu MRSEAM')"
expect_eq "rtmr3 default is zero" "$(cat $DBG/rtmr3)" "$(printf '0%.0s' {1..96})"
expect_eq "mr read is 96 hex digits and a newline" \
	"$(wc -c <$DBG/mrowner)" 97

mr=$(head -c 48 /dev/urandom | xxd -p | tr -d '\n')
expect_eq "mrconfigid write (with newline)" "$(wrs $DBG/mrconfigid "$mr
")" ok
expect_eq "mrconfigid reads back" "$(cat $DBG/mrconfigid)" "$mr"
MR_UPPER=$(echo "$mr" | tr a-f A-F)
expect_eq "mrowner write (upper case, no newline)" \
	"$(wrs $DBG/mrowner "$MR_UPPER")" ok
expect_eq "mrowner reads back lower case" "$(cat $DBG/mrowner)" "$mr"
expect_eq "mr write of 95 digits fails" \
	"$(wrs $DBG/mrownerconfig "${mr:0:95}")" "Invalid argument"
expect_eq "mr write of a non-hex digit fails" \
	"$(wrs $DBG/mrownerconfig "x${mr:1}")" "Invalid argument"
expect_eq "failed writes leave mrownerconfig zero" \
	"$(cat $DBG/mrownerconfig)" "$(printf '0%.0s' {1..96})"
expect_eq "attributes write" "$(wrs $DBG/attributes 0x40000001)" ok
expect_eq "attributes reads back" "$(cat $DBG/attributes)" 0x0000000040000001
expect_eq "xfam write" "$(wrs $DBG/xfam 0x61ae7)" ok
expect_eq "xfam reads back" "$(cat $DBG/xfam)" 0x0000000000061ae7
mrsrv=$(head -c 48 /dev/urandom | xxd -p | tr -d '\n')
wrs $DBG/servtd_hash "$mrsrv" >/dev/null
mrtd=$(head -c 48 /dev/urandom | xxd -p | tr -d '\n')
expect_eq "mrtd write" "$(wrs $DBG/mrtd "$mrtd")" ok

# --- TDREPORT layout (tdx-interfaces.md section 2) ------------------------

RD=$WORK/reportdata
R=$WORK/report
head -c 64 /dev/urandom >"$RD"
check "tdreport produces a report" tdreport "$RD" "$R"
expect_eq "tdreport is 1024 bytes" "$(stat -c %s "$R")" 1024
expect_eq "REPORTTYPE 0x81, subtype 0, version 0" "$(hexof "$R" 0 4)" 81000000
expect_eq "reserved bytes 4..16 are zero" "$(hexof "$R" 4 12)" \
	"$(printf '0%.0s' {1..24})"
expect_eq "REPORTDATA at 128" "$(hexof "$R" 128 64)" "$(hexof "$RD" 0 64)"
expect_eq "reserved bytes 192..224 are zero" "$(hexof "$R" 192 32)" \
	"$(printf '0%.0s' {1..64})"
expect_eq "MAC at 224 is not zero" \
	"$([ "$(hexof "$R" 224 32)" != "$(printf '0%.0s' {1..64})" ] && echo y)" y
expect_eq "TEE_TCB_INFO VALID at 256 is 0x1ff" "$(hexof "$R" 256 8)" \
	ff01000000000000
expect_eq "MRSEAM at 280" "$(hexof "$R" 280 48)" "$(cat $DBG/mrseam)"
expect_eq "MRSIGNERSEAM and SEAM attributes are zero" "$(hexof "$R" 328 56)" \
	"$(printf '0%.0s' {1..112})"
expect_eq "TEE_TCB_INFO tail and reserved 400..512 are zero" \
	"$(hexof "$R" 400 112)" "$(printf '0%.0s' {1..224})"
expect_eq "ATTRIBUTES at 512" "$(u64le "$(hexof "$R" 512 8)")" \
	"$(cat $DBG/attributes)"
expect_eq "XFAM at 520" "$(u64le "$(hexof "$R" 520 8)")" "$(cat $DBG/xfam)"
expect_eq "MRTD at 528 equals debugfs mrtd" "$(hexof "$R" 528 48)" "$mrtd"
expect_eq "MRCONFIGID at 576" "$(hexof "$R" 576 48)" "$(cat $DBG/mrconfigid)"
expect_eq "MROWNER at 624" "$(hexof "$R" 624 48)" "$(cat $DBG/mrowner)"
expect_eq "MROWNERCONFIG at 672" "$(hexof "$R" 672 48)" \
	"$(cat $DBG/mrownerconfig)"
for i in 0 1 2 3; do
	expect_eq "RTMR$i at $((720 + 48 * i))" "$(hexof "$R" $((720 + 48 * i)) 48)" \
		"$(cat $DBG/rtmr$i)"
done
expect_eq "SERVTD_HASH at 912" "$(hexof "$R" 912 48)" "$mrsrv"
expect_eq "reserved bytes 960..1024 are zero" "$(hexof "$R" 960 64)" \
	"$(printf '0%.0s' {1..128})"
expect_eq "TEE_TCB_INFO_HASH = SHA-384(TEE_TCB_INFO[239])" \
	"$(hexof "$R" 32 48)" "$(sha384of "$R" 256 239)"
expect_eq "TEE_INFO_HASH = SHA-384(TDINFO[512])" \
	"$(hexof "$R" 80 48)" "$(sha384of "$R" 512 512)"

tdreport "$RD" "$WORK/report2"
expect_eq "same REPORTDATA and state, same report" \
	"$(cmp -s "$R" "$WORK/report2" && echo same)" same
head -c 63 /dev/urandom >"$WORK/rd63"
expect_eq "tdreport rejects 63 bytes of REPORTDATA" \
	"$(wr $DBG/tdreport "$WORK/rd63")" "Invalid argument"
exec 3<>"$DBG/tdreport"
head -c 64 /dev/zero >&3
expect_eq "tdreport write then read on one file" \
	"$(head -c 1024 <&3 | tail -c +129 | head -c 64 | xxd -p | tr -d '\n')" \
	"$(printf '0%.0s' {1..128})"
exec 3>&-

# --- MAC round trip through verify_report -------------------------------

expect_eq "verify_report accepts a fresh report" "$(wr $DBG/verify_report "$R")" ok
for off in 0 2 20 40 100 130 200 224 255; do
	cp "$R" "$WORK/bad"
	flip "$WORK/bad" $off
	expect_eq "verify_report rejects a flipped REPORTMACSTRUCT byte $off" \
		"$(wr $DBG/verify_report "$WORK/bad")" "Bad message"
done
for off in 256 300 494; do
	cp "$R" "$WORK/bad"
	flip "$WORK/bad" $off
	expect_eq "verify_report rejects a flipped TEE_TCB_INFO byte $off" \
		"$(wr $DBG/verify_report "$WORK/bad")" "Bad message"
done
for off in 512 528 800 1023; do
	cp "$R" "$WORK/bad"
	flip "$WORK/bad" $off
	expect_eq "verify_report rejects a flipped TDINFO byte $off" \
		"$(wr $DBG/verify_report "$WORK/bad")" "Bad message"
done
cp "$R" "$WORK/bad"
flip "$WORK/bad" 600
# Recompute TEE_INFO_HASH so only the MAC can catch the change
sha384of "$WORK/bad" 512 512 | xxd -r -p |
	dd of="$WORK/bad" bs=1 seek=80 conv=notrunc status=none
expect_eq "verify_report rejects a rehashed TDINFO (MAC binds the hash)" \
	"$(wr $DBG/verify_report "$WORK/bad")" "Bad message"
cp "$R" "$WORK/bad"
flip "$WORK/bad" 495
expect_eq "bytes 495..512 are outside both hashes" \
	"$(wr $DBG/verify_report "$WORK/bad")" ok
head -c 1023 "$R" >"$WORK/short"
expect_eq "verify_report rejects 1023 bytes" \
	"$(wr $DBG/verify_report "$WORK/short")" "Invalid argument"
{ cat "$R"; printf x; } >"$WORK/long"
expect_eq "verify_report rejects 1025 bytes" \
	"$(wr $DBG/verify_report "$WORK/long")" "Invalid argument"
exec 3>"$DBG/verify_report"
if cat "$R" >&3 && cat "$R" >&3; then
	ok "verify_report takes several reports on one file"
else
	not_ok "verify_report takes several reports on one file"
fi
exec 3>&-

# --- RTMR extend --------------------------------------------------------

extend() {
	{ printf "\\x$(printf %02x "$1")"; cat "$2"; } >"$WORK/ext"
	wr $DBG/rtmr_extend "$WORK/ext"
}

head -c 48 /dev/urandom >"$WORK/data"
for i in 0 1 2 3; do
	old=$(cat $DBG/rtmr$i)
	want=$({ echo "$old" | xxd -r -p; cat "$WORK/data"; } | sha384sum |
		cut -d' ' -f1)
	expect_eq "rtmr_extend $i succeeds" "$(extend $i "$WORK/data")" ok
	expect_eq "RTMR$i = SHA-384(RTMR$i || data)" "$(cat $DBG/rtmr$i)" "$want"
done
old=$(cat $DBG/rtmr3)
expect_eq "rtmr_extend index 4 fails (TDX_OPERAND_INVALID + RDX)" \
	"$(extend 4 "$WORK/data")" "Invalid argument"
expect_eq "rtmr_extend index 255 fails" "$(extend 255 "$WORK/data")" \
	"Invalid argument"
head -c 47 /dev/urandom >"$WORK/data47"
expect_eq "rtmr_extend rejects 48-byte writes" \
	"$(extend 3 "$WORK/data47")" "Invalid argument"
expect_eq "failed extends leave RTMR3 alone" "$(cat $DBG/rtmr3)" "$old"
tdreport "$RD" "$WORK/report3"
expect_eq "TDREPORT carries the extended RTMR3" \
	"$(hexof "$WORK/report3" 864 48)" "$(cat $DBG/rtmr3)"
expect_eq "TEE_INFO_HASH follows the extend" "$(hexof "$WORK/report3" 80 48)" \
	"$(sha384of "$WORK/report3" 512 512)"
expect_eq "extended report verifies" \
	"$(wr $DBG/verify_report "$WORK/report3")" ok

# --- knobs and observables ----------------------------------------------

for f in irqs_raised quote_requests quotes_in_flight; do
	expect_eq "$f starts at 0" "$(cat $DBG/$f)" 0
done
expect_eq "event_vector is -1 before registration" "$(cat $DBG/event_vector)" -1
expect_eq "event_cpu is -1 before registration" "$(cat $DBG/event_cpu)" -1
expect_eq "observables are read only" "$(wrs $DBG/irqs_raised 5)" \
	"Permission denied"

for f in drop_irq irq_before_status force_status_enable force_out_len_enable \
	rewrite_after_complete never_complete sync_unavailable \
	refuse_event_notify; do
	expect_eq "$f defaults to N" "$(cat $DBG/$f)" N
	r1=$(wrs $DBG/$f 1)
	v1=$(cat $DBG/$f)
	r0=$(wrs $DBG/$f 0)
	v0=$(cat $DBG/$f)
	expect_eq "$f is writable" "$r1 $v1 $r0 $v0" "ok Y ok N"
done
for f in service_delay_ms force_out_len; do
	expect_eq "$f defaults to 0" "$(cat $DBG/$f)" 0
	r=$(wrs $DBG/$f 4242)
	expect_eq "$f is writable" "$r $(cat $DBG/$f)" "ok 4242"
	wrs $DBG/$f 0 >/dev/null
done
expect_eq "force_status defaults to 0" "$(cat $DBG/force_status)" \
	0x0000000000000000
r=$(wrs $DBG/force_status 0x8000000000000001)
expect_eq "force_status is writable" "$r $(cat $DBG/force_status)" \
	"ok 0x8000000000000001"
wrs $DBG/force_status 0 >/dev/null
expect_eq "spurious_irq with no vector registered fails" \
	"$(wrs $DBG/spurious_irq 1)" "No such device or address"
expect_eq "spurious_irq 0 is a no-op" "$(wrs $DBG/spurious_irq 0)" ok
expect_eq "spurious_irq bounds N" "$(wrs $DBG/spurious_irq 100000)" \
	"Invalid argument"
expect_eq "irqs_raised is still 0" "$(cat $DBG/irqs_raised)" 0
expect_eq "complete_held 1 with nothing held" "$(wrs $DBG/complete_held 1)" ok
expect_eq "complete_held rejects 2" "$(wrs $DBG/complete_held 2)" \
	"Invalid argument"

# --- MAC key is per load ---------------------------------------------------

check "module unloads" unload
check "module reloads with defaults" eval 'insmod "$EMU_KO" && loaded=1'
expect_eq "qgs_socket default" "$(cat $PARAMS/qgs_socket)" \
	/run/tdx-qgs/qgs.socket
expect_eq "a report from the previous load no longer verifies" \
	"$(wr $DBG/verify_report "$R")" "Bad message"
tdreport "$RD" "$WORK/report4"
expect_eq "a report from this load verifies" \
	"$(wr $DBG/verify_report "$WORK/report4")" ok
expect_eq "state is reset on reload" "$(cat $DBG/mrtd)" "$(label 'tdx-emu MRTD')"
check "module unloads again" unload

# --- the primitives, through a stand-in TD ---------------------------------

if [ ! -e "$TEST_KO" ] || ! command -v python3 >/dev/null; then
	diag "no $TEST_KO or no python3: primitive and GetQuote tests skipped"
	echo "1..$n"
	[ $failed = 0 ]
	exit
fi

. "$(dirname "${BASH_SOURCE[0]}")/ops-tests.sh"

echo "1..$n"
[ $failed = 0 ]
