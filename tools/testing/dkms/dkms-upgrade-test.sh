#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-upgrade-test.sh: our DKMS package must never break a kernel
# upgrade. In a Debian 12 chroot (debootstrap, cached outside the
# checkout as a pristine tarball with the packages already downloaded):
# install the package with DKMS for Debian 12's 6.1 headers, then
# apt-get install the 6.12 headers as a user would. Debian runs
# "dkms autoinstall" from the headers' postinst under run-parts
# --exit-on-error, so a module that fails to build for 6.12 fails the
# install itself. Checks the exit status, what dkms status says for both
# kernels, and which modules it built for each. Prints TAP; needs root.
set -uo pipefail
. "$(dirname "$0")/../../../scripts/lib.sh"
. "$COCO_TOP/tools/testing/lib/tap.sh"

package=coco-tsm
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$COCO_TOP/dkms.conf")
base=$COCO_CACHE/dkms-chroot
pristine=$base/bookworm.tar
work=$(mktemp -d "${TMPDIR:-/var/tmp}/dkms-upgrade.XXXXXX")
root=$work/root
log=$work/log

cleanup() {
	rm -rf "$work"
}
trap cleanup EXIT

bail() {
	echo "Bail out! $*"
	[ -s "$log" ] && tail -n 20 "$log" | sed 's/^/#   /'
	echo "1..$n"
	exit 1
}

# in_root CMD...: run a command in the chroot, with /proc and /dev
in_root() {
	unshare -m sh -c 'mount -t proc proc "$0/proc" &&
		mount --rbind /dev "$0/dev" && exec chroot "$0" "$@"' \
		"$root" env DEBIAN_FRONTEND=noninteractive \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

make_pristine() {
	note "making the Debian 12 chroot for the DKMS upgrade test in $base"
	mkdir -p "$base"
	rm -rf "$base/root"
	root=$base/root
	debootstrap --variant=minbase \
		--include=dkms,gcc,make,libc6-dev,kmod,xz-utils,linux-headers-amd64 \
		bookworm "$root" http://deb.debian.org/debian \
		>"$base/debootstrap.log" 2>&1 || return 1
	cp /etc/apt/sources.list "$root/etc/apt/sources.list" 2>/dev/null
	cp -r /etc/apt/sources.list.d/. "$root/etc/apt/sources.list.d/" 2>/dev/null
	in_root apt-get update -qq >>"$base/debootstrap.log" 2>&1 &&
		in_root apt-get install -y -qq --download-only \
			linux-headers-6.12-amd64 >>"$base/debootstrap.log" 2>&1 ||
		return 1
	tar -C "$root" -cf "$pristine.$$" . && mv "$pristine.$$" "$pristine"
	rm -rf "$base/root"
	root=$work/root
}

[ "$(id -u)" = 0 ] || bail "needs root"
command -v debootstrap >/dev/null || bail "debootstrap is not installed (scripts/deps)"
if [ ! -e "$pristine" ]; then
	make_pristine || { cp "$base/debootstrap.log" "$log"; bail "cannot make the chroot"; }
fi
mkdir -p "$root"
tar -C "$root" -xf "$pristine" || bail "cannot unpack $pristine"
old=$(in_root dpkg-query -W -f='${Depends}' linux-headers-amd64 | headers_abi)
[ -n "$old" ] || bail "no 6.1 headers in the chroot"
echo "# chroot: Debian 12 with linux-headers-$old and $(in_root dkms --version)"

"$COCO_TOP/scripts/install" --stage-dkms "$root/usr/src/$package-$version" \
	>"$log" 2>&1
result $? "stage the package into the chroot's /usr/src"
in_root dkms add -m $package -v "$version" >"$log" 2>&1 &&
	in_root dkms install -m $package -v "$version" -k "$old" >>"$log" 2>&1
result $? "dkms add and install for $old"

in_root apt-get install -y -qq --no-install-recommends \
	linux-headers-6.12-amd64 >"$log" 2>&1
rc=$?
result $rc "apt-get install linux-headers-6.12-amd64 succeeds (exit $rc)"
[ $rc = 0 ] || tail -n 20 "$log" | sed 's/^/#   /'
new=$(in_root dpkg-query -W -f='${Depends}' linux-headers-6.12-amd64 |
	headers_abi)
echo "# upgraded to linux-headers-$new"

in_root dkms status -m $package -v "$version" >"$log" 2>&1
sed 's/^/# dkms status: /' "$log"
grep -q "$version, $old, x86_64: installed" "$log"
result $? "dkms status: installed for $old"
grep -q "$version, $new, x86_64: installed" "$log"
result $? "dkms status: installed for $new (autoinstall at the upgrade)"

mods() { # KVER: the module files DKMS installed for it, by name
	find -L "$root/lib/modules/$1" -path '*/updates/*' -name '*.ko*' \
		-printf '%f\n' 2>/dev/null |
		sed 's/\.ko.*//' | sort | paste -sd' '
}
[ "$(mods "$old")" = "tdx-guest tsm" ]
result $? "for $old: our report core and tdx-guest (seen: $(mods "$old"))"
[ "$(mods "$new")" = "tdx-guest" ]
result $? "for $new: tdx-guest alone, on the kernel's own core (seen: $(mods "$new"))"
case $(in_root modinfo -k "$new" -F filename tdx-guest 2>"$log") in
*/updates/*) rc=0 ;;
*) rc=1 ;;
esac
result $rc "for $new: modprobe finds our tdx-guest, not the kernel's"
in_root modinfo -k "$new" -F depends tdx-guest 2>"$log" | tr ',' '\n' |
	grep -qx tsm
result $? "for $new: tdx-guest depends on the kernel's tsm module"

in_root dkms remove -m $package -v "$version" --all >"$log" 2>&1
result $? "dkms remove --all"

echo "1..$n"
exit "$failed"
