// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tdx_guest TSM provider: a TDREPORT turned into a quote by the VMM
 * through TDVMCALL<GetQuote>.
 *
 * Each request has a buffer of its own from the pool (tdx-quote-pool.c),
 * so up to quote_buffers requests are with the host at once: a quoting
 * service signs them in parallel, and a slow one delays nobody else. A
 * host that takes no more requests for now answers RETRY, and the request
 * tries again on the polling schedule.
 *
 * Everything the host writes to the buffer is untrusted: the status is
 * read once, the length once it is final, both validated by
 * tdx_quote_check_response(); the quote is copied to private memory and
 * must carry the request's REPORTDATA before anyone looks at it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cc_platform.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <coco-tsm/tsm-provider.h>
#include <asm/barrier.h>
#include <asm/coco.h>

#include "tdx-guest.h"
#include "tdx-quote-check.h"

/* Upper bound of the millisecond parameters: ten minutes */
#define TDX_PARAM_MS_MAX	(10 * 60 * MSEC_PER_SEC)

/*
 * QEMU writes status and out_len with one unordered copy, so a final
 * status may be seen before its out_len: a SUCCESS with out_len 0 is read
 * again for this long before it counts as an empty quote.
 */
#define TDX_QUOTE_SETTLE_MS	20

static int tdx_param_set_ms(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, TDX_PARAM_MS_MAX);
}

static const struct kernel_param_ops tdx_param_ms_ops = {
	.set = tdx_param_set_ms,
	.get = param_get_uint,
};

static unsigned int quote_timeout_ms = 30 * MSEC_PER_SEC;
module_param_cb(quote_timeout_ms, &tdx_param_ms_ops, &quote_timeout_ms, 0644);
MODULE_PARM_DESC(quote_timeout_ms,
		 "How long a quote request waits for the host, in ms (default 30000)");

static unsigned int poll_min_ms = 1;
module_param_cb(poll_min_ms, &tdx_param_ms_ops, &poll_min_ms, 0644);
MODULE_PARM_DESC(poll_min_ms,
		 "First delay between status checks, in ms (default 1)");

static unsigned int poll_max_ms = 100;
module_param_cb(poll_max_ms, &tdx_param_ms_ops, &poll_max_ms, 0644);
MODULE_PARM_DESC(poll_max_ms,
		 "Longest delay between status checks, in ms (default 100)");

static int tdx_param_set_buffers(const char *val,
				 const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, TDX_QUOTE_MAX_BUFFERS);
}

static const struct kernel_param_ops tdx_param_buffers_ops = {
	.set = tdx_param_set_buffers,
	.get = param_get_uint,
};

/*
 * Half of what QEMU takes from one guest: 1 MiB shared, and room at the
 * host for the buffers of abandoned requests, which it still counts.
 */
static unsigned int quote_buffers = 8;
module_param_cb(quote_buffers, &tdx_param_buffers_ops, &quote_buffers, 0444);
MODULE_PARM_DESC(quote_buffers,
		 "GetQuote requests in flight at once, each with a 128 KiB buffer shared with the host, 1..16 (default 8)");

/* The polling schedule: doubling from poll_min_ms up to poll_max_ms */
static unsigned int tdx_quote_poll_next(unsigned int *poll_ms)
{
	unsigned int now = *poll_ms;

	*poll_ms = min(now * 2, max(READ_ONCE(poll_max_ms), now));
	return now;
}

/*
 * Wait until the host leaves IN_FLIGHT on the slot's buffer, at most
 * quote_timeout_ms, and return the final status it wrote in @status, read
 * once. The status is checked on the polling schedule in both modes: in
 * interrupt mode the event handler wakes us at once, and a late or lost
 * interrupt costs no more than polling would. Killable; module unload
 * ends the wait too.
 */
