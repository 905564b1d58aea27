#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# Host end-to-end tests of tdx-qgs: a service with --no-report-check on a
# temporary socket, fed by qgs-client (well-formed requests) and python
# (hostile ones), its quotes checked with tdx-quote. Needs OUT (tdx-qgs,
# qgs-client, mk-tdreport, tdx-quote).

NONCE=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

setup_file() {
	: "${OUT:?OUT must point at the built binaries}"
	export T="${TDX_QUOTES:-$(cd "$BATS_TEST_DIRNAME/../../testing/testdata/tdx-quotes" && pwd)}"
	export W="$BATS_FILE_TMPDIR"
	export SOCK="$W/qgs.sock" STATE="$W/state"
	start_server qgs --no-report-check --pidfile "$W/qgs.pid"
	"$OUT/mk-tdreport" "$NONCE" "$W/report.bin"
	"$OUT/qgs-client" --socket "$SOCK" "$W/report.bin" "$W/quote.dat"
}

teardown_file() {
	[ -f "$W/qgs.pid" ] && kill "$(cat "$W/qgs.pid")" 2>/dev/null || true
	# Servers whose pidfile a later server overwrote: none may outlive us.
	pkill -f -- "--socket $W/" 2>/dev/null || true
}

wait_for() {
	local i
	for i in $(seq 200); do
		[ -S "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# start_server NAME [tdx-qgs options]: a server of its own on $W/NAME.sock,
# logging to $W/NAME.log, its pid in SERVER_PID. Never reuse a NAME: a
# server still exiting could answer, or hold the socket, in place of the
# new one. stop_server waits for it to be gone.
start_server() {
	local name=$1

	shift
	# fd 3 closed: a server left behind must not keep bats waiting
	"$OUT/tdx-qgs" --socket "$W/$name.sock" --state-dir "$STATE" "$@" \
		2>"$W/$name.log" 3>&- &
	SERVER_PID=$!
	wait_for "$W/$name.sock"
}

stop_server() {
	kill "$SERVER_PID"
	wait "$SERVER_PID" || true
}

client() {
	"$OUT/qgs-client" --socket "$SOCK" --timeout-ms 15000 "$@"
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

# req OUT PYEXPR: write a raw request built by python (struct imported,
# `rep` is the good TDREPORT, hdr(type, size, err, major) a QGS header)
req() {
	python3 -c 'import struct, sys
rep = open(sys.argv[2], "rb").read()
def hdr(t=0, size=1048, err=0, major=1):
    return struct.pack("<HHIII", major, 1, t, size, err)
def msg(body):
    return struct.pack(">I", len(body)) + body
open(sys.argv[1], "wb").write(eval(sys.argv[3]))' "$1" "$W/report.bin" "$2"
}

jget() {
	"$OUT/tdx-quote" dump --json "$1" 2>/dev/null | python3 -c "import json,sys; j=json.load(sys.stdin); print($2)"
}

@test "state dir: keys 0600, emulator root CA that says it is not Intel" {
	for k in attestation-key pck-key intermediate-ca-key root-ca-key; do
		[ "$(stat -c %a "$STATE/$k.pem")" = 600 ]
	done
	run openssl x509 -in "$STATE/root-ca.pem" -noout -subject
	[[ "$output" == *"emulator root CA (not Intel, not for production)"* ]]
	openssl verify -CAfile "$STATE/root-ca.pem" \
		-untrusted "$STATE/intermediate-ca.pem" "$STATE/pck-cert.pem"
}

@test "quote: v4, TDX, not Intel's vendor id, size within 1021..8191" {
	size=$(stat -c %s "$W/quote.dat")
	[ "$size" -ge 1021 ]
	[ "$size" -le 8191 ]
	run jget "$W/quote.dat" '(j["header"]["version"], j["header"]["att_key_type"], j["header"]["tee_type"], j["header"]["qe_vendor"], j["layout"]["quote_size"] == j["layout"]["file_size"], j["signature_data"]["certification_data"]["cert_data_type"], j["signature_data"]["certification_data"]["certification_data"]["cert_data_type"], j["signature_data"]["certification_data"]["qe_auth_data"]["size"])'
	[ "$output" = "(4, 2, 129, 'not Intel', True, 6, 5, 32)" ]
}

@test "quote: body mapped from the TDREPORT as the TDQE does" {
	# expected values read straight from the TDREPORT bytes
	b() { od -An -v -tx1 -j "$1" -N "$2" "$W/report.bin" | tr -d ' \n'; }
	run jget "$W/quote.dat" 'j["td_quote_body"]["report_data"]'
	[ "$output" = "$NONCE" ]
	run jget "$W/quote.dat" 'j["td_quote_body"]["mr_td"]'
	[ "$output" = "$(b 528 48)" ]
	run jget "$W/quote.dat" 'j["td_quote_body"]["mr_seam"]'
	[ "$output" = "$(b 280 48)" ]
	run jget "$W/quote.dat" 'j["td_quote_body"]["tee_tcb_svn"]'
	[ "$output" = "$(b 264 16)" ]
	run jget "$W/quote.dat" '"".join(j["td_quote_body"]["rt_mr"])'
	[ "$output" = "$(b 720 192)" ]
	run jget "$W/quote.dat" 'j["td_quote_body"]["mr_owner_config"]'
	[ "$output" = "$(b 672 48)" ]
	run jget "$W/quote.dat" '(j["td_quote_body"]["td_attributes"], j["td_quote_body"]["xfam"], int(j["td_quote_body"]["mrsigner_seam"], 16), j["td_quote_body"]["seam_attributes"])'
	[ "$output" = "(268435456, 231, 0, 0)" ]
}

@test "verify: emulated quote verifies with the state root and the nonce" {
	run "$OUT/tdx-quote" verify --root "$STATE/root-ca.pem" --nonce "$NONCE" "$W/quote.dat"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^PASS: ' <<<"$output")" -eq 5 ]
}

@test "verify: emulated quote fails with another nonce or Intel's root" {
	run "$OUT/tdx-quote" verify --root "$STATE/root-ca.pem" --nonce-file "$T/nonce.dat" "$W/quote.dat"
	[ "$status" -eq 1 ]
	"$OUT/tdx-quote" dump --json "$T/tdx_prod_quote_SPR_E4.dat" | python3 -c 'import json,sys; print(json.load(sys.stdin)["signature_data"]["certification_data"]["certification_data"]["certs"][-1]["pem"], end="")' >"$W/intel-root.pem"
	run "$OUT/tdx-quote" verify --root "$W/intel-root.pem" "$W/quote.dat"
	[ "$status" -eq 1 ]
	[[ "$output" == *"FAIL: pck-chain:"* ]]
}

@test "verify: one flipped byte in each region makes verification fail" {
	eval "$(jget "$W/quote.dat" '"sig=%d qer=%d chain=%d" % (j["layout"]["signature_data_offset"], j["layout"]["qe_report_offset"], j["layout"]["pck_chain_offset"])')"
	[ "$sig" -eq 636 ]
	[ "$qer" -eq 770 ]
	[ "$chain" -eq 1258 ]
	for r in header:12 header:40 body:100 body:600 signature:$((sig + 5)) \
		 att-key:$((sig + 64 + 5)) qe-report:$((qer + 64)) \
		 qe-report-sig:$((qer + 384 + 33)) \
		 auth-data:$((qer + 384 + 64 + 2 + 31)) \
		 chain-leaf:$((chain + 300)) chain-intermediate:$((chain + 1100)) \
		 chain-root:$((chain + 2000)); do
		B64=0
		[[ $r == chain* ]] && B64=1
		B64=$B64 flip "$W/quote.dat" "${r#*:}" "$W/t.dat"
		run "$OUT/tdx-quote" verify --root "$STATE/root-ca.pem" --nonce "$NONCE" "$W/t.dat"
		echo "$r: $output"
		[ "$status" -eq 1 ]
		grep -q '^FAIL: ' <<<"$output"
	done
}

@test "verify: a flipped bit anywhere in the quote fails (every 37th byte)" {
	python3 - "$OUT/tdx-quote" "$STATE/root-ca.pem" "$W/quote.dat" "$W/t.dat" <<'EOF'
import subprocess, sys
tq, root, quote, tmp = sys.argv[1:]
d = open(quote, "rb").read()
missed = []
for o in list(range(0, len(d), 37)) + [len(d) - 1]:
    t = bytearray(d)
    t[o] ^= 1
    open(tmp, "wb").write(t)
    r = subprocess.run([tq, "verify", "--root", root, tmp], capture_output=True)
    if r.returncode not in (1, 2):
        missed.append((o, r.returncode))
print("missed", missed)
sys.exit(1 if missed else 0)
EOF
}

@test "request: the real report.dat (REPORTTYPE 0x0f) is refused" {
	run client "$T/report.dat" "$W/q.dat"
	[ "$status" -eq 1 ]
	[[ "$output" == *"service error 0x12003"* ]]
}

@test "request: TDREPORT with a wrong TEE_TCB_INFO_HASH or TEE_INFO_HASH is refused" {
	flip "$W/report.bin" 300 "$W/bad.bin"	# in TEE_TCB_INFO
	run client "$W/bad.bin" "$W/q.dat"
	[ "$status" -eq 1 ]
	[[ "$output" == *0x12003* ]]
	flip "$W/report.bin" 700 "$W/bad.bin"	# in TDINFO
	run client "$W/bad.bin" "$W/q.dat"
	[ "$status" -eq 1 ]
	[[ "$output" == *0x12003* ]]
	# the 17 reserved bytes 495..511 are outside both hashes
	flip "$W/report.bin" 500 "$W/bad2.bin"
	run client "$W/bad2.bin" "$W/q.dat"
	[ "$status" -eq 0 ]
	grep -q "request failed: error 0x12003: TDREPORT TEE_INFO_HASH" "$W/qgs.log"
}

@test "request: malformed messages get the QGS error codes" {
	while IFS='|' read -r want expr; do
		req "$W/raw.bin" "$expr"
		run client --raw "$W/raw.bin"
		echo "$expr -> $output (want $want)"
		[ "$status" -eq 1 ]
		[ "$output" = "error $want" ]
	done <<'EOF'
0x12006|struct.pack(">I", 0xffffffff) + hdr() + struct.pack("<II", 1024, 0) + rep
0x12006|struct.pack(">I", 8) + b"x" * 8
0x12004|msg(hdr(major=2) + struct.pack("<II", 1024, 0) + rep)
0x12005|msg(hdr(t=2) + struct.pack("<II", 1024, 0) + rep)
0x12006|msg(hdr(size=1047) + struct.pack("<II", 1024, 0) + rep)
0x12007|msg(hdr(err=0x12001) + struct.pack("<II", 1024, 0) + rep)
0x12006|msg(hdr(size=20) + b"\0" * 4)
0x12006|msg(hdr() + struct.pack("<II", 1024, 0xfffffff0) + rep)
0x12006|msg(hdr() + struct.pack("<II", 0xffffffff, 1025) + rep)
0x12003|msg(hdr(size=1047) + struct.pack("<II", 1023, 0) + rep[:1023])
0x12003|msg(hdr(size=1048 + 16) + struct.pack("<II", 1024 + 16, 0) + rep + bytes(16))
EOF
}

@test "request: an id list after the report is accepted" {
	req "$W/raw.bin" 'msg(hdr(size=1048 + 8) + struct.pack("<II", 1024, 8) + rep + b"idlist!!")'
	run client --raw "$W/raw.bin"
	[ "$status" -eq 0 ]
	[[ "$output" == "quote "*" bytes" ]]
}

@test "robustness: truncated, silent and vanishing clients; service keeps serving" {
	python3 - "$SOCK" "$W/report.bin" <<'EOF'
import socket, struct, sys, time
path, rep = sys.argv[1], open(sys.argv[2], "rb").read()
full = struct.pack(">I", 1048) + struct.pack("<HHIII", 1, 1, 0, 1048, 0) + struct.pack("<II", 1024, 0) + rep
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s
# connect and leave at once, at every stage of a request
for cut in (0, 2, 4, 10, 30, 500, len(full) - 1):
    s = conn(); s.sendall(full[:cut]); s.close()
# send a request and hang up before reading the reply
s = conn(); s.sendall(full); s.close()
# a silent client holds one connection open ...
silent = conn()
# ... while another client is served
s = conn(); s.sendall(full); s.shutdown(socket.SHUT_WR)
s.settimeout(10)
got = b""
while True:
    d = s.recv(65536)
    if not d: break
    got += d
assert len(got) > 1000 and struct.unpack_from("<I", got, 4 + 12)[0] == 0, got[:32]
silent.close()
EOF
	run client "$W/report.bin" "$W/q2.dat"
	[ "$status" -eq 0 ]
	kill -0 "$(cat "$W/qgs.pid")"
	grep -q "request dropped: client closed" "$W/qgs.log"
}

@test "robustness: a silent client is timed out" {
	# QGS_IO_TIMEOUT_MS is 10 s: the connection must be closed after it
	run timeout 20 python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1]); t = time.time()
assert s.recv(10) == b""
print(round(time.time() - t))' "$SOCK"
	[ "$status" -eq 0 ]
	[ "$output" -ge 9 ]
	[ "$output" -le 12 ]
	grep -q "request dropped: Connection timed out" "$W/qgs.log"
}

@test "service: restart reuses the state; quotes verify with the old root" {
	cp "$STATE/root-ca.pem" "$W/root-before.pem"
	start_server b --no-report-check
	"$OUT/qgs-client" --socket "$W/b.sock" "$W/report.bin" "$W/qb.dat"
	kill "$SERVER_PID"
	wait "$SERVER_PID"
	cmp "$STATE/root-ca.pem" "$W/root-before.pem"
	"$OUT/tdx-quote" verify --root "$W/root-before.pem" "$W/qb.dat"
}

@test "service: incomplete state dir is refused, busy socket is refused" {
	mkdir "$W/partial"
	cp "$STATE/root-ca.pem" "$W/partial/"
	run "$OUT/tdx-qgs" --socket "$W/p.sock" --state-dir "$W/partial" --no-report-check
	[ "$status" -ne 0 ]
	[[ "$output" == *"incomplete"* ]]
	run "$OUT/tdx-qgs" --socket "$SOCK" --state-dir "$STATE" --no-report-check
	[ "$status" -ne 0 ]
	[[ "$output" == *"another service"* ]]
}

@test "service: MAC check errors (missing or failing verify_report) give 0x12001" {
	start_server m1 --verify-report "$W/nonexistent"
	run "$OUT/qgs-client" --socket "$W/m1.sock" "$W/report.bin" "$W/q.dat"
	stop_server
	[ "$status" -eq 1 ]
	[[ "$output" == *0x12001* ]]
	start_server m2 --verify-report /dev/full
	run "$OUT/qgs-client" --socket "$W/m2.sock" "$W/report.bin" "$W/q.dat"
	stop_server
	[ "$status" -eq 1 ]
	grep -q "No space left" "$W/m2.log"
	# a file that takes the 1024 bytes stands in for an accepting emulator
	: >"$W/accepting"
	start_server m3 --verify-report "$W/accepting"
	run "$OUT/qgs-client" --socket "$W/m3.sock" "$W/report.bin" "$W/q.dat"
	stop_server
	[ "$status" -eq 0 ]
	cmp -n 1024 "$W/accepting" "$W/report.bin"
}

@test "service: --delay-ms gives a fixed service time" {
	start_server d --no-report-check --delay-ms 700
	start=$(date +%s%N)
	"$OUT/qgs-client" --socket "$W/d.sock" "$W/report.bin" "$W/q.dat"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	stop_server
	echo "took $ms ms"
	[ "$ms" -ge 700 ]
	[ "$ms" -lt 3000 ]
}

@test "service: concurrent clients are served in parallel, each its own quote" {
	# QEMU keeps up to 16 GetQuote requests in flight, each on its own
	# connection: four at once with an 800 ms service time must all be
	# answered in about 800 ms, not 4 x 800 ms (a lock, a child limit or
	# a key load that serialized them would show here)
	local i rd ms start pids=()

	start_server conc --no-report-check --delay-ms 800
	for i in 1 2 3 4; do
		"$OUT/mk-tdreport" "0$i${NONCE:2}" "$W/conc$i.bin"
	done
	start=$(date +%s%N)
	for i in 1 2 3 4; do
		"$OUT/qgs-client" --socket "$W/conc.sock" --timeout-ms 15000 \
			"$W/conc$i.bin" "$W/conc$i.dat" &
		pids+=($!)
	done
	# each client must succeed: wait returns its status
	for i in "${pids[@]}"; do
		wait "$i"
	done
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	stop_server
	echo "four clients took $ms ms"
	[ "$ms" -ge 800 ]
	[ "$ms" -lt 2000 ]
	for i in 1 2 3 4; do
		rd=$(jget "$W/conc$i.dat" 'j["td_quote_body"]["report_data"]')
		echo "client $i: $rd"
		[ "$rd" = "0$i${NONCE:2}" ]
	done
	[ "$(grep -c 'request ok' "$W/conc.log")" -eq 4 ]
}

@test "service: --daemon detaches, writes the pidfile, SIGTERM cleans up" {
	"$OUT/tdx-qgs" --socket "$W/x.sock" --state-dir "$STATE" \
		--no-report-check --pidfile "$W/x.pid" --daemon
	# the parent returns only once the daemon is ready
	[ -S "$W/x.sock" ]
	[ -s "$W/x.pid" ]
	pid=$(cat "$W/x.pid")
	[ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ]
	"$OUT/qgs-client" --socket "$W/x.sock" "$W/report.bin" "$W/q.dat"
	kill -TERM "$pid"
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	# "! cmd" never fails a bats test: ask run for the status
	run kill -0 "$pid"
	[ "$status" -ne 0 ]
	[ ! -e "$W/x.sock" ]
	[ ! -e "$W/x.pid" ]
}

@test "service: SIGTERM exits 0 and removes the socket" {
	start_server y --no-report-check
	kill -TERM "$SERVER_PID"
	rc=0
	wait "$SERVER_PID" || rc=$?
	[ "$rc" -eq 0 ]
	[ ! -e "$W/y.sock" ]
	grep -q stopping "$W/y.log"
}

@test "tdx-quote dump: the test TDREPORT has REPORTTYPE 0x81 and correct hashes" {
	run jget "$W/report.bin" '(j["format"], j["report_mac_struct"]["report_type"]["type"], j["checks"]["tee_tcb_info_hash_ok"], j["checks"]["tee_info_hash_ok"], j["report_mac_struct"]["report_data"])'
	[ "$output" = "('tdreport', 129, True, True, '$NONCE')" ]
}

@test "man page renders without warnings" {
	command -v man >/dev/null || skip "man not installed"
	run sh -c "LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l '$BATS_TEST_DIRNAME/../tdx-qgs.8' 2>&1 >/dev/null"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}
