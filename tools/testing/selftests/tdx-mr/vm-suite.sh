#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Test suite of the tdx_guest measurement registers on the TDX platform
# emulator, run in the VM by scripts/vm-run (see HACKING.md):
#   1. the kselftest tdx_mr_test: ABI of every file, write rules, extend
#      arithmetic against OpenSSL, sysfs = emulator = ioctl TDREPORT, each
#      fault knob's errno, TDREPORT busy retried then EBUSY, 1000
#      concurrent extends replayed from the emulator's record;
#   2. the README recipe: RTMR3 extended with the SHA-384 of a file
#      (checked with openssl dgst), its log replayed by tdx-quote, a quote
#      whose RTMR3 matches and verifies with tdx-quote verify --rtmr;
#   3. a quote while TDG.MR.REPORT stays busy fails (EBUSY, or EIO through
#      the kernel helper of 6.7 - 6.15).
# Prints TAP, exits non-zero on any failure.

set -u

here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/suite-lib.sh"
kselftest=$TOOLSDIR/tdx_mr_test
tdx_quote=$TOOLSDIR/tdx-quote
mrs=/sys/devices/virtual/misc/tdx_guest/measurements
root_ca=/var/lib/tdx-qgs/root-ca.pem
work=/tmp/tdx-mr

cleanup() {
	remove_entries
	unload tdx_guest tdx_emu "$core_name"
	qgs_stop
}
trap cleanup EXIT

# The kselftest: $TOOLSDIR when built there, else build it in /tmp
if [ ! -x "$kselftest" ]; then
	kselftest=/tmp/tdx-mr-sft/tdx_mr_test
	make -s -C "$here" OUT=/tmp/tdx-mr-sft >/tmp/tdx-mr-sft.log 2>&1 ||
		sed 's/^/# /' /tmp/tdx-mr-sft.log
fi

# mr_hex FILE: a 48-byte register file as 96 hex digits
mr_hex() {
	od -An -v -tx1 "$1" | tr -d ' \n'
}

# sha384_hex: SHA-384 of stdin, by openssl, as 96 hex digits
sha384_hex() {
	openssl dgst -sha384 -r | cut -c1-96
}

mount_fs
rm -rf "$work"
mkdir -p "$work"

load_core
result $? "load the report core ($core_name)"
insmod "$emu"
result $? "load tdx_emu.ko"
if [ -x "$qgs" ]; then
	# shellcheck disable=SC2119 # no extra tdx-qgs options
	qgs_start
	result $? "tdx-qgs is up"
else
	skip "tdx-qgs is up" "tdx-qgs is not built: quote cases skip"
fi
insmod "$drv"
result $? "load tdx-guest.ko"
[ -d "$mrs" ]
result $? "$mrs exists"

echo "# kselftest tdx_mr_test"
if [ -x "$kselftest" ]; then
	out=$("$kselftest" 2>&1)
	result $? "kselftest tdx_mr_test exits 0"
	import_tap "kselftest: " <<<"$out"
else
	result 1 "kselftest tdx_mr_test # not built"
fi

echo "# the recipe: RTMR3 measures a file, a quote shows it"
# A fresh RTMR3 (zero, as at boot) and an empty record of extends
printf '%096d' 0 >"$emu_dbg/rtmr3" && echo 1 >"$emu_dbg/rtmr_log"
result $? "reset the emulator's RTMR3 and rtmr_log"
log=$work/rtmr3.log
: >"$log"
expect=$(printf '%096d' 0)
for i in 1 2; do
	head -c $((4096 * i)) /dev/urandom >"$work/payload$i"
	openssl dgst -sha384 -binary "$work/payload$i" >"$work/digest$i.bin"
	cat "$work/digest$i.bin" >"$mrs/rtmr3:sha384"
	result $? "extend RTMR3 with the SHA-384 of file $i"
	mr_hex "$work/digest$i.bin" >>"$log" && echo >>"$log"
	expect=$({ printf '%s' "$expect" | xxd -r -p; cat "$work/digest$i.bin"; } |
		sha384_hex)
	[ "$(mr_hex "$mrs/rtmr3:sha384")" = "$expect" ]
	result $? "RTMR3 = SHA-384(RTMR3 || digest $i) by openssl dgst"
done
[ "$(awk '$1 == 3 { print $2 }' "$emu_dbg/rtmr_log")" = "$(cat "$log")" ]
result $? "the emulator recorded the two extends, in order"
if [ -x "$tdx_quote" ]; then
	[ "$("$tdx_quote" rtmr-replay "$log")" = "$expect" ]
	result $? "tdx-quote rtmr-replay of the log gives RTMR3"
else
	skip "tdx-quote rtmr-replay of the log gives RTMR3" "tdx-quote is not built"
fi

if [ -S "$qgs_dir/qgs.socket" ]; then
	r=$report/mr
	head -c 64 /dev/urandom >"$work/nonce.bin"
	mkdir "$r" && cat "$work/nonce.bin" >"$r/inblob" &&
		cat "$r/outblob" >"$work/quote.bin"
	result $? "a quote through configfs"
	rmdir "$r"
	# TD quote v4: the body at 48, its rt_mr[3] at 328 + 3 * 48
	[ "$(od -An -v -tx1 -N 2 "$work/quote.bin" | tr -d ' \n')" = 0400 ] &&
		[ "$(od -An -v -tx1 -j 520 -N 48 "$work/quote.bin" | tr -d ' \n')" = "$expect" ]
	result $? "the quote's RTMR3 is the sysfs value"
	if [ -x "$tdx_quote" ] && [ -r "$root_ca" ]; then
		"$tdx_quote" verify --root "$root_ca" --nonce-file "$work/nonce.bin" \
			--rtmr "3:$log" "$work/quote.bin" >"$work/verify.out" 2>&1
		result $? "tdx-quote verify --rtmr 3:LOG accepts the quote"
		sed 's/^/# /' "$work/verify.out"
		{ cat "$log"; sha384_hex </dev/null; } >"$work/wrong.log"
		"$tdx_quote" verify --root "$root_ca" --nonce-file "$work/nonce.bin" \
			--rtmr "3:$work/wrong.log" "$work/quote.bin" >/dev/null 2>&1
		[ $? -eq 1 ]
		result $? "tdx-quote verify --rtmr rejects a log with one more extend"
	else
		skip "tdx-quote verify --rtmr" "no tdx-quote or no root CA"
	fi

	echo 1000000 >"$emu_dbg/report_busy"
	mkdir "$r" && head -c 64 /dev/zero >"$r/inblob"
	out=$(cat "$r/outblob" 2>&1 >/dev/null)
	# EIO where the kernel's 6.7 - 6.15 helper answers (suite-lib.sh)
	busy_msg="Device or resource busy"
	[ "$report_busy_errno" = EIO ] && busy_msg="Input/output error"
	[[ "$out" == *"$busy_msg"* ]]
	result $? "a quote while TDG.MR.REPORT stays busy fails with $report_busy_errno"
	echo 0 >"$emu_dbg/report_busy"
	cat "$r/outblob" >/dev/null
	result $? "and succeeds once it is not busy"
	rmdir "$r"
else
	skip "the quote's RTMR3" "no quoting service"
fi

suite_end tdx_guest tdx_emu "$core_name"