static int tdx_quote_wait(struct tdx_guest *tg, struct tdx_quote_slot *slot,
			  u64 *status)
{
	struct tdx_quote_buf *buf = slot->buf;
	unsigned long deadline, now, slice;
	unsigned int poll_ms;
	long ret;

	deadline = jiffies + msecs_to_jiffies(READ_ONCE(quote_timeout_ms));
	poll_ms = READ_ONCE(poll_min_ms);

	for (;;) {
		/* A completion seen at the deadline still counts */
		*status = READ_ONCE(buf->status);
		if (*status != TDX_QUOTE_STATUS_IN_FLIGHT)
			break;
		if (READ_ONCE(tg->quote_dying))
			return -ENXIO;
		now = jiffies;
		if (time_after_eq(now, deadline))
			return -ETIMEDOUT;

		slice = min(deadline - now,
			    msecs_to_jiffies(tdx_quote_poll_next(&poll_ms)));
		ret = wait_event_killable_timeout(slot->wq,
						  tdx_quote_buf_done(buf) ||
						  READ_ONCE(tg->quote_dying),
						  slice);
		if (ret < 0)
			return -EINTR;
	}

	/*
	 * A status check got there first: give the interrupt a jiffy to
	 * show up, then count a completion it did not announce.
	 */
	if (READ_ONCE(tg->mode) == TDX_COMPLETION_INTERRUPT &&
	    !READ_ONCE(slot->announced) &&
	    !wait_event_timeout(slot->wq, READ_ONCE(slot->announced), 1))
		atomic_inc(&tg->stats.completions_by_check);
	return 0;
}

/*
 * The length of the response, once it is there: see TDX_QUOTE_SETTLE_MS.
 * Only out_len is read again; the status stays the one read once.
 */
static u32 tdx_quote_out_len(struct tdx_quote_buf *buf, u64 status)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(TDX_QUOTE_SETTLE_MS);
	u32 out_len;

	for (;;) {
		/* The host writes the response before its final status */
		virt_rmb();
		out_len = READ_ONCE(buf->out_len);
		if (out_len || status != TDX_QUOTE_STATUS_SUCCESS ||
		    time_after(jiffies, deadline))
			return out_len;
		usleep_range(100, 200);
	}
}

/* Nothing of an earlier request, nor what a host wrote, may reach it again */
static void tdx_quote_buf_fill(struct tdx_quote_buf *buf, const u8 *tdreport)
{
	memset(buf, 0, TDX_QUOTE_BUF_SIZE);
	buf->version = TDX_QUOTE_BUF_VERSION;
	buf->in_len = TDX_REPORT_SIZE;
	memcpy(buf->data, tdreport, TDX_REPORT_SIZE);
}

/*
 * Hand the TDREPORT to the host in the slot's buffer. A host with as many
 * requests in flight as it takes answers RETRY: try again on the polling
 * schedule, until quote_timeout_ms has passed (EBUSY). Killable; module
 * unload ends the retries too.
 */
static int tdx_quote_submit(struct tdx_guest *tg, struct tdx_quote_slot *slot,
			    const u8 *tdreport)
{
	struct tdx_quote_buf *buf = slot->buf;
	unsigned long deadline, now, slice;
	unsigned int poll_ms;
	u64 vmcall_status;
	long ret;

	deadline = jiffies + msecs_to_jiffies(READ_ONCE(quote_timeout_ms));
	poll_ms = READ_ONCE(poll_min_ms);

	for (;;) {
		tdx_quote_buf_fill(buf, tdreport);
		/* Before the call: the host may signal completion before it returns */
		tdx_quote_slot_submit(tg, slot);
		vmcall_status = tdx_tdcall_get_quote((u8 *)buf,
						     TDX_QUOTE_BUF_SIZE);
		if (vmcall_status == TDVMCALL_STATUS_SUCCESS)
			return 0;
		tdx_quote_slot_done(tg, slot);
		if (vmcall_status != TDVMCALL_STATUS_RETRY) {
			pr_err_ratelimited("GetQuote TDVMCALL failed, status %#llx\n",
					   vmcall_status);
			return -EIO;
		}

		atomic_inc(&tg->stats.quote_retries);
		now = jiffies;
		if (time_after_eq(now, deadline))
			return -EBUSY;
		slice = min(deadline - now,
			    msecs_to_jiffies(tdx_quote_poll_next(&poll_ms)));
		ret = wait_event_killable_timeout(slot->wq,
						  READ_ONCE(tg->quote_dying),
						  slice);
		if (ret < 0)
			return -EINTR;
		if (ret > 0)
			return -ENXIO;
	}
}

