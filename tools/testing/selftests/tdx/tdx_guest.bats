#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The shell recipe of the README, against the tdx_guest provider: make an
# entry, write a nonce, read the quote, remove the entry. Needs tsm.ko and
# tdx-guest.ko loaded (on a TDX guest or on tdx_emu.ko); the quote cases
# also need a quoting service behind the VMM. Each fails, not skips,
# without what it needs.

REPORT=/sys/kernel/config/tsm/report
QGS_SOCKET=/run/tdx-qgs/qgs.socket
ROOT_CA=/var/lib/tdx-qgs/root-ca.pem

# missing WHAT: fail the test, saying what it lacked. What these tests
# need is part of the setup they test (the suite loads and starts all of
# it): a skip would let the suite pass with the cases unrun.
missing() {
	echo "# missing: $*" >&2
	return 1
}

setup_file() {
	[ -d "$REPORT" ] || missing "configfs-tsm (tsm.ko) not loaded"
	[ -d /sys/module/tdx_guest ] || missing "tdx-guest.ko not loaded"
}

setup() {
	[ -d "$REPORT" ] || missing "configfs-tsm (tsm.ko) not loaded"
	[ -d /sys/module/tdx_guest ] || missing "tdx-guest.ko not loaded"
	E=$REPORT/bats-tdx-$BATS_TEST_NUMBER
	rmdir "$E" 2>/dev/null || true
	mkdir "$E"
}

teardown() {
	rmdir "$E" 2>/dev/null || true
}

need_qgs() {
	[ -S "$QGS_SOCKET" ] || missing "no quoting service at $QGS_SOCKET"
}

@test "README recipe: a nonce in, a quote out whose REPORTDATA is the nonce" {
	need_qgs
	head -c 64 /dev/urandom >"$BATS_TEST_TMPDIR/nonce"
	cat "$BATS_TEST_TMPDIR/nonce" >"$E/inblob"
	cat "$E/outblob" >"$BATS_TEST_TMPDIR/quote"
	rmdir "$E"
	[ ! -e "$E" ]

	# header (48) + TD quote body (584) at least
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/quote")" -ge 632 ]
	# body REPORTDATA is at quote offset 568
	tail -c +569 "$BATS_TEST_TMPDIR/quote" | head -c 64 >"$BATS_TEST_TMPDIR/rd"
	cmp "$BATS_TEST_TMPDIR/nonce" "$BATS_TEST_TMPDIR/rd"
}

@test "the quote verifies against the emulator's root CA with the nonce" {
	need_qgs
	[ -x "${TOOLSDIR:-}/tdx-quote" ] || missing "tdx-quote is not built"
	[ -r "$ROOT_CA" ] || missing "no root CA at $ROOT_CA"
	head -c 64 /dev/urandom >"$BATS_TEST_TMPDIR/nonce"
	cat "$BATS_TEST_TMPDIR/nonce" >"$E/inblob"
	cat "$E/outblob" >"$BATS_TEST_TMPDIR/quote"
	"$TOOLSDIR/tdx-quote" verify --root "$ROOT_CA" \
		--nonce-file "$BATS_TEST_TMPDIR/nonce" "$BATS_TEST_TMPDIR/quote"
	# and a different nonce must not verify
	head -c 64 /dev/urandom >"$BATS_TEST_TMPDIR/other"
	run "$TOOLSDIR/tdx-quote" verify --root "$ROOT_CA" \
		--nonce-file "$BATS_TEST_TMPDIR/other" "$BATS_TEST_TMPDIR/quote"
	[ "$status" -ne 0 ]
}

@test "reading outblob again returns the same quote, no new request" {
	need_qgs
	head -c 64 /dev/urandom >"$E/inblob"
	cat "$E/outblob" >"$BATS_TEST_TMPDIR/q1"
	cat "$E/outblob" >"$BATS_TEST_TMPDIR/q2"
	cmp "$BATS_TEST_TMPDIR/q1" "$BATS_TEST_TMPDIR/q2"
	[ "$(cat "$E/generation")" = 1 ]
}

@test "the provider is tdx_guest and only the four attributes show" {
	[ "$(cat "$E/provider")" = tdx_guest ]
	run ls "$E"
	[ "$(echo $output)" = "generation inblob outblob provider" ]
}

@test "a 63-byte nonce makes outblob fail with EINVAL" {
	head -c 63 /dev/zero >"$E/inblob"
	run cat "$E/outblob"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Invalid argument"* ]]
}

@test "/dev/tdx_guest is a character device and completion_mode is set" {
	[ -c /dev/tdx_guest ]
	mode=$(cat /sys/devices/virtual/misc/tdx_guest/completion_mode)
	[ "$mode" = interrupt ] || [ "$mode" = polling ]
}
