// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tdx_guest TSM provider: a TDREPORT turned into a quote by the VMM
 * through TDVMCALL<GetQuote>.
 *
 * One buffer, shared with the host, serves every request: it is allocated
 * and converted once at load, because converting pages back and forth for
 * each request splits the direct map and may fail late in the uptime. One
 * buffer means one request at a time, which quote generation (rare, and
 * slow on the host side anyway) can afford.
 *
 * Everything the host writes to the buffer is untrusted: the status and
 * length are read once, validated by tdx_quote_check_response(), and the
 * quote is copied to private memory before anyone looks at it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cc_platform.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/sched/signal.h>
#include <linux/set_memory.h>
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
 * While the interrupt is the completion signal, the waiter still looks at
 * the status at least this often, so that a lost (or early) interrupt
 * costs a second rather than the whole timeout.
 */
#define TDX_QUOTE_SAFETY_SLICE	HZ

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
		 "Polling mode: first delay between status checks, in ms (default 1)");

static unsigned int poll_max_ms = 100;
module_param_cb(poll_max_ms, &tdx_param_ms_ops, &poll_max_ms, 0644);
MODULE_PARM_DESC(poll_max_ms,
		 "Polling mode: longest delay between status checks, in ms (default 100)");

static bool tdx_quote_done(struct tdx_quote_buf *buf)
{
	return READ_ONCE(buf->status) != TDX_QUOTE_STATUS_IN_FLIGHT;
}

/*
 * Wait until the host leaves IN_FLIGHT, at most quote_timeout_ms. In
 * interrupt mode the event handler wakes us; in polling mode nobody does
 * and each slice is a backoff step, doubling from poll_min_ms up to
 * poll_max_ms. Both are killable.
 */
static int tdx_quote_wait(struct tdx_guest *tg)
{
	struct tdx_quote_buf *buf = tg->quote_buf;
	unsigned long deadline, now, left, slice;
	unsigned int poll_ms, poll_max;
	long ret;

	deadline = jiffies + msecs_to_jiffies(READ_ONCE(quote_timeout_ms));
	poll_ms = READ_ONCE(poll_min_ms);
	poll_max = max(READ_ONCE(poll_max_ms), poll_ms);

	for (;;) {
		/* A completion seen at the deadline still counts */
		if (tdx_quote_done(buf))
			return 0;
		now = jiffies;
		if (time_after_eq(now, deadline))
			return -ETIMEDOUT;
		left = deadline - now;

		if (tg->mode == TDX_COMPLETION_INTERRUPT) {
			slice = min_t(unsigned long, left,
				      TDX_QUOTE_SAFETY_SLICE);
		} else {
			slice = min(left, msecs_to_jiffies(poll_ms));
			poll_ms = min(poll_ms * 2, poll_max);
		}

		ret = wait_event_killable_timeout(tg->quote_wq,
						  tdx_quote_done(buf), slice);
		if (ret < 0)
			return -EINTR;
		if (ret > 0)
			return 0;
	}
}

/*
 * Hand the request in the shared buffer to the host and collect the quote.
 * Called with quote_lock held and the buffer filled in.
 */
static int tdx_quote_exchange(struct tdx_guest *tg, struct tsm_report *report)
{
	struct tdx_quote_buf *buf = tg->quote_buf;
	u64 vmcall_status, status;
	u32 out_len;
	long len;
	u8 *quote;
	int ret;

	lockdep_assert_held(&tg->quote_lock);

	/* Before the call: the host may signal completion before it returns */
	atomic_set(&tg->quote_pending, 1);

	/* GHCI wants the GPA with the shared bit, as the buffer is mapped */
	vmcall_status = tg->ops->vmcall_get_quote(cc_mkdec(virt_to_phys(buf)),
						  TDX_QUOTE_BUF_SIZE);
	if (vmcall_status != TDVMCALL_STATUS_SUCCESS) {
		pr_err_ratelimited("GetQuote TDVMCALL failed, status %#llx\n",
				   vmcall_status);
		ret = -EIO;
		goto idle;
	}

	/*
	 * Past this point the host owns the buffer until it writes a final
	 * status. A VMM without quoting service (QEMU) answers during the
	 * call itself and raises no interrupt: the first check in the wait
	 * sees that and does not sleep.
	 */
	ret = tdx_quote_wait(tg);
	if (ret) {
		/* Left to the host: later requests get EBUSY until it answers */
		tg->quote_abandoned = true;
		pr_warn_ratelimited("GetQuote request %s, the host keeps the buffer\n",
				    ret == -ETIMEDOUT ? "timed out" : "interrupted");
		goto idle;
	}

	status = READ_ONCE(buf->status);
	/*
	 * The host writes the response, then the status: read in reverse,
	 * so that a final status never comes with a stale length or quote.
	 */
	virt_rmb();
	out_len = READ_ONCE(buf->out_len);

	len = tdx_quote_check_response(status, out_len, TDX_QUOTE_BUF_SIZE);
	if (len < 0) {
		pr_debug("GetQuote failed: status %#llx, out_len %u\n",
			 status, out_len);
		ret = len;
		goto idle;
	}

	quote = kvmalloc(len, GFP_KERNEL);
	if (!quote) {
		ret = -ENOMEM;
		goto idle;
	}
	memcpy(quote, buf->data, len);
	report->outblob = quote;
	report->outblob_len = len;
	ret = 0;

idle:
	atomic_set(&tg->quote_pending, 0);
	return ret;
}