/*
 * The slot's request, from the TDREPORT to the quote: hand it to the host,
 * wait, and take the quote into private memory if it is the one for
 * @reportdata.
 */
static int tdx_quote_exchange(struct tdx_guest *tg,
			      struct tdx_quote_slot *slot,
			      struct tsm_report *report,
			      const u8 *reportdata, const u8 *tdreport)
{
	struct tdx_quote_buf *buf = slot->buf;
	u64 status;
	u32 out_len;
	long len;
	u8 *quote;
	int ret;

	ret = tdx_quote_submit(tg, slot, tdreport);
	if (ret)
		return ret;

	/*
	 * Past this point the host owns the buffer until it writes a final
	 * status. A VMM without quoting service (QEMU) answers during the
	 * call itself and raises no interrupt: the first check in the wait
	 * sees that and does not sleep.
	 */
	ret = tdx_quote_wait(tg, slot, &status);
	if (ret) {
		tdx_quote_slot_abandon(tg, slot);
		pr_warn_ratelimited("GetQuote request %s, the host keeps its buffer\n",
				    ret == -ETIMEDOUT ? "timed out" :
				    ret == -EINTR ? "interrupted" : "abandoned");
		return ret;
	}
	tdx_quote_slot_done(tg, slot);

	out_len = tdx_quote_out_len(buf, status);
	len = tdx_quote_check_response(status, out_len, TDX_QUOTE_BUF_SIZE);
	if (len < 0) {
		pr_debug("GetQuote failed: status %#llx, out_len %u\n",
			 status, out_len);
		return len;
	}

	quote = kvmalloc(len, GFP_KERNEL);
	if (!quote)
		return -ENOMEM;
	/* Checked in private memory, where the host cannot change it */
	memcpy(quote, buf->data, len);
	ret = tdx_quote_check_reportdata(quote, len, reportdata);
	if (ret) {
		atomic_inc(&tg->stats.quotes_mismatched);
		pr_warn_ratelimited("the host returned a quote that is not for this request's REPORTDATA\n");
		kvfree(quote);
		return ret;
	}
	report->outblob = quote;
	report->outblob_len = len;
	return 0;
}

static int tdx_quote_get(struct tdx_guest *tg, struct tsm_report *report)
{
	struct tdx_quote_slot *slot;
	u8 *reportdata, *tdreport;
	unsigned long deadline;
	int ret;

	if (report->desc.inblob_len != TDX_REPORTDATA_SIZE)
		return -EINVAL;

	/* Private, naturally aligned copies for TDG.MR.REPORT */
	reportdata = kmemdup(report->desc.inblob, TDX_REPORTDATA_SIZE,
			     GFP_KERNEL);
	if (!reportdata)
		return -ENOMEM;
	tdreport = kmalloc(TDX_REPORT_SIZE, GFP_KERNEL);
	if (!tdreport) {
		ret = -ENOMEM;
		goto free_reportdata;
	}

	/*
	 * Every slot is held by a request that waits for the host at most
	 * quote_timeout_ms: waiting as long for one to come free is enough.
	 */
	deadline = jiffies + msecs_to_jiffies(READ_ONCE(quote_timeout_ms));
	slot = tdx_quote_slot_get(tg, deadline);
	if (IS_ERR(slot)) {
		ret = PTR_ERR(slot);
		goto free_tdreport;
	}
	ret = tdx_quote_slot_buf_get(tg, slot);
	if (ret)
		goto put_slot;

	ret = tdx_guest_mr_report(tg, reportdata, tdreport);
	if (ret)
		goto put_slot;

	ret = tdx_quote_exchange(tg, slot, report, reportdata, tdreport);

put_slot:
	tdx_quote_slot_put(tg, slot);
free_tdreport:
	kfree(tdreport);
free_reportdata:
	kfree(reportdata);
	return ret;
}

