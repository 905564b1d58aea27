// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tdx_guest TSM provider: a TDREPORT turned into a quote by the VMM
 * through TDVMCALL<GetQuote>.
 *
 * One buffer, shared with the host, serves every request: it is allocated
 * and converted once at load, because converting pages back and forth for
 * each request splits the direct map and may fail late in the uptime. One
 * buffer means one request at a time. A request the host does not answer
 * in time leaves its buffer to the host; the next request gets a fresh
 * one, up to TDX_QUOTE_MAX_ABANDONED of them.
 *
 * Everything the host writes to the buffer is untrusted: the status is
 * read once, the length once it is final, both validated by
 * tdx_quote_check_response(); the quote is copied to private memory and
 * must carry the request's REPORTDATA before anyone looks at it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cc_platform.h>
#include <linux/delay.h>
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

static bool tdx_quote_done(struct tdx_quote_buf *buf)
{
	return READ_ONCE(buf->status) != TDX_QUOTE_STATUS_IN_FLIGHT;
}

/*
 * Wait until the host leaves IN_FLIGHT, at most quote_timeout_ms, and
 * return the final status it wrote in @status, read once. The status is
 * checked on a backoff schedule, doubling from poll_min_ms up to
 * poll_max_ms, in both modes: in interrupt mode the event handler wakes
 * us at once, and a late or lost interrupt costs no more than polling
 * would. Killable; module unload ends the wait too.
 */