static int tdx_quote_get(struct tdx_guest *tg, struct tsm_report *report)
{
	struct tdx_quote_buf *buf = tg->quote_buf;
	u8 *reportdata, *tdreport;
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

	ret = mutex_lock_killable(&tg->quote_lock);
	if (ret)
		goto free_tdreport;

	if (tg->quote_abandoned) {
		if (!tdx_quote_done(buf)) {
			ret = -EBUSY;
			goto unlock;
		}
		tg->quote_abandoned = false;
	}

	ret = tdx_guest_mr_report(tg, reportdata, tdreport);
	if (ret)
		goto unlock;

	/* Nothing of an earlier request may reach the host again */
	memset(buf, 0, TDX_QUOTE_BUF_SIZE);
	buf->version = TDX_QUOTE_BUF_VERSION;
	buf->in_len = TDX_REPORT_SIZE;
	memcpy(buf->data, tdreport, TDX_REPORT_SIZE);

	ret = tdx_quote_exchange(tg, report);

unlock:
	mutex_unlock(&tg->quote_lock);
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
 * tdx_quote_init() - allocate and share the GetQuote buffer
 * @tg: the driver
 *
 * Return: 0, -ENOMEM, or the error of set_memory_decrypted().
 */
int tdx_quote_init(struct tdx_guest *tg)
{
	void *buf;
	int ret;

	mutex_init(&tg->quote_lock);
	init_waitqueue_head(&tg->quote_wq);
	atomic_set(&tg->quote_pending, 0);
	tg->quote_abandoned = false;

	buf = alloc_pages_exact(TDX_QUOTE_BUF_SIZE, GFP_KERNEL | __GFP_ZERO);
	if (!buf)
		return -ENOMEM;

	/* A no-op outside a TDX guest, where no memory is private */
	ret = set_memory_decrypted((unsigned long)buf,
				   TDX_QUOTE_BUF_SIZE >> PAGE_SHIFT);
	if (ret) {
		/*
		 * The pages may be partly shared now: the page allocator
		 * must never hand them out again, so they are leaked.
		 */
		pr_err("cannot share the GetQuote buffer (%d), leaking it\n",
		       ret);
		return ret;
	}

	tg->quote_buf = buf;
	return 0;
}

/**
 * tdx_quote_exit() - make the GetQuote buffer private again and free it
 * @tg: the driver
 *
 * The buffer is leaked instead when the host may still write to it (a
 * request abandoned to it has not completed) or when it cannot be made
 * private again.
 */
void tdx_quote_exit(struct tdx_guest *tg)
{
	void *buf = tg->quote_buf;

	tg->quote_buf = NULL;
	mutex_destroy(&tg->quote_lock);

	if (tg->quote_abandoned && !tdx_quote_done(buf)) {
		pr_warn("the host still owns the GetQuote buffer, leaking %u KiB\n",
			TDX_QUOTE_BUF_SIZE / SZ_1K);
		return;
	}
	if (set_memory_encrypted((unsigned long)buf,
				 TDX_QUOTE_BUF_SIZE >> PAGE_SHIFT)) {
		pr_warn("cannot make the GetQuote buffer private again, leaking %u KiB\n",
			TDX_QUOTE_BUF_SIZE / SZ_1K);
		return;
	}
	free_pages_exact(buf, TDX_QUOTE_BUF_SIZE);
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
