# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shell helpers of the VM suites (sourced by bash): TAP (tools/testing/
# lib/tap.sh), the paths of our modules and tools, loading and unloading,
# the quoting service, memory checks, and the C helpers' location.

core=$MODDIR/drivers/virt/coco/tsm/tsm.ko
test_provider=$MODDIR/tools/testing/selftests/tsm/tsm_test_provider.ko
emu=$MODDIR/tools/testing/tdx-emu/tdx_emu.ko
# The driver as DKMS installs it: it loads where the CPU is a TDX guest,
# here while tdx_emu.ko emulates its TDX module
drv=$MODDIR/drivers/virt/coco/tdx-guest/tdx-guest.ko
qgs=$TOOLSDIR/tdx-qgs
qgs_dir=/run/tdx-qgs
report=/sys/kernel/config/tsm/report
emu_dbg=/sys/kernel/debug/tdx_emu
drv_dbg=/sys/kernel/debug/tdx_guest
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/tap.sh"

# The configfs-tsm report core: ours (tsm.ko), built for kernels without
# one, or else the kernel's own (Kbuild.probe): tsm on 6.7 - 6.15,
# tsm_report on 6.16 and later. core_intree says which runs.
if [ -e "$core" ]; then
	core_intree=0 core_name=tsm
elif modinfo -n tsm_report >/dev/null 2>&1; then
	core_intree=1 core_name=tsm_report
else
	core_intree=1 core_name=tsm
fi

# Its outblob limit: 16 MiB in ours and from 7.0 on, 32 KiB in the in-tree
# cores of 6.7 - 6.19 (the quote tests expect EFBIG above it)
TSM_OUTBLOB_MAX=$((16 << 20))
if [ "$core_intree" = 1 ] && [ "$(uname -r | cut -d. -f1)" -lt 7 ]; then
	TSM_OUTBLOB_MAX=32768
fi
export TSM_OUTBLOB_MAX

# What a failed TDG.MR.REPORT gives (drivers/virt/coco/tdx-guest/
# tdx-tdcall.c): the errnos of the kernel's tdx_mcall_get_report0() where it
# exports one. That of 6.7 - 6.15 answers EINVAL for an invalid operand and
# EIO for busy, which the driver cannot tell from other errors and so does
# not retry; the one of 6.16 and later (exported with
# tdx_mcall_extend_rtmr()), and the driver's own TDCALL before 6.7, answer
# ENXIO, and EBUSY, retried a few times. TDX_REPORT_ERRNOS tells the C
# tests: old or new.
if grep -q ' __ksymtab_tdx_mcall_get_report0$' /proc/kallsyms &&
	! grep -q ' __ksymtab_tdx_mcall_extend_rtmr$' /proc/kallsyms; then
	TDX_REPORT_ERRNOS=old report_invalid_errno=EINVAL report_busy_errno=EIO
else
	TDX_REPORT_ERRNOS=new report_invalid_errno=ENXIO report_busy_errno=EBUSY
fi
export TDX_REPORT_ERRNOS

load_core() {
	if [ "$core_intree" = 1 ]; then
		modprobe "$core_name"
	else
		insmod "$core"
	fi
}

# counter FILE: a driver or emulator debugfs counter; fails (and prints
# NaN) when it cannot be read, so that two missing counters never compare
# equal
counter() {
	local v

	if read -r v <"$1" 2>/dev/null && [[ "$v" =~ ^-?[0-9]+$ ]]; then
		echo "$v"
	else
		echo NaN
		return 1
	fi
}

# mark_log, then new_log: the kernel log lines printed since the mark
mark_log() {
	log_mark=$(dmesg | wc -l)
}

log_mark=0
new_log() {
	dmesg | tail -n +"$((log_mark + 1))"
}

# suite_end MODULE...: run the suite's cleanup(), check that it left none
# of MODULE loaded, print the TAP plan and exit with the suite's status
suite_end() {
	local m left=0

	cleanup
	trap - EXIT
	for m; do
		loaded "$m" && left=1
	done
	result $left "all modules unload"
	echo "1..$n"
	exit "$failed"
}

