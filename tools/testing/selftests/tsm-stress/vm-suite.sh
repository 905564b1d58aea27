#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Concurrency, lifecycle and memory suite of configfs-tsm, run in the VM by
# scripts/vm-run (see HACKING.md). Against tsm_test, then against
# tdx_guest on the TDX emulator when tdx-qgs is built:
#   - tsm_stress: writers and readers of several entries (reader protocol,
#     torn or foreign reports, lost generation updates);
#   - tsm_killwait: SIGKILL of readers blocked on a report that never comes;
#   - tsm_openfd: rmdir under open fds and reports in flight, provider
#     unload with live entries and with a report in flight;
#   - tsm_randseq (tsm_test): seeded random configfs operations and
#     provider unload/reload against a model;
#   - tsm_quotes: 10,000 reports (tsm_test), as many quotes as fit in a
#     minute (tdx_guest), then kmemleak and unreclaimable slab usage.
# Environment: TSM_STRESS_SECONDS (20 per provider), TSM_QUOTES (10000),
# TDX_QUOTE_SECONDS (60), TSM_RANDSEQ_SEED, TSM_RANDSEQ_STEPS (3000),
# SLAB_BOUND_KB (2048, debug lane 8192). Prints TAP; exits non-zero on any failure.

set -u

here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/suite-lib.sh"

stress_s=${TSM_STRESS_SECONDS:-20}
nquotes=${TSM_QUOTES:-10000}
tdx_quote_s=${TDX_QUOTE_SECONDS:-60}
seed=${TSM_RANDSEQ_SEED:-20261123}
steps=${TSM_RANDSEQ_STEPS:-3000}
# The debug kernel's slab moves by megabytes on its own (KASAN quarantine,
# kmemleak metadata); kmemleak is the leak check there
if [ "${LANE:-stock}" = debug ]; then
	slab_bound=${SLAB_BOUND_KB:-8192}
else
	slab_bound=${SLAB_BOUND_KB:-2048}
fi
tparams=/sys/module/tsm_test_provider/parameters
drv_params="quote_timeout_ms=5000"

cleanup() {
	remove_entries
	unload tdx_guest tsm_test_provider tdx_emu "$core_name"
	qgs_stop
}
trap cleanup EXIT

stress=$(find_prog "$here" tsm_stress)
killwait=$(find_prog "$here" tsm_killwait)
openfd=$(find_prog "$here" tsm_openfd)
randseq=$(find_prog "$here" tsm_randseq)
quotes=$(find_prog "$here" tsm_quotes)

mount_fs

# memory_check NAME BEFORE_KB: slab back near its level before the quotes
memory_check() {
	local after delta

	settle_slab
	after=$(slab_kb)
	delta=$((after - $2))
	echo "# unreclaimable slab: $2 kB before, $after kB after ($delta kB, bound $slab_bound kB)"
	[ "$delta" -le "$slab_bound" ]
	result $? "$1: unreclaimable slab back within $slab_bound kB of its level before"
	kmemleak_ours "$1: kmemleak finds no leak of ours"
}

echo "# tsm_test provider"
load_core && insmod "$test_provider" delay_ms=5
result $? "load the report core and tsm_test_provider.ko"

"$stress" -t "$stress_s" -e 6 -w 3 -r 5 -n st
result $? "tsm_test: stress, 3 writers and 5 readers over 6 entries for $stress_s s"

echo 600000 >$tparams/delay_ms
"$killwait" -r 6 -e 3 -l 1000
result $? "tsm_test: SIGKILLed readers of a hung report exit within 1 s"

echo 1000 >$tparams/delay_ms
run_tap "tsm_test: " "$openfd" -m "$test_provider" -M tsm_test_provider \
	-P delay_ms=1000 -w 8000
echo 0 >$tparams/delay_ms

"$randseq" -m "$test_provider" -s "$seed" -n "$steps" -t 120
result $? "tsm_test: random configfs sequence, seed $seed, $steps steps"

# Warm the caches with a first round, then measure from there; a failing
# warm-up would make the measurement meaningless, so it counts
"$quotes" -c 200 -n warm >/dev/null
result $? "tsm_test: 200 warm-up reports"
settle_slab
before=$(slab_kb)
# The time cap only guards against a machine far slower than the debug
# lane under load; the count made is in the test name
out=$("$quotes" -c "$nquotes" -t 420)
rc=$?
echo "$out"
result $rc "tsm_test: $(sed -n 's/^# quotes: \([0-9]*\) .*/\1/p' <<<"$out") of $nquotes reports, each of its inblob"
memory_check "tsm_test" "$before"

remove_entries
rmmod tsm_test_provider
result $? "unload tsm_test_provider.ko"

echo "# tdx_guest provider on the TDX emulator"
# make check builds all three: a missing one fails the section, which a
# skip would hide
if [ ! -x "$qgs" ] || [ ! -e "$drv" ] || [ ! -e "$emu" ]; then
	result 1 "tdx_guest: all cases (tdx-qgs, tdx_emu.ko or tdx-guest.ko not built)"
else
	insmod "$emu"
	result $? "load tdx_emu.ko"
	qgs_start
	result $? "tdx-qgs is up"
	insmod "$drv" $drv_params
	result $? "load tdx-guest.ko $drv_params"

	"$stress" -t "$stress_s" -e 4 -w 2 -r 3 -i 300 -n tst
	result $? "tdx_guest: stress, 2 writers and 3 readers over 4 entries for $stress_s s"

	echo 1 >$emu_dbg/never_complete
	"$killwait" -r 4 -e 2 -l 1000
	result $? "tdx_guest: SIGKILLed readers of a never-completing quote exit within 1 s"
	echo 0 >$emu_dbg/never_complete
	echo 1 >$emu_dbg/complete_held
	wait_host_idle
	"$quotes" -c 1 -n after-kill
	result $? "tdx_guest: a quote succeeds once the host completed the held request"

	echo 1000 >$emu_dbg/service_delay_ms
	run_tap "tdx_guest: " "$openfd" -m "$drv" -M tdx_guest \
		-P "$drv_params" -w 10000
	echo 0 >$emu_dbg/service_delay_ms

	"$quotes" -c 3 -n warm >/dev/null
	result $? "tdx_guest: 3 warm-up quotes"
	settle_slab
	before=$(slab_kb)
	"$quotes" -c 1000000 -t "$tdx_quote_s"
	result $? "tdx_guest: quotes for $tdx_quote_s s, each of its REPORTDATA"
	memory_check "tdx_guest" "$before"
fi

suite_end tdx_guest tdx_emu "$core_name"
