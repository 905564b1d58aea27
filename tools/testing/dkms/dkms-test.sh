#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-test.sh: a real DKMS round trip of this tree with Debian's dkms
# against the installed Debian headers (the kernel linux-headers-amd64
# points at): scripts/install --stage-dkms, dkms add, dkms build -k ABI,
# checks of the built modules, dkms install, checks of the installed
# ones, then dkms remove. Prints TAP; needs root (dkms writes /usr/src,
# /var/lib/dkms and /lib/modules/ABI/updates).
#
# usage: tools/testing/dkms/dkms-test.sh [--vm [SUITE]]
#   --vm SUITE  also boot the stock kernel on the modules DKMS installed
#               and run SUITE there (default tools/testing/selftests/tdx/
#               vm-suite.sh); test-only modules the suite loads that DKMS
#               does not ship come from $TEST_MODDIR (default
#               build/stock/mod: make modules), tools from $TOOLSDIR
#               (default build/tools: make tools).
set -uo pipefail
. "$(dirname "$0")/../../../scripts/lib.sh"

vm_suite=
if [ "${1:-}" = --vm ]; then
	vm_suite=${2:-tools/testing/selftests/tdx/vm-suite.sh}
fi

package=coco-tsm
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$COCO_TOP/dkms.conf")
abi=$(stock_abi)
arch=$(uname -m)
# module name -> its directory in the tree (where the suites look): what
# the package ships for the stock kernel, which has no report core. The
# emulator is a test tool, shipped only with --emulator.
declare -A tree_dir=(
	[tsm]=drivers/virt/coco/tsm
	[tdx-guest]=drivers/virt/coco/tdx-guest
)
work=$(mktemp -d)
log=$work/log
added=0
. "$COCO_TOP/tools/testing/lib/tap.sh"

# after a failing line: the end of the failing command's output
tap_diag() {
	[ -s "$log" ] && tail -n 20 "$log" | sed 's/^/#   /'
}

bail() {
	echo "Bail out! $*"
	echo "1..$n"
	exit 1
}

cleanup() {
	if [ $added = 1 ]; then
		dkms remove -m $package -v "$version" --all >/dev/null 2>&1
		rm -rf "/usr/src/$package-$version"
	fi
	rm -rf "$work"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || bail "needs root"
command -v dkms >/dev/null || bail "dkms is not installed"
[ -n "$abi" ] && [ -e "/lib/modules/$abi/build/Makefile" ] ||
	bail "no headers for the stock kernel ('$abi'): scripts/deps"
if dkms status -m $package -v "$version" | grep -q . ||
	[ -e "/usr/src/$package-$version" ]; then
	bail "$package/$version is already registered with dkms or in /usr/src: dkms remove it first"
fi
echo "# dkms $(dkms --version 2>&1 | head -n 1), kernel $abi"

"$COCO_TOP/scripts/install" --stage-dkms "$work/src" >"$log" 2>&1
result $? "stage the sources for DKMS"
[ -e "$work/src/dkms.conf" ] && [ -e "$work/src/Kbuild" ] &&
	! grep -q selftests "$work/src/Kbuild"
result $? "staged tree has dkms.conf and a Kbuild without test modules"

dkms add "$work/src" >"$log" 2>&1
rc=$?
[ $rc = 0 ] && added=1
result $rc "dkms add"
[ -e "/usr/src/$package-$version/dkms.conf" ]
result $? "dkms add put the sources in /usr/src/$package-$version"

dkms build -m $package -v "$version" -k "$abi" >"$log" 2>&1
result $? "dkms build -k $abi"

built=/var/lib/dkms/$package/$version/$abi/$arch/module
for m in "${!tree_dir[@]}"; do
	ko=$built/$m.ko
	: >"$log"
	[ -e "$ko" ] || ko=$ko.xz
	[ -e "$ko" ] && modinfo "$ko" >"$log" 2>&1
	result $? "built $m.ko"
	[ "$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)" = "$abi" ]
	result $? "$m.ko vermagic is $abi"
done
[ ! -e "$built/tdx_emu.ko" ] && [ ! -e "$built/tdx_emu.ko.xz" ]
result $? "the emulator is not part of the package"
modinfo -F depends "$built/tdx-guest.ko"* 2>/dev/null | tr ',' '\n' | grep -qx tsm
result $? "tdx-guest.ko depends on tsm"
modinfo -F alias "$built/tdx-guest.ko"* 2>/dev/null | grep -q '^cpu:'
result $? "tdx-guest.ko autoloads on the TDX CPU feature"

dkms install -m $package -v "$version" -k "$abi" >"$log" 2>&1
result $? "dkms install -k $abi"
dkms status -m $package -v "$version" -k "$abi" 2>/dev/null | tee "$log" |
	grep -q ': installed'
result $? "dkms status says installed"
for m in "${!tree_dir[@]}"; do
	f=$(modinfo -k "$abi" -F filename "$m" 2>"$log")
	case $f in
	/lib/modules/$abi/updates/*) rc=0 ;;
	*) rc=1; echo "modinfo -k $abi $m: '$f'" >>"$log" ;;
	esac
	result $rc "modprobe finds the installed $m in updates/"
done

if [ -n "$vm_suite" ]; then
	# The suites load modules by their path in the tree. The guest sees
	# the host's files except /tmp & co. (tmpfs there): use build/.
	vmmod=$COCO_TOP/build/dkms-test/mod
	rm -rf "$vmmod"
	mkdir -p "$vmmod"
	(cd "${TEST_MODDIR:-$COCO_TOP/build/stock/mod}" &&
		find . -name '*.ko' | cpio -pdm --quiet "$vmmod") ||
		echo "# no test modules from ${TEST_MODDIR:-build/stock/mod}"
	for m in "${!tree_dir[@]}"; do
		f=$(modinfo -k "$abi" -F filename "$m")
		mkdir -p "$vmmod/${tree_dir[$m]}"
		case $f in
		*.xz) xz -dc "$f" >"$vmmod/${tree_dir[$m]}/$m.ko" ;;
		*) cp "$f" "$vmmod/${tree_dir[$m]}/$m.ko" ;;
		esac
	done
	"$COCO_TOP/scripts/vm-run" --lane stock --moddir "$vmmod" \
		--toolsdir "${TOOLSDIR:-$COCO_TOP/build/tools}" --timeout 1200 \
		-- bash "$vm_suite" 2>&1 | tee "$log" |
		sed 's/^\(\(not \)\{0,1\}ok \)[0-9]* /# vm: \1/'
	rc=${PIPESTATUS[0]}
	: >"$log"
	result $rc "$vm_suite passes on the DKMS-installed modules"
fi

dkms remove -m $package -v "$version" --all >"$log" 2>&1
rc=$?
[ $rc = 0 ] && added=0 && rm -rf "/usr/src/$package-$version"
result $rc "dkms remove --all"
left=0
for m in "${!tree_dir[@]}"; do
	f=$(modinfo -k "$abi" -F filename "$m" 2>/dev/null)
	case $f in
	/lib/modules/$abi/updates/*) left=1; echo "still there: $f" >"$log" ;;
	esac
done
! dkms status -m $package 2>/dev/null | grep -q . && [ $left = 0 ]
result $? "nothing of $package is left in dkms or /lib/modules/$abi"

echo "1..$n"
exit $failed