# run_tap PREFIX CMD...: a helper printing 'ok - X' lines; its exit status
# counts too when it failed without saying which case
run_tap() {
	local prefix=$1 out rc

	shift
	out=$("$@" 2>&1)
	rc=$?
	import_tap "$prefix" <<<"$out"
	if [ $rc -ne 0 ] && ! grep -q '^not ok ' <<<"$out"; then
		result 1 "$prefix$(basename "$1") exited with $rc"
	fi
}

loaded() {
	grep -q "^$1 " /proc/modules
}

unload() {
	local m

	for m in "$@"; do
		loaded "$m" && rmmod "$m"
	done
}

remove_entries() {
	local d

	[ -d "$report" ] || return 0
	for d in "$report"/* "$report"/.[!.]*; do
		[ -d "$d" ] && rmdir "$d"
	done
	return 0
}

# find_prog DIR NAME: $TOOLSDIR/NAME, else built from DIR into /tmp
find_prog() {
	local dir=$1 name=$2 out=/tmp/suite-bin

	if [ -x "$TOOLSDIR/$name" ]; then
		echo "$TOOLSDIR/$name"
		return
	fi
	[ -x "$out/$name" ] ||
		make -s -C "$dir" OUT="$out" >"/tmp/suite-build.log" 2>&1 ||
		sed 's/^/# /' /tmp/suite-build.log >&2
	echo "$out/$name"
}

qgs_start() { # [extra tdx-qgs options]
	mkdir -p "$qgs_dir"
	"$qgs" --daemon --pidfile "$qgs_dir/pid" "$@" >>/tmp/tdx-qgs.log 2>&1
	for _ in $(seq 50); do
		[ -S "$qgs_dir/qgs.socket" ] && return 0
		sleep 0.1
	done
	return 1
}

qgs_stop() {
	local pid

	[ -f "$qgs_dir/pid" ] || return 0
	pid=$(cat "$qgs_dir/pid")
	kill "$pid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	rm -f "$qgs_dir/pid" "$qgs_dir/qgs.socket"
}

# knob NAME VALUE: set a fault knob (or pull a trigger) of the emulator
knob() {
	echo "$2" >"$emu_dbg/$1"
}

# in_flight_is N [SEC]: wait up to SEC (10) s until the emulated VMM holds
# N requests
in_flight_is() {
	local i

	for ((i = 0; i < ${2:-10} * 20; i++)); do
		[ "$(counter "$emu_dbg/quotes_in_flight")" = "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# wait_host_idle [SEC]: wait up to SEC (10) seconds for the emulator to own
# no request buffer; it lets one go only after its last write into it
wait_host_idle() {
	in_flight_is 0 "${1:-10}"
}

# The kernel's unreclaimable slab, in kB
slab_kb() {
	sed -n 's/^SUnreclaim: *\([0-9]*\) kB/\1/p' /proc/meminfo
}

settle_slab() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
}

# kmemleak_ours NAME: scan now; one TAP line NAME, failing on leaks of our
# modules. A kernel without kmemleak (every lane but debug) gets a SKIP,
# not an ok: nothing was checked there.
kmemleak_ours() {
	local k=/sys/kernel/debug/kmemleak

	if [ ! -e $k ]; then
		skip "$1" "no kmemleak in this kernel"
		return 0
	fi
	# kmemleak reports objects only once they are 5 s old
	sleep 6
	if ! echo scan >$k; then
		result 1 "$1 (the scan failed)"
		return 1
	fi
	if grep -Eq 'tsm|tdx' $k; then
		sed -n '1,40s/^/# /p' $k
		result 1 "$1"
		return 1
	fi
	result 0 "$1"
}

# mount_fs: configfs, debugfs and the /dev/fd that bats' process
# substitutions need
mount_fs() {
	modprobe configfs 2>/dev/null
	[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
	mountpoint -q /sys/kernel/config ||
		mount -t configfs configfs /sys/kernel/config
	mountpoint -q /sys/kernel/debug ||
		mount -t debugfs debugfs /sys/kernel/debug
}
