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
		grep -o 'linux-headers-[0-9][^ ,]*' | sed -n '1s/^linux-headers-//p'
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

# KDIR and the guest kernel for a lane (stock or debug).
lane_kdir() {
	case $1 in
	stock) stock_kdir ;;
	debug) echo "$(debug_dir)/build" ;;
	*) die "unknown lane '$1' (stock or debug)" ;;
	esac
}

# The kernel-report patterns of scripts/kernel-reports as one regex.
kernel_reports_regex() {
	grep -v '^#' "$COCO_TOP/scripts/kernel-reports" | paste -sd'|'
}
