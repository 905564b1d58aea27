// SPDX-License-Identifier: GPL-2.0-only
/*
 * TDG.MR.REPORT and TDG.MR.RTMR.EXTEND: the TDREPORT of this TD, for the
 * ioctl, for GetQuote and for the measurements files, and the extension
 * of its run-time measurement registers.
 */

#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "tdx-guest.h"

/*
 * TDG.MR.REPORT answers busy while another vCPU (or another kernel user of
 * the TDX module) extends an RTMR: an extend takes microseconds, so a few
 * short waits cover it. A register that stays busy beyond them is reported
 * as -EBUSY. (The helper of 6.7 - 6.15 kernels says -EIO for busy: there
 * the first answer stands.)
 */
#define TDX_REPORT_BUSY_TRIES		8
#define TDX_REPORT_BUSY_WAIT_MIN_US	50
#define TDX_REPORT_BUSY_WAIT_MAX_US	100

/**
 * __tdx_guest_mr_report() - get the TDREPORT for a REPORTDATA, locked
 * @tg: the driver, with @tg->mr_lock held
 * @reportdata: %TDX_REPORTDATA_SIZE bytes of REPORTDATA
 * @tdreport: where to store the %TDX_REPORT_SIZE bytes of TDREPORT
 *
 * As tdx_guest_mr_report(), for a caller that holds @tg->mr_lock.
 *
 * Return: 0, or the errno of tdx_tdcall_report0().
 */
int __tdx_guest_mr_report(struct tdx_guest *tg, u8 *reportdata,
			  u8 *tdreport)
{
	unsigned int tries = 0;
	int ret;

	lockdep_assert_held(&tg->mr_lock);

	for (;;) {
		ret = tdx_tdcall_report0(reportdata, tdreport);
		if (ret != -EBUSY || ++tries == TDX_REPORT_BUSY_TRIES)
			return ret;
		usleep_range(TDX_REPORT_BUSY_WAIT_MIN_US,
			     TDX_REPORT_BUSY_WAIT_MAX_US);
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
 * The driver's own extends never overlap a report (@tg->mr_lock); a busy
 * answer, from an extend elsewhere in the TD, is retried a few times.
 *
 * Return: 0, or the errno of tdx_tdcall_report0(): -ENXIO (-EINVAL
 * before 6.16) for an invalid operand, -EBUSY if still busy after the
 * retries, -EIO for anything else.
 */
int tdx_guest_mr_report(struct tdx_guest *tg, u8 *reportdata,
			u8 *tdreport)
{
	int ret;

	mutex_lock(&tg->mr_lock);
	ret = __tdx_guest_mr_report(tg, reportdata, tdreport);
	mutex_unlock(&tg->mr_lock);
	return ret;
}

/**
 * __tdx_guest_rtmr_extend() - extend a run-time measurement register
 * @tg: the driver, with @tg->mr_lock held
 * @index: the RTMR, 0 to %TDX_NUM_RTMRS - 1
 * @data: the %TDX_MR_SIZE bytes to extend it with
 *
 * TDG.MR.RTMR.EXTEND: RTMR[@index] = SHA384(RTMR[@index] || @data). The
 * TDX module reads @data from private memory at a 64-byte boundary: it is
 * copied to @tg->mr_extend_data first. A busy answer is not retried: the
 * register was not extended and the caller says so.
 *
 * Return: 0, -EINVAL (no such RTMR), or the errno of
 * tdx_tdcall_extend_rtmr(): -ENXIO (invalid operand), -EBUSY (RTMR lock
 * held elsewhere), -EIO (any other TDX module status).
 */
int __tdx_guest_rtmr_extend(struct tdx_guest *tg, unsigned int index,
			    const u8 *data)
{
	lockdep_assert_held(&tg->mr_lock);

	if (index >= TDX_NUM_RTMRS)
		return -EINVAL;

	memcpy(tg->mr_extend_data, data, TDX_MR_SIZE);
	return tdx_tdcall_extend_rtmr(index, tg->mr_extend_data);
}
