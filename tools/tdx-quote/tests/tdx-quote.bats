#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# Host tests of tdx-quote against real TDX quotes (go-tdx-guest test
# vectors, produced on Intel hardware). Expected values come from the
# layouts in tdx-interfaces.md and from inspecting the files, not from
# this tool. Needs OUT (where the binaries are).

setup_file() {
	: "${OUT:?OUT must point at the built binaries}"
	export TQ="$OUT/tdx-quote"
	export T="${TDX_QUOTES:-$(cd "$BATS_TEST_DIRNAME/../../testing/testdata/tdx-quotes" && pwd)}"
	export SPR="$T/tdx_prod_quote_SPR_E4.dat" V5="$T/quote_v5_sample.dat"
	export COS="$T/cos-113-tdx-quote.dat"
	export W="$BATS_FILE_TMPDIR"
	# An unrelated root CA, standing in for the emulator's.
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-nodes -keyout "$W/other-key.pem" -out "$W/other-root.pem" \
		-subj "/CN=some other root CA" -days 30 2>/dev/null
}

# jget FILE PYTHON_EXPR: evaluate EXPR on the dump --json of FILE as `j`
jget() {
	"$TQ" dump --json "$1" 2>/dev/null | python3 -c "import json,sys; j=json.load(sys.stdin); print($2)"
}

# root_of QUOTE OUT: the last certificate of the quote's own PEM chain
root_of() {
	jget "$1" 'j["signature_data"]["certification_data"]["certification_data"]["certs"][-1]["pem"]' >"$2"
}

# flip IN OFFSET OUT: copy IN with the byte at OFFSET xor 0x01; with
# B64=1, the first base64 letter or digit from OFFSET on (PEM text: never
# a line break, and never mistaken for padding when xor'ed)
flip() {
	B64=${B64:-0} python3 -c 'import os, sys
d = bytearray(open(sys.argv[1], "rb").read())
o = int(sys.argv[2])
while os.environ["B64"] == "1" and not chr(d[o]).isalnum():
    o += 1
d[o] ^= 1
open(sys.argv[3], "wb").write(d)' "$@"
}

# patch IN OFFSET HEXBYTES OUT: copy IN with bytes replaced at OFFSET
patch() {
	python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read())
b = bytes.fromhex(sys.argv[3])
o = int(sys.argv[2])
d[o:o + len(b)] = b
open(sys.argv[4], "wb").write(d)' "$@"
}

@test "dump: SPR v4 quote header, sizes and offsets" {
	run jget "$SPR" '(j["header"]["version"], j["header"]["tee_type"], j["header"]["att_key_type"], j["header"]["qe_vendor"], j["layout"]["file_size"], j["layout"]["quote_size"], j["layout"]["body_offset"], j["layout"]["signed_size"], j["signature_data_len"])'
	[ "$status" -eq 0 ]
	[ "$output" = "(4, 129, 2, 'Intel', 4974, 4935, 48, 632, 4299)" ]
}

@test "dump: SPR quote reports its 39 non-zero trailing bytes" {
	run jget "$SPR" '(j["layout"]["trailing_bytes"], j["layout"]["trailing_nonzero"])'
	[ "$output" = "(39, True)" ]
}

@test "dump: v5 quote with TDX 1.5 body (type 3, 648 bytes at 54)" {
	run jget "$V5" '(j["header"]["version"], j["body_type"], j["body_size"], j["layout"]["body_offset"], j["layout"]["signed_size"], j["layout"]["quote_size"], len(j["td_quote_body"]["mr_servicetd"]))'
	[ "$status" -eq 0 ]
	[ "$output" = "(5, 3, 648, 54, 702, 5006, 96)" ]
}

@test "dump: cos-113 quote padded with 3065 zero bytes" {
	run jget "$COS" '(j["header"]["version"], j["header"]["tee_type"], j["layout"]["file_size"], j["layout"]["quote_size"], j["layout"]["trailing_bytes"], j["layout"]["trailing_nonzero"])'
	[ "$output" = "(4, 129, 8000, 4935, 3065, False)" ]
}