static int tdx_quote_wait(struct tdx_guest *tg, struct tdx_quote_buf *buf,
			  u64 *status)
{
	unsigned long deadline, now, slice;
	unsigned int poll_ms, poll_max;
	long ret;

	deadline = jiffies + msecs_to_jiffies(READ_ONCE(quote_timeout_ms));
	poll_ms = READ_ONCE(poll_min_ms);
	poll_max = max(READ_ONCE(poll_max_ms), poll_ms);

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

		slice = min(deadline - now, msecs_to_jiffies(poll_ms));
		poll_ms = min(poll_ms * 2, poll_max);
		ret = wait_event_killable_timeout(tg->quote_wq,
						  tdx_quote_done(buf) ||
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
	    !atomic_read(&tg->quote_irq_seen) &&
	    !wait_event_timeout(tg->quote_wq,
				atomic_read(&tg->quote_irq_seen), 1))
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

/*
 * Leave @buf to the host, which may still write it. There is room: a
 * current buffer exists only while fewer than TDX_QUOTE_MAX_ABANDONED
 * are with the host (tdx_quote_buf_get()).
 */
static void tdx_quote_abandon(struct tdx_guest *tg, struct tdx_quote_buf *buf)
{
	lockdep_assert_held(&tg->quote_lock);

	tg->quote_abandoned[tg->quote_nr_abandoned++] = buf;
	tg->quote_buf = NULL;
}

/*
 * Hand the request in the shared buffer to the host and collect the quote.
 * Called with quote_lock held and the buffer filled in.
 */
static int tdx_quote_exchange(struct tdx_guest *tg, struct tsm_report *report,
			      const u8 *reportdata)
{
	struct tdx_quote_buf *buf = tg->quote_buf;
	u64 vmcall_status, status;
	u32 out_len;
	long len;
	u8 *quote;
	int ret;

	lockdep_assert_held(&tg->quote_lock);

	/* Before the call: the host may signal completion before it returns */
	atomic_set(&tg->quote_irq_seen, 0);
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
	ret = tdx_quote_wait(tg, buf, &status);
	if (ret) {
		tdx_quote_abandon(tg, buf);
		pr_warn_ratelimited("GetQuote request %s, the host keeps its buffer\n",
				    ret == -ETIMEDOUT ? "timed out" :
				    ret == -EINTR ? "interrupted" : "abandoned");
		goto idle;
	}

	out_len = tdx_quote_out_len(buf, status);
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
	/* Checked in private memory, where the host cannot change it */
	memcpy(quote, buf->data, len);
	ret = tdx_quote_check_reportdata(quote, len, reportdata);
	if (ret) {
		atomic_inc(&tg->stats.quotes_mismatched);
		pr_warn_ratelimited("the host returned a quote that is not for this request's REPORTDATA\n");
		kvfree(quote);
		goto idle;
	}
	report->outblob = quote;
	report->outblob_len = len;

idle:
	atomic_set(&tg->quote_pending, 0);
	return ret;
}

/* A new buffer shared with the host, or NULL */
static struct tdx_quote_buf *tdx_quote_buf_alloc(void)
{
	void *buf;
	int ret;

	buf = alloc_pages_exact(TDX_QUOTE_BUF_SIZE, GFP_KERNEL | __GFP_ZERO);
	if (!buf)
		return NULL;

	/* A no-op outside a TDX guest, where no memory is private */
	ret = set_memory_decrypted((unsigned long)buf,
				   TDX_QUOTE_BUF_SIZE >> PAGE_SHIFT);
	if (ret) {
		/*
		 * The pages may be partly shared now: the page allocator
		 * must never hand them out again, so they are leaked.
		 */
		pr_err("cannot share a GetQuote buffer (%d), leaking it\n",
		       ret);
		return NULL;
	}
	return buf;
}

/* Make @buf private again and free it, or leak it if the host owns it */
static void tdx_quote_buf_free(struct tdx_quote_buf *buf)
{
	if (!tdx_quote_done(buf)) {
		pr_warn("the host still owns a GetQuote buffer, leaking %u KiB\n",
			TDX_QUOTE_BUF_SIZE / SZ_1K);
		return;
	}
	if (set_memory_encrypted((unsigned long)buf,
				 TDX_QUOTE_BUF_SIZE >> PAGE_SHIFT)) {
		pr_warn("cannot make a GetQuote buffer private again, leaking %u KiB\n",
			TDX_QUOTE_BUF_SIZE / SZ_1K);
		return;
	}
	free_pages_exact(buf, TDX_QUOTE_BUF_SIZE);
}

/*
 * A buffer for the next request. Buffers the host has since answered are
 * taken back (one becomes the current buffer if there is none, the others
 * are freed); with no current buffer, a fresh one is made unless
 * TDX_QUOTE_MAX_ABANDONED buffers are still with the host.
 */
static int tdx_quote_buf_get(struct tdx_guest *tg)
{
	unsigned int i = 0;

	lockdep_assert_held(&tg->quote_lock);

	while (i < tg->quote_nr_abandoned) {
		struct tdx_quote_buf *buf = tg->quote_abandoned[i];

		if (!tdx_quote_done(buf)) {
			i++;
			continue;
		}
		tg->quote_abandoned[i] =
			tg->quote_abandoned[--tg->quote_nr_abandoned];
		if (tg->quote_buf)
			tdx_quote_buf_free(buf);
		else
			tg->quote_buf = buf;
	}

	if (tg->quote_buf)
		return 0;
	if (tg->quote_nr_abandoned >= TDX_QUOTE_MAX_ABANDONED)
		return -EBUSY;
	tg->quote_buf = tdx_quote_buf_alloc();
	return tg->quote_buf ? 0 : -ENOMEM;
}

static int tdx_quote_get(struct tdx_guest *tg, struct tsm_report *report)
{
	struct tdx_quote_buf *buf;
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

	if (READ_ONCE(tg->quote_dying)) {
		ret = -ENXIO;
		goto unlock;
	}
	ret = tdx_quote_buf_get(tg);
	if (ret)
		goto unlock;

	ret = tdx_guest_mr_report(tg, reportdata, tdreport);
	if (ret)
		goto unlock;

	/* Nothing of an earlier request may reach the host again */
	buf = tg->quote_buf;
	memset(buf, 0, TDX_QUOTE_BUF_SIZE);
	buf->version = TDX_QUOTE_BUF_VERSION;
	buf->in_len = TDX_REPORT_SIZE;
	memcpy(buf->data, tdreport, TDX_REPORT_SIZE);

	ret = tdx_quote_exchange(tg, report, reportdata);

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
 * Return: 0 or -ENOMEM.
 */
int tdx_quote_init(struct tdx_guest *tg)
{
	mutex_init(&tg->quote_lock);
	init_waitqueue_head(&tg->quote_wq);
	atomic_set(&tg->quote_pending, 0);
	atomic_set(&tg->quote_irq_seen, 0);
	tg->quote_dying = false;
	tg->quote_nr_abandoned = 0;

	tg->quote_buf = tdx_quote_buf_alloc();
	return tg->quote_buf ? 0 : -ENOMEM;
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
	WRITE_ONCE(tg->quote_dying, true);
	wake_up_all(&tg->quote_wq);
}

/**
 * tdx_quote_exit() - make the GetQuote buffers private again and free them
 * @tg: the driver
 *
 * A buffer is leaked instead when the host may still write to it (a
 * request abandoned to it has not completed) or when it cannot be made
 * private again.
 */
void tdx_quote_exit(struct tdx_guest *tg)
{
	unsigned int i;

	if (tg->quote_buf)
		tdx_quote_buf_free(tg->quote_buf);
	tg->quote_buf = NULL;
	for (i = 0; i < tg->quote_nr_abandoned; i++)
		tdx_quote_buf_free(tg->quote_abandoned[i]);
	tg->quote_nr_abandoned = 0;
	mutex_destroy(&tg->quote_lock);
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
