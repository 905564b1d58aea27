# SPDX-License-Identifier: GPL-2.0
# Shared paths and version resolution for the build, VM and test scripts.
# Sourced, not executed.

# Everything downloaded or built from the distribution lives outside the
# checkout, so that a fresh clone reuses it and 'git clean' keeps it.
COCO_CACHE=${COCO_TSM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/coco-tsm}
COCO_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
note() { echo ">>> $*" >&2; }

# The kernel ABI name (e.g. 6.1.0-56-amd64) that Debian's linux-headers-amd64
# meta package currently points at; never hard-coded.
stock_abi() {
	dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
		headers_abi
}

# headers_abi: the newest kernel ABI (6.1.0-57-amd64) among the
# linux-headers-ABI packages named on stdin (a headers meta package's
# Depends, of one or several of its versions)
headers_abi() {
	grep -o 'linux-headers-[0-9][^ ,]*' | sed 's/^linux-headers-//' |
		sort -V | tail -n 1
}

stock_kdir() { echo "/usr/src/linux-headers-$(stock_abi)"; }

# Unpacked linux-image package: boot/vmlinuz-ABI and lib/modules/ABI.
stock_root() { echo "$COCO_CACHE/stock/$(stock_abi)"; }

source_version() {
	dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null
}

# Unpacked linux-source-6.1 tarball (checkpatch.pl, kselftest_harness.h,
# the debug kernel).
source_dir() { echo "$COCO_CACHE/src/$(source_version)/linux-source-6.1"; }

# The debug kernel build, keyed by source version and by the config
# fragment and script that produce it, so any change rebuilds it.
debug_key() {
	cat "$COCO_TOP/scripts/debug-kernel.config" \
		"$COCO_TOP/scripts/build-debug-kernel" |
		sha256sum | cut -c1-12
}
debug_dir() { echo "$COCO_CACHE/debug/$(source_version)-$(debug_key)"; }

# The extra kernel lines (scripts/deps-kernels): the ABI resolved on the
# first run, and where the lane's image, modules and headers are.
k612_abi() { cat "$COCO_CACHE/k612/abi" 2>/dev/null; }
k612_root() { echo "$COCO_CACHE/k612/$(k612_abi)"; }
k7_abi() { cat "$COCO_CACHE/k7/abi" 2>/dev/null; }
k7_root() { echo "$COCO_CACHE/k7/root"; }

# lane_abi LANE: the kernel release the lane boots (empty for debug)
lane_abi() {
	case $1 in
	stock) stock_abi ;;
	k612) k612_abi ;;
	k7) k7_abi ;;
	kver:*) echo "${1#kver:}" ;;
	esac
}

# KDIR of a lane: stock, debug, k612, k7 (a path inside k7_root), or
# kver:RELEASE for installed headers
lane_kdir() {
	case $1 in
	stock) stock_kdir ;;
	debug) echo "$(debug_dir)/build" ;;
	k612) echo "$(k612_root)/usr/src/linux-headers-$(k612_abi)" ;;
	k7) echo "$(k7_root)/usr/src/linux-headers-$(k7_abi)" ;;
	kver:*) echo "/usr/src/linux-headers-${1#kver:}" ;;
	*) die "unknown lane '$1' (stock, debug, k612, k7 or kver:RELEASE)" ;;
	esac
}

# The kernel-report patterns of scripts/kernel-reports as one regex.
kernel_reports_regex() {
	grep -v '^#' "$COCO_TOP/scripts/kernel-reports" | paste -sd'|'
}