static int tdx_report_new(struct tsm_report *report, void *data)
{
	struct tdx_guest *tg = data;
	int ret;

	ret = tdx_quote_get(tg, report);
	if (ret)
		atomic_inc(&tg->stats.quotes_failed);
	else
		atomic_inc(&tg->stats.quotes_ok);
	return ret;
}

#ifdef COCO_TSM_HAS_VISIBILITY
static bool tdx_report_attr_visible(int n)
{
	switch (n) {
	case TSM_REPORT_GENERATION:
	case TSM_REPORT_PROVIDER:
		return true;
	default:
		return false;
	}
}

static bool tdx_report_bin_attr_visible(int n)
{
	switch (n) {
	case TSM_REPORT_INBLOB:
	case TSM_REPORT_OUTBLOB:
		return true;
	default:
		return false;
	}
}

#endif

static const struct coco_tsm_ops tdx_tsm_ops = {
	.name = KBUILD_MODNAME,
	.report_new = tdx_report_new,
	COCO_TSM_VISIBILITY(tdx_report_attr_visible,
			    tdx_report_bin_attr_visible)
};

/**
 * tdx_quote_init() - allocate and share the GetQuote buffers
 * @tg: the driver
 *
 * The pool has quote_buffers of them.
 *
 * Return: 0 or -ENOMEM.
 */
int tdx_quote_init(struct tdx_guest *tg)
{
	tg->quote_dying = false;
	return tdx_quote_pool_init(tg, quote_buffers);
}

/**
 * tdx_quote_abort() - end the wait of every request, for module unload
 * @tg: the driver
 *
 * A request waiting for the host returns ENXIO at once and leaves its
 * buffer to the host; later ones fail with ENXIO too. Without this,
 * unloading would wait for the host up to quote_timeout_ms.
 */
void tdx_quote_abort(struct tdx_guest *tg)
{
	unsigned int i;

	WRITE_ONCE(tg->quote_dying, true);
	tdx_quote_pool_abort(tg);
	for (i = 0; i < tg->quote_nr_slots; i++)
		wake_up_all(&tg->quote_slots[i].wq);
}

/**
 * tdx_quote_exit() - make the GetQuote buffers private again and free them
 * @tg: the driver
 *
 * After the provider is unregistered: no request is left. A buffer is
 * leaked instead when the host may still write to it (a request abandoned
 * to it has not completed) or when it cannot be made private again.
 */
void tdx_quote_exit(struct tdx_guest *tg)
{
	tdx_quote_pool_exit(tg);
}

/**
 * tdx_quote_register() - register the tdx_guest TSM provider
 * @tg: the driver, handed back to each report request
 *
 * Registers with our report core, or with the kernel's own where it has
 * one (include/coco-tsm/tsm-provider.h).
 *
 * Return: 0 or the error of the core's registration.
 */
int tdx_quote_register(struct tdx_guest *tg)
{
	return coco_tsm_register(&tdx_tsm_ops, tg);
}

/**
 * tdx_quote_unregister() - unregister the tdx_guest TSM provider
 * @tg: the driver
 */
void tdx_quote_unregister(struct tdx_guest *tg)
{
	int ret = coco_tsm_unregister(&tdx_tsm_ops);

	if (ret)
		pr_err("tsm_unregister failed (%d)\n", ret);
}
