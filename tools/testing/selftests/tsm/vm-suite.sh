#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Test suite of the configfs-tsm report core, run in the VM by
# scripts/vm-run (see HACKING.md): coexistence with another "tsm" configfs
# subsystem, then the kselftest and the bats shell contract against
# tsm.ko + tsm_test_provider.ko. Prints TAP, exits non-zero on any
# failure.

set -u

here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/suite-lib.sh"
provider=$test_provider
coexist=$MODDIR/tools/testing/selftests/tsm/tsm_test_coexist.ko
kselftest=$TOOLSDIR/tsm_report_test

cleanup() {
	remove_entries
	unload tsm_test_provider tsm_test_coexist tsm
}

mount_fs

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
	out=$(TSM_TEST_PROVIDER_KO=$provider "$kselftest" 2>&1)
	result $? "kselftest tsm_report_test exits 0"
	import_tap "" <<<"$out"
else
	result 1 "kselftest tsm_report_test # not built"
fi

echo "# bats $here/tsm_report.bats"
out=$(TSM_TEST_PROVIDER_KO=$provider bats --tap "$here/tsm_report.bats" 2>&1)
result $? "bats tsm_report.bats exits 0"
import_tap "" <<<"$out"

cleanup
! loaded tsm
result $? "tsm.ko unloads after its entries are gone"

echo "1..$n"
exit $failed
