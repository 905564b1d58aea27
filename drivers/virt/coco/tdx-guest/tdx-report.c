// SPDX-License-Identifier: GPL-2.0-only
/*
 * TDG.MR.REPORT: the TDREPORT of this TD, for the ioctl and for GetQuote.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/io.h>
#include <linux/printk.h>

#include "tdx-guest.h"

static int tdx_report_status_to_errno(u64 status)
{
	if (status == TDX_SUCCESS)
		return 0;

	switch (TDX_STATUS_CLASS(status)) {
	case TDX_STATUS_CLASS(TDX_OPERAND_INVALID):
		return -EINVAL;
	case TDX_STATUS_CLASS(TDX_OPERAND_BUSY):
		/* Another vCPU holds the RTMR lock: the caller may retry */
		return -EBUSY;
	default:
		return -EIO;
	}
}

/**
 * tdx_guest_mr_report() - get the TDREPORT for a REPORTDATA
 * @tg: the driver
 * @reportdata: %TDX_REPORTDATA_SIZE bytes of REPORTDATA
 * @tdreport: where to store the %TDX_REPORT_SIZE bytes of TDREPORT
 *
 * The TDX module wants both buffers in private memory at their natural
 * alignment: pass kmalloc()ed buffers of exactly these sizes (kmalloc()
 * aligns power-of-two sizes naturally), never user or shared memory.
 *
 * Return: 0, or -EINVAL, -EBUSY, -EIO as the TDX module status says
 * (invalid operand, busy, anything else).
 */
int tdx_guest_mr_report(struct tdx_guest *tg, u8 *reportdata,
			u8 *tdreport)
{
	u64 status;
	int ret;

	status = tg->ops->mr_report(virt_to_phys(tdreport),
				    virt_to_phys(reportdata),
				    TDX_REPORT_SUBTYPE_0);
	ret = tdx_report_status_to_errno(status);
	if (ret)
		pr_err_ratelimited("TDG.MR.REPORT failed, status %#llx\n",
				   status);
	return ret;
}