@test "dump: REPORTDATA equals nonce.dat for cos-113 only" {
	nonce=$(od -An -v -tx1 "$T/nonce.dat" | tr -d ' \n')
	[ ${#nonce} -eq 128 ]
	run jget "$COS" 'j["td_quote_body"]["report_data"]'
	[ "$output" = "$nonce" ]
	run jget "$SPR" 'j["td_quote_body"]["report_data"]'
	[ "$output" != "$nonce" ]
	run jget "$V5" 'j["td_quote_body"]["report_data"]'
	[ "$output" != "$nonce" ]
}

@test "dump: body fields at the offsets of the Intel layout" {
	# mr_td is body bytes 136..184, i.e. quote bytes 184..232 in v4
	want=$(od -An -v -tx1 -j 184 -N 48 "$SPR" | tr -d ' \n')
	run jget "$SPR" 'j["td_quote_body"]["mr_td"]'
	[ "$output" = "$want" ]
	# v5: the body starts at 54; rt_mr[2] is body bytes 424..472
	want=$(od -An -v -tx1 -j $((54 + 424)) -N 48 "$V5" | tr -d ' \n')
	run jget "$V5" 'j["td_quote_body"]["rt_mr"][2]'
	[ "$output" = "$want" ]
}

@test "dump: PCK chain of real quotes is Intel's, 3 certificates" {
	run jget "$SPR" '[c["subject"].split("CN=")[1] for c in j["signature_data"]["certification_data"]["certification_data"]["certs"]]'
	[ "$output" = "['Intel SGX PCK Certificate', 'Intel SGX PCK Platform CA', 'Intel SGX Root CA']" ]
}

@test "dump: --json output parses for every test vector" {
	for f in "$SPR" "$V5" "$COS" "$T/report.dat"; do
		"$TQ" dump --json "$f" 2>/dev/null | python3 -m json.tool >/dev/null
	done
}

@test "dump: text output names the fields" {
	run "$TQ" dump "$V5"
	[ "$status" -eq 0 ]
	for f in version att_key_type tee_type qe_vendor_id user_data \
		 tee_tcb_svn mr_seam mrsigner_seam seam_attributes \
		 td_attributes xfam mr_td mr_config_id mr_owner \
		 mr_owner_config rt_mr report_data tee_tcb_svn2 mr_servicetd \
		 signature ecdsa_attestation_key qe_report mr_enclave \
		 mr_signer isv_prod_id isv_svn qe_report_signature \
		 qe_auth_data cert_data_type; do
		grep -q "^ *$f:" <<<"$output"
	done
}

@test "dump: report.dat is taken as a TDREPORT and its bad REPORTTYPE flagged" {
	run jget "$T/report.dat" '(j["format"], j["report_mac_struct"]["report_type"]["type"], j["checks"]["report_type_ok"], j["checks"]["tee_tcb_info_hash_ok"])'
	[ "$status" -eq 0 ]
	[ "$output" = "('tdreport', 15, False, False)" ]
	run "$TQ" dump "$T/report.dat"
	[[ "$output" == *"warning: REPORTTYPE 0f"* ]]
}

@test "verify: every real quote verifies against its own embedded root" {
	for f in "$SPR" "$V5" "$COS"; do
		root_of "$f" "$W/root.pem"
		grep -q "BEGIN CERTIFICATE" "$W/root.pem"
		run "$TQ" verify --root "$W/root.pem" "$f"
		echo "$output"
		[ "$status" -eq 0 ]
		[ "$(grep -c '^PASS: ' <<<"$output")" -eq 4 ]
		[[ "$output" == *"OK: quote verified"* ]]
	done
}

@test "verify: cos-113 matches nonce.dat (--nonce-file and --nonce)" {
	root_of "$COS" "$W/root.pem"
	run "$TQ" verify --root "$W/root.pem" --nonce-file "$T/nonce.dat" "$COS"
	[ "$status" -eq 0 ]
	[[ "$output" == *"PASS: nonce:"* ]]
	run "$TQ" verify --root "$W/root.pem" \
		--nonce "$(od -An -v -tx1 "$T/nonce.dat" | tr -d ' \n')" "$COS"
	[ "$status" -eq 0 ]
}

@test "verify: a wrong nonce fails with exit 1" {
	root_of "$SPR" "$W/root.pem"
	run "$TQ" verify --root "$W/root.pem" --nonce-file "$T/nonce.dat" "$SPR"
	[ "$status" -eq 1 ]
	[[ "$output" == *"FAIL: nonce:"* ]]
}

@test "verify: real quotes fail against another root" {
	for f in "$SPR" "$V5" "$COS"; do
		run "$TQ" verify --root "$W/other-root.pem" "$f"
		[ "$status" -eq 1 ]
		[[ "$output" == *"FAIL: pck-chain:"* ]]
	done
}

@test "verify: one flipped byte in each region of a real quote fails" {
	root_of "$COS" "$W/root.pem"
	eval "$(jget "$COS" '"sig=%d qer=%d chain=%d" % (j["layout"]["signature_data_offset"], j["layout"]["qe_report_offset"], j["layout"]["pck_chain_offset"])')"
	# header (qe_vendor_id), body, signature, attestation key, QE report,
	# QE report signature, QE auth data, PCK chain
	for off in 20 300 $((sig + 10)) $((sig + 64 + 10)) $((qer + 100)) \
		   $((qer + 384 + 10)) $((qer + 384 + 64 + 2 + 5)) \
		   $((chain + 200)) $((chain + 1800)) $((chain + 3300)); do
		B64=0
		[ "$off" -gt "$chain" ] && B64=1
		B64=$B64 flip "$COS" "$off" "$W/t.dat"
		run "$TQ" verify --root "$W/root.pem" "$W/t.dat"
		echo "offset $off: $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"FAILED: quote did not verify"* ]]
	done
}

@test "bad input: truncated quotes exit 2 with a message" {
	for n in 0 1 47 48 300 632 700 1000 4934; do
		head -c "$n" "$SPR" >"$W/t.dat"
		run "$TQ" verify --root "$W/other-root.pem" "$W/t.dat"
		echo "$n: $output"
		[ "$status" -eq 2 ]
		[[ "$output" == *"bad quote"* || "$output" == *"truncated"* ]]
		run "$TQ" dump "$W/t.dat"
		[ "$status" -eq 2 ]
	done
}

@test "bad input: oversized file exits 2" {
	head -c 70000 /dev/zero >"$W/big.dat"
	patch "$W/big.dat" 0 0400 "$W/big.dat"
	run "$TQ" dump "$W/big.dat"
	[ "$status" -eq 2 ]
	[[ "$output" == *oversized* ]]
}

@test "bad input: wrong version, TEE type, key type, body type" {
	patch "$SPR" 0 0300 "$W/t.dat"
	run "$TQ" dump "$W/t.dat"
	[ "$status" -eq 2 ]
	[[ "$output" == *"neither a TDX quote"* ]]
	patch "$SPR" 4 00000000 "$W/t.dat"
	run "$TQ" dump "$W/t.dat"
	[ "$status" -eq 2 ]
	[[ "$output" == *"not TDX"* ]]
	patch "$SPR" 2 0300 "$W/t.dat"
	run "$TQ" dump "$W/t.dat"
	[ "$status" -eq 2 ]
	[[ "$output" == *"attestation key type 3"* ]]
	patch "$V5" 48 0100 "$W/t.dat"
	run "$TQ" dump "$W/t.dat"
	[ "$status" -eq 2 ]
	[[ "$output" == *"body type 1"* ]]
}

@test "bad input: lying length fields exit 2, never crash" {
	eval "$(jget "$SPR" '"sig=%d qer=%d chain=%d" % (j["layout"]["signature_data_offset"], j["layout"]["qe_report_offset"], j["layout"]["pck_chain_offset"])')"
	# signature_data_len, cert data size, auth size, chain size, v5 size
	for f in "$((sig - 4)):ffffffff" "$((sig - 4)):00000000" \
		 "$((sig + 130)):ffffff7f" "$((sig + 130)):01000000" \
		 "$((qer + 448)):ffff" "$((qer + 448)):0000" \
		 "$((chain - 4)):ffffffff" "$((chain - 4)):00000000"; do
		patch "$SPR" "${f%%:*}" "${f##*:}" "$W/t.dat"
		run "$TQ" dump "$W/t.dat"
		echo "$f: $output"
		[ "$status" -eq 2 ]
		run "$TQ" verify --root "$W/other-root.pem" "$W/t.dat"
		[ "$status" -eq 2 ]
	done
	patch "$V5" 50 48020000 "$W/t.dat"	# 584 with body type 3
	run "$TQ" dump "$W/t.dat"
	[ "$status" -eq 2 ]
	[[ "$output" == *"body size 584"* ]]
}

@test "bad input: parser survives every truncation, lying lengths, mutations" {
	run "$OUT/tdxq-parse-test" "$SPR" "$V5" "$COS"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "usage errors exit 64, unreadable files exit 2" {
	run "$TQ"
	[ "$status" -eq 64 ]
	run "$TQ" verify "$SPR"
	[ "$status" -eq 64 ]
	run "$TQ" verify --root "$W/other-root.pem" --nonce xyz "$SPR"
	[ "$status" -eq 64 ]
	run "$TQ" verify --root "$W/other-root.pem" --nonce "$(printf '00%.0s' $(seq 65))" "$SPR"
	[ "$status" -eq 64 ]
	run "$TQ" dump "$W/does-not-exist"
	[ "$status" -eq 2 ]
	run "$TQ" verify --root "$W/does-not-exist" "$SPR"
	[ "$status" -eq 2 ]
	run "$TQ" verify --root "$SPR" "$SPR"
	[ "$status" -eq 2 ]
}

# replay LOG [INIT]: the RTMR value of LOG by python's hashlib, not by us
replay() {
	python3 -c 'import hashlib, sys
v = bytes.fromhex(sys.argv[2]) if len(sys.argv) > 2 else bytes(48)
for line in open(sys.argv[1]):
    line = line.strip()
    if line and not line.startswith("#"):
        v = hashlib.sha384(v + bytes.fromhex(line)).digest()
print(v.hex())' "$@"
}

# digest N: the SHA-384 of the text N, as hex
digest() {
	printf '%s' "$1" | openssl dgst -sha384 -r | cut -c1-96
}

@test "rtmr-replay: an empty log is the zero register" {
	: >"$W/empty.log"
	run "$TQ" rtmr-replay "$W/empty.log"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%096d' 0)" ]
}

@test "rtmr-replay: three extends equal hashlib's replay" {
	for i in 1 2 3; do digest "event $i"; done >"$W/three.log"
	run "$TQ" rtmr-replay "$W/three.log"
	[ "$status" -eq 0 ]
	[ "$output" = "$(replay "$W/three.log")" ]
	# one extend by hand: SHA-384(0^48 || d)
	digest "event 1" >"$W/one.log"
	want=$({ head -c 48 /dev/zero; digest "event 1" | xxd -r -p; } |
		openssl dgst -sha384 -r | cut -c1-96)
	[ "$("$TQ" rtmr-replay "$W/one.log")" = "$want" ]
	# order matters
	tac "$W/three.log" >"$W/reversed.log"
	[ "$("$TQ" rtmr-replay "$W/reversed.log")" != "$output" ]
}

@test "rtmr-replay: --init, stdin, comments, blank lines, CRLF, upper case" {
	init=$(digest "the value before")
	for i in 1 2; do digest "event $i"; done >"$W/two.log"
	run "$TQ" rtmr-replay --init "$init" "$W/two.log"
	[ "$status" -eq 0 ]
	[ "$output" = "$(replay "$W/two.log" "$init")" ]
	{ echo "# RTMR3 log"; echo; digest "event 1" | tr a-f A-F
	  printf '%s\r\n' "$(digest "event 2")"; } >"$W/messy.log"
	[ "$("$TQ" rtmr-replay - <"$W/messy.log")" = "$(replay "$W/two.log")" ]
}

@test "rtmr-replay: malformed logs exit 2 with the line number" {
	good=$(digest x)
	for bad in "${good:1}" "${good}0" "${good:2}zz" "1 $good" "$good $good"; do
		printf '%s\n%s\n' "$good" "$bad" >"$W/bad.log"
		run "$TQ" rtmr-replay "$W/bad.log"
		[ "$status" -eq 2 ]
		[[ "$output" == *"bad.log:2:"* ]]
	done
	head -c 5000 /dev/zero | tr '\0' 'a' >"$W/long.log"
	run "$TQ" rtmr-replay "$W/long.log"
	[ "$status" -eq 2 ]
	[[ "$output" == *"too long"* ]]
	run "$TQ" rtmr-replay "$W/does-not-exist"
	[ "$status" -eq 2 ]
	run "$TQ" rtmr-replay --init 1234 "$W/empty.log"
	[ "$status" -eq 64 ]
	run "$TQ" rtmr-replay
	[ "$status" -eq 64 ]
}

@test "verify --rtmr: a real quote's zero RTMR3 is an empty log, not one extend" {
	root_of "$COS" "$W/cos-root.pem"
	: >"$W/empty.log"
	run "$TQ" verify --root "$W/cos-root.pem" --rtmr "3:$W/empty.log" "$COS"
	[ "$status" -eq 0 ]
	[[ "$output" == *"PASS: rtmr3: RTMR3 equals the replay of the 0 extends"* ]]
	digest "event 1" >"$W/one.log"
	run "$TQ" verify --root "$W/cos-root.pem" --rtmr "3:$W/one.log" "$COS"
	[ "$status" -eq 1 ]
	[[ "$output" == *"FAIL: rtmr3: RTMR3 differs from the replay of the 1 extends"* ]]
	# RTMR0 is not zero: an empty log fails it
	run "$TQ" verify --root "$W/cos-root.pem" --rtmr "0:$W/empty.log" "$COS"
	[ "$status" -eq 1 ]
	[[ "$output" == *"FAIL: rtmr0"* ]]
}

@test "verify --rtmr: usage errors exit 64, bad logs exit 2" {
	: >"$W/empty.log"
	for arg in "4:$W/empty.log" "3" "3:" "x:$W/empty.log" "33:$W/empty.log"; do
		run "$TQ" verify --root "$COS" --rtmr "$arg" "$COS"
		[ "$status" -eq 64 ]
	done
	run "$TQ" verify --root "$COS" --rtmr "3:$W/empty.log" \
		--rtmr "3:$W/empty.log" "$COS"
	[ "$status" -eq 64 ]
	echo nothex >"$W/bad.log"
	run "$TQ" verify --root "$COS" --rtmr "3:$W/bad.log" "$COS"
	[ "$status" -eq 2 ]
}

@test "--help documents exit codes and the unchecked validity dates" {
	run "$TQ" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *X509_V_FLAG_NO_CHECK_TIME* ]]
	[[ "$output" == *"1 verification failed"* ]]
}

@test "man page renders without warnings" {
	command -v man >/dev/null || skip "man not installed"
	run env LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$BATS_TEST_DIRNAME/../tdx-quote.1"
	[ "$status" -eq 0 ]
	[[ "$output" == *NO_CHECK_TIME* ]]
	run sh -c "LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l '$BATS_TEST_DIRNAME/../tdx-quote.1' 2>&1 >/dev/null"
	[ -z "$output" ]
}
