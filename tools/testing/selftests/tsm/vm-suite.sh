#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Test suite of the configfs-tsm report core, run in the VM by
# scripts/vm-run (see HACKING.md): coexistence with another "tsm" configfs
# subsystem, then the kselftest and the bats shell contract against
# tsm.ko + tsm_test_provider.ko. Prints TAP (three streams, each numbered
# on its own), exits non-zero on any failure.

set -u

here=$(dirname "$(readlink -f "$0")")
core=$MODDIR/drivers/virt/coco/tsm/tsm.ko
provider=$MODDIR/tools/testing/selftests/tsm/tsm_test_provider.ko
coexist=$MODDIR/tools/testing/selftests/tsm/tsm_test_coexist.ko
kselftest=$TOOLSDIR/tsm_report_test
report=/sys/kernel/config/tsm/report
failed=0
n=0

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=1
	fi
}

cleanup() {
	local d

	if [ -d "$report" ]; then
		for d in "$report"/* "$report"/.[!.]*; do
			[ -d "$d" ] && rmdir "$d"
		done
	fi
	grep -q '^tsm_test_provider ' /proc/modules && rmmod tsm_test_provider
	grep -q '^tsm_test_coexist ' /proc/modules && rmmod tsm_test_coexist
	grep -q '^tsm ' /proc/modules && rmmod tsm
}

modprobe configfs 2>/dev/null
# bats uses process substitution
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
mountpoint -q /sys/kernel/config ||
	mount -t configfs configfs /sys/kernel/config

echo "# coexistence with another \"tsm\" configfs subsystem"
insmod "$coexist"
result $? "coexist: stand-in occupies configfs/tsm"
out=$(insmod "$core" 2>&1)
rc=$?
[ $rc -ne 0 ] && [[ "$out" == *"File exists"* ]]
result $? "coexist: tsm.ko refuses to load with EEXIST"
dmesg | grep -q 'tsm: configfs subsystem "tsm" already exists'
result $? "coexist: tsm.ko says why"
rmmod tsm_test_coexist
result $? "coexist: stand-in unloads"

echo "# core and test provider"
insmod "$core"
result $? "load tsm.ko"
insmod "$provider"
result $? "load tsm_test_provider.ko"

echo "# kselftest $kselftest"
if [ -x "$kselftest" ]; then
	TSM_TEST_PROVIDER_KO=$provider "$kselftest"
	rc=$?
	# its own TAP lines already count each case
	[ $rc -eq 0 ] || { echo "# kselftest exited with $rc"; failed=1; }
else
	result 1 "kselftest tsm_report_test # not built"
fi

echo "# bats $here/tsm_report.bats"
TSM_TEST_PROVIDER_KO=$provider bats --tap "$here/tsm_report.bats"
rc=$?
[ $rc -eq 0 ] || { echo "# bats exited with $rc"; failed=1; }

cleanup
! grep -q '^tsm ' /proc/modules
result $? "tsm.ko unloads after its entries are gone"

exit $failed
