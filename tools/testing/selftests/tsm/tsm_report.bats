#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The shell contract of /sys/kernel/config/tsm/report: what init scripts
# and attestation clients do with coreutils (client-contract.md).
# Needs tsm.ko and tsm_test_provider.ko loaded; the provider-removal case
# also needs TSM_TEST_PROVIDER_KO (path of tsm_test_provider.ko).

REPORT=/sys/kernel/config/tsm/report
PARAMS=/sys/module/tsm_test_provider/parameters

setup() {
	[ -d "$REPORT" ] || skip "tsm.ko not loaded"
	[ -d "$PARAMS" ] || skip "tsm_test_provider.ko not loaded"
	echo 0 >"$PARAMS/calls"
	echo 0 >"$PARAMS/outblob_size"
	E=$REPORT/bats-$BATS_TEST_NUMBER
	mkdir "$E"
}

teardown() {
	rmdir "$E" 2>/dev/null || true
	if [ ! -d "$PARAMS" ] && [ -n "${TSM_TEST_PROVIDER_KO:-}" ]; then
		insmod "$TSM_TEST_PROVIDER_KO"
	fi
}

@test "a fresh entry has provider, generation 0, inblob and outblob" {
	for f in provider generation inblob outblob; do
		[ -e "$E/$f" ]
	done
	[ "$(cat "$E/generation")" = 0 ]
	# compare with the newline, as CoCo and go-tdx-guest do
	run od -An -c "$E/provider"
	[ "$(echo $output)" = 't s m _ t e s t \n' ]
}

@test "echo > inblob (O_TRUNC) stores once, cat outblob reports it" {
	echo -n nonce >"$E/inblob"
	[ "$(cat "$E/generation")" = 1 ]
	run cat "$E/outblob"
	[ "$status" -eq 0 ]
	[[ "$output" == *"inblob=6e6f6e6365"* ]]
	[[ "$output" == *"call=1"* ]]
	[ "$(cat "$E/generation")" = 1 ]
}

@test "dd writes inblob, one 8192-byte read returns the whole outblob" {
	dd if=/dev/urandom of="$E/inblob" bs=64 count=1 status=none
	[ "$(cat "$E/generation")" = 1 ]
	echo 5000 >"$PARAMS/outblob_size"
	[ "$(dd if="$E/outblob" bs=8192 count=1 status=none | wc -c)" = 5000 ]
	[ "$(cat "$E/outblob" | wc -c)" = 5000 ]
	[ "$(cat "$PARAMS/calls")" = 1 ]
}

@test "head -c reads a prefix of outblob" {
	printf '%064d' 7 >"$E/inblob"
	[ "$(head -c 17 "$E/outblob")" = provider=tsm_test ]
	[ "$(head -c 1 "$E/auxblob")" = t ]
}

@test "rereading outblob serves the cached report" {
	echo -n abc >"$E/inblob"
	first=$(cat "$E/outblob")
	[ "$(cat "$E/outblob")" = "$first" ]
	[ "$(cat "$E/outblob")" = "$first" ]
	[ "$(cat "$PARAMS/calls")" = 1 ]
	echo -n abc >"$E/inblob"
	[ "$(cat "$E/outblob")" != "$first" ]
	[ "$(cat "$PARAMS/calls")" = 2 ]
	[ "$(cat "$E/generation")" = 2 ]
}

@test "flock on an inblob fd while another fd writes it" {
	exec {lock}>"$E/inblob"
	flock -x "$lock"
	printf '%64s' x >"$E/inblob"
	run cat "$E/outblob"
	flock -u "$lock"
	exec {lock}>&-
	[ "$status" -eq 0 ]
	[[ "$output" == *"inblob_len=64"* ]]
	# the lock fd never wrote: one store only
	[ "$(cat "$E/generation")" = 1 ]
}

@test "entry names with dots and a leading dot" {
	for n in .tmpAbC123 com.intel.dcap entry4294967295 report_ab12cd34 \
		 0123456789abcdef; do
		mkdir -m 0700 "$REPORT/$n"
		[ "$(cat "$REPORT/$n/provider")" = tsm_test ]
		[ "$(cat "$REPORT/$n/generation")" = 0 ]
		echo -n "$n" >"$REPORT/$n/inblob"
		[[ "$(cat "$REPORT/$n/outblob")" == *"inblob_len=${#n}"* ]]
		rmdir "$REPORT/$n"
		[ ! -e "$REPORT/$n" ]
	done
}

@test "rmdir removes an entry holding a report" {
	echo -n x >"$E/inblob"
	cat "$E/outblob" >/dev/null
	rmdir "$E"
	[ ! -e "$E" ]
}

@test "unlink of an entry fails, rmdir then works (Go os.Remove)" {
	run unlink "$E"
	[ "$status" -ne 0 ]
	[ -d "$E" ]
	run rm -f "$E/outblob"
	[ "$status" -ne 0 ]
	[ -e "$E/outblob" ]
	rmdir "$E"
	[ ! -e "$E" ]
}

@test "a rejected store fails the shell write and keeps the generation" {
	run bash -c "echo 9 >'$E/privlevel'"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Invalid argument"* ]]
	[ "$(cat "$E/generation")" = 0 ]
	echo 2 >"$E/privlevel"
	[ "$(cat "$E/generation")" = 1 ]
}

@test "reading outblob without inblob fails with EINVAL" {
	run cat "$E/outblob"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Invalid argument"* ]]
}

@test "without a provider mkdir fails with ENXIO" {
	[ -n "${TSM_TEST_PROVIDER_KO:-}" ] || skip "TSM_TEST_PROVIDER_KO not set"
	rmdir "$E"
	rmmod tsm_test_provider
	run mkdir "$REPORT/bats-orphan"
	[ "$status" -ne 0 ]
	[[ "$output" == *"No such device or address"* ]]
	[ ! -e "$REPORT/bats-orphan" ]
	insmod "$TSM_TEST_PROVIDER_KO"
	mkdir "$E"
}
