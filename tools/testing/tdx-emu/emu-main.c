// SPDX-License-Identifier: GPL-2.0-only
/*
 * TDX platform emulator: module entry points.
 */
#include <linux/debugfs.h>
#include <linux/module.h>

#include "emu.h"

/**
 * DOC: TDX platform emulator
 *
 * tdx_emu.ko stands in for the TDX module and the host VMM on machines
 * without TDX, so that an unmodified tdx-guest driver, ours or the
 * kernel's, runs on any x86 VM. It emulates the TDCALL instruction
 * (emu-tdcall.c): TDG.MR.REPORT and TDG.MR.RTMR.EXTEND against emulated
 * measurement registers, and the GetQuote, GetTdVmCallInfo and
 * SetupEventNotifyInterrupt TDVMCALLs. GetQuote forwards the TDREPORT to a
 * quoting service speaking the QGS protocol on a unix socket and signals
 * completion with a real interrupt through the local APIC. Root steers it,
 * and injects the faults of a hostile host, through
 * /sys/kernel/debug/tdx_emu/ (see README.md).
 */

char *tdx_emu_qgs_socket = "/run/tdx-qgs/qgs.socket";
module_param_named(qgs_socket, tdx_emu_qgs_socket, charp, 0644);
MODULE_PARM_DESC(qgs_socket,
		 "unix socket of the quoting service (QGS protocol)");

static struct dentry *tdx_emu_debugfs;

static int __init tdx_emu_init(void)
{
	int rc;

	rc = tdx_emu_report_init();
	if (rc)
		return rc;

	rc = tdx_emu_quote_init();
	if (rc)
		goto exit_report;

	tdx_emu_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	tdx_emu_report_debugfs_init(tdx_emu_debugfs);
	tdx_emu_faults_debugfs_init(tdx_emu_debugfs);

	/* Last: from here on a TDCALL reaches all of the above */
	rc = tdx_emu_tdcall_init();
	if (rc)
		goto remove_debugfs;

	pr_info("TDX platform emulator ready, quoting service at %s\n",
		tdx_emu_qgs_socket);
	return 0;

remove_debugfs:
	debugfs_remove_recursive(tdx_emu_debugfs);
	tdx_emu_quote_exit();
exit_report:
	tdx_emu_report_exit();
	return rc;
}

static void __exit tdx_emu_exit(void)
{
	tdx_emu_tdcall_exit();
	/*
	 * Remove the files first: debugfs waits for running handlers, and
	 * none of them can start a request or an interrupt afterwards.
	 */
	debugfs_remove_recursive(tdx_emu_debugfs);
	tdx_emu_quote_exit();
	tdx_emu_report_exit();
}

module_init(tdx_emu_init);
module_exit(tdx_emu_exit);

MODULE_DESCRIPTION("TDX platform emulator (TDX module, VMM, quoting bridge)");
MODULE_LICENSE("GPL");
