#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own tdx_guest as the oracle (kernels 6.7 and later, which
# have one: the k612 and k7 lanes). Under the TDX platform emulator, which
# answers the instruction both drivers issue, the in-tree module, unchanged,
# and ours are loaded in turn and observed by tdx_abi_probe: the report
# entry's files and modes, the provider, inblob sizes, a quote, generation
# and caching, /dev/tdx_guest's TDX_CMD_GET_REPORT0, the measurement
# registers, and what each makes of a hostile host's status and out_len.
# Every observation on which they differ must be listed, with ours' value,
# among the differences in
# Documentation/ABI/testing/configfs-tsm-report-tdx_guest, or it fails.
# Prints TAP, exits non-zero on any failure.

set -u

here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/suite-lib.sh"
probe=$(find_prog "$here" tdx_abi_probe)
tdx_quote=$TOOLSDIR/tdx-quote
abi_doc=$COCO_TOP/Documentation/ABI/testing/configfs-tsm-report-tdx_guest
out=/tmp/tdx-diff

cleanup() {
	remove_entries
	unload tdx_guest tdx_emu "$core_name"
	qgs_stop
}
trap cleanup EXIT

# The hostile host's answers each driver is asked to make sense of: the
# key of the observation, then the emulator's knobs (set before, undone
# after)
hostile=(
	"host-status-service-unavailable force_status=0x8000000000000001 force_status_enable=1"
	"host-status-error force_status=0x8000000000000000 force_status_enable=1"
	"host-empty-quote force_out_len=0 force_out_len_enable=1"
	"host-out-len-beyond-buffer force_out_len=4294967295 force_out_len_enable=1"
	"host-other-requests-quote stale_quote=1"
	"host-refuses-getquote refuse_get_quote=1"
	"host-answers-at-once-unavailable sync_unavailable=1"
	"tdx-module-report-invalid report_invalid=1"
	"tdx-module-report-busy report_busy=1000"
)

# From 6.16 the kernel's driver turns a failing TDG.MR.REPORT into a kernel
# WARNING (its module carries the format), which fails any run here: those
# rows are not asked of it, and it is observed as WARN
upstream_warns=0
f=$(modinfo -n tdx_guest 2>/dev/null) &&
	xz -dcf "$f" | grep -aq 'tdx_mcall_get_report0() failed' &&
	upstream_warns=1

knobs() { # knobs set|reset KNOB=VALUE...
	local how=$1 kv

	shift
	for kv; do
		if [ "$how" = set ]; then
			knob "${kv%%=*}" "${kv#*=}"
		else
			knob "${kv%%=*}" 0
		fi
	done
}

# observe IMPL: every observation of the driver loaded now, "key: value"
# lines
observe() {
	local row key

	"$probe" abi
	for row in "${hostile[@]}"; do
		read -r key row <<<"$row"
		if [ "$1" = upstream ] && [ $upstream_warns = 1 ] &&
			[[ $key == tdx-module-* ]]; then
			echo "$key: WARN"
			continue
		fi
		# shellcheck disable=SC2086 # one word per knob
		knobs set $row
		"$probe" quote "$key"
		# shellcheck disable=SC2086
		knobs reset $row
	done
}

# listed LINE: the ABI doc lists LINE, ours' observation, among the
# differences from the kernel's driver
listed() {
	sed -n 's/^[[:space:]]*//p' "$abi_doc" | grep -qxF -- "$1"
}

mount_fs
mkdir -p "$out"
load_core && insmod "$emu"
result $? "load the kernel's report core ($core_name) and tdx_emu.ko"
qgs_start
result $? "tdx-qgs is up"
modinfo -n tdx_guest >/dev/null 2>&1
result $? "the kernel has its own tdx_guest module"

for impl in upstream ours; do
	echo "# $impl's tdx_guest"
	remove_entries
	tdcalls=$(counter "$emu_dbg/tdcalls")
	if [ "$impl" = upstream ]; then
		modprobe tdx_guest
	else
		insmod "$drv"
	fi
	result $? "$impl: loads under the emulator"
	[ "$(counter "$emu_dbg/tdcalls")" -ge "$tdcalls" ] &&
		[ -c /dev/tdx_guest ]
	result $? "$impl: /dev/tdx_guest, and the emulator sees its TDCALLs"

	# A quote a verifier accepts, for a nonce of our choosing
	mkdir "$report/v"
	head -c 64 /dev/urandom >"$out/nonce.bin"
	cat "$out/nonce.bin" >"$report/v/inblob" &&
		cat "$report/v/outblob" >"$out/quote-$impl.bin" &&
		"$tdx_quote" verify --root /var/lib/tdx-qgs/root-ca.pem \
			--nonce-file "$out/nonce.bin" "$out/quote-$impl.bin" \
			>"$out/verify-$impl.log" 2>&1
	result $? "$impl: a quote through configfs verifies, nonce as REPORTDATA"
	sed 's/^/#   /' "$out/verify-$impl.log" | tail -n 3
	rmdir "$report/v"

	observe "$impl" >"$out/$impl"
	result $? "$impl: tdx_abi_probe ran"
	[ "$(counter "$emu_dbg/tdcalls")" -gt "$tdcalls" ]
	result $? "$impl: every quote and report went through TDCALL"

	remove_entries
	unload tdx_guest
	result $? "$impl: unloads"
done

echo "# upstream against ours"
keys=$(cut -d: -f1 "$out/upstream" "$out/ours" | sort -u)
for key in $keys; do
	a=$(grep -m1 "^$key: " "$out/upstream" | cut -d' ' -f2-)
	b=$(grep -m1 "^$key: " "$out/ours" | cut -d' ' -f2-)
	if [ "$a" = "$b" ]; then
		result 0 "$key: the same ($a)"
	elif listed "$key: $b"; then
		result 0 "$key: upstream '$a', ours '$b', a listed difference"
	else
		result 1 "$key: upstream '$a', ours '$b', not so in the ABI doc's list of differences"
	fi
done
[ -n "$keys" ]
result $? "there were observations to compare"

suite_end tdx_guest tdx_emu
