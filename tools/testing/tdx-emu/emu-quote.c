// SPDX-License-Identifier: GPL-2.0-only
/*
 * TDX platform emulator: the VMM's side of TDVMCALL<GetQuote>,
 * TDVMCALL<GetTdVmCallInfo> and TDVMCALL<SetupEventNotifyInterrupt>.
 *
 * GetQuote is asynchronous as in QEMU: the TDVMCALL validates the shared
 * buffer, copies the TDREPORT out of it, marks it IN_FLIGHT and returns.
 * A worker then asks the quoting service, writes the response into the
 * buffer and raises the vector the TD registered, on the CPU that
 * registered it, through the local APIC.
 *
 * By default the response is written in an order stricter than QEMU's: the
 * data, then out_len, then status, each made visible before the next, so a
 * guest that sees the final status sees everything else. QEMU writes the
 * data, then the whole 24-byte header (status and out_len) with one copy
 * whose order within the header is unspecified; the header_write_qemu knob
 * emulates that, with the window between the two fields held open.
 *
 * While a request is in flight the emulator holds a reference on every page
 * of the buffer: the host owns that memory until it completes, and a guest
 * that frees it early cannot make the emulator scribble on reused pages.
 * The buffers of the last completed requests stay pinned after completion,
 * for the write_idle fault to write into buffers the guest believes are its
 * own again: a hostile host may do that, a host writing into reused memory
 * would test nothing but the emulator.
 */
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <asm/apic.h>
#include <coco-tsm/kcompat.h>
#include <coco-tsm/tdx-abi.h>

#include "emu.h"

/**
 * struct tdx_emu_request - a GetQuote request the emulated VMM owns
 * @node: entry in tdx_emu_reqs
 * @work: the completion, delayed by the service_delay_ms fault
 * @gpa: guest physical address of the shared buffer
 * @size: size of the shared buffer
 * @buf: the shared buffer, through the direct map
 * @held: parked by the never_complete fault, not queued: from acceptance
 *	if the fault was set then, else from when its worker found it set
 * @running: its worker is asking the service or writing the response
 * @release: complete even if never_complete is set (complete_held)
 * @answered: its final status is being written: the guest may see it, and
 *	reuse the buffer, before the request leaves the list
 * @qgs: connection to the quoting service (or the ERR_PTR() of the
 *	attempt), made by the worker
 * @report: the TDREPORT copied out of the request
 */
struct tdx_emu_request {
	struct list_head node;
	struct delayed_work work;
	phys_addr_t gpa;
	u64 size;
	struct tdx_quote_buf *buf;
	bool held;
	bool running;
	bool release;
	bool answered;
	struct tdx_emu_qgs_conn *qgs;
	u8 report[TDX_REPORT_SIZE];
};

/**
 * struct tdx_emu_idle_buf - the buffer of a completed request, still pinned
 * @gpa: guest physical address of the shared buffer
 * @size: its size, whole pages
 */
struct tdx_emu_idle_buf {
	phys_addr_t gpa;
	u64 size;
};

/*
 * Protects the request list (in the order the requests were accepted), its
 * length and peak, each request's @held, @running and @release,
 * tdx_emu_stopping, and the remembered buffers. Nothing writes a
 * remembered buffer without it, and a request enters the list under it, so
 * write_idle never writes a buffer that is in flight. A spinlock: GetQuote
 * takes it inside the TDCALL, where nothing may sleep.
 */
static DEFINE_SPINLOCK(tdx_emu_req_lock);
static LIST_HEAD(tdx_emu_reqs);
static unsigned int tdx_emu_nr_reqs;
static unsigned int tdx_emu_nr_reqs_peak;
static bool tdx_emu_stopping;
static struct workqueue_struct *tdx_emu_wq;

/*
 * The buffers of the last completed requests, oldest first, no two sharing
 * a page: each holds the pins its request took, so that the pages cannot be
 * reused while write_idle may write them.
 */
static struct tdx_emu_idle_buf tdx_emu_idle[TDX_EMU_MAX_IN_FLIGHT];
static unsigned int tdx_emu_nr_idle;

/*
 * The last quote the service returned, which stale_quote answers the next
 * request with; swapped whole under the lock, copied outside it.
 */
static DEFINE_MUTEX(tdx_emu_last_quote_lock);
static u8 *tdx_emu_last_quote;
static size_t tdx_emu_last_quote_len;

/*
 * Where REPORTDATA lies in a quote, for stale_quote to spoil: Quote v4 has
 * the 48-byte header, then the TD report body; v5 puts a u16 body type and
 * a u32 body size between header and body (include/coco-tsm/tdx-abi.h).
 */
#define TDX_EMU_QUOTE_V4_REPORTDATA \
	(TDX_QUOTE_HEADER_SIZE + TDX_QUOTE_BODY_OFF_REPORTDATA)
#define TDX_EMU_QUOTE_V5_REPORTDATA \
	(TDX_EMU_QUOTE_V4_REPORTDATA + TDX_QUOTE_V5_BODY_DESC_SIZE)

/* Protects the notification target; -1 until the TD registers one */
static DEFINE_SPINLOCK(tdx_emu_event_lock);
static int tdx_emu_event_vector = -1;
static int tdx_emu_event_cpu = -1;

/**
 * tdx_emu_event_target() - the registered notification vector and CPU
 * @vector: the vector, or -1 if none was registered
 * @cpu: the CPU, or -1 if none was registered
 */
void tdx_emu_event_target(int *vector, int *cpu)
{
	spin_lock(&tdx_emu_event_lock);
	*vector = tdx_emu_event_vector;
	*cpu = tdx_emu_event_cpu;
	spin_unlock(&tdx_emu_event_lock);
}

/**
 * tdx_emu_raise_irq() - send the registered vector to the registered CPU
 *
 * A fixed-delivery interrupt through the local APIC, as QEMU injects an MSI
 * to the APIC ID of the vCPU that made SetupEventNotifyInterrupt. Nothing
 * is sent before a vector is registered, as in QEMU. May sleep.
 *
 * Return: true if the interrupt was sent.
 */
bool tdx_emu_raise_irq(void)
{
	bool sent = false;
	int vector, cpu;

	tdx_emu_event_target(&vector, &cpu);
	if (vector < 0)
		return false;

	cpus_read_lock();
	if (cpu_online(cpu)) {
		/* As the kernel's own IPI senders call it */
		preempt_disable();
		apic->send_IPI(cpu, vector);
		preempt_enable();
		atomic64_inc(&tdx_emu_stats.irqs_raised);
		sent = true;
	}
	cpus_read_unlock();
	return sent;
}

static void tdx_emu_notify(void)
{
	if (!READ_ONCE(tdx_emu_faults.drop_irq))
		tdx_emu_raise_irq();
}

/**
 * tdx_emu_vmcall_get_td_vm_call_info() - emulated GetTdVmCallInfo
 * @leaf: the leaf asked for (R12)
 * @out: R11..R14 of the answer
 *
 * Leaf 0 answers SUCCESS with all four zero; leaf 1 answers SUCCESS with
 * the optional sub-functions the VMM supports in R11 (QEMU's set: only
 * SetupEventNotifyInterrupt), as GHCI 1.5 defines. The tdvmcall_info knob
 * makes it a VMM without the notification, a GHCI 1.0 VMM that knows
 * leaf 0 only, or one that is no GHCI VMM at all (leaf 0 not all zero).
 * @out is all zero unless the call succeeds.
 *
 * Return: the TDVMCALL status.
 */
u64 tdx_emu_vmcall_get_td_vm_call_info(u64 leaf, u64 out[4])
{
	u32 ghci = READ_ONCE(tdx_emu_faults.tdvmcall_info);

	memset(out, 0, 4 * sizeof(*out));
	switch (leaf) {
	case TDVMCALL_INFO_LEAF_BASIC:
		/* Not all zero: not a GHCI VMM */
		if (ghci >= TDX_EMU_GHCI_LEAF0_R11)
			out[ghci - TDX_EMU_GHCI_LEAF0_R11] = 1;
		return TDVMCALL_STATUS_SUCCESS;
	case TDVMCALL_INFO_LEAF_SUBFUNCS:
		if (ghci == TDX_EMU_GHCI_1_0)
			return TDVMCALL_STATUS_INVALID_OPERAND;
		if (ghci != TDX_EMU_GHCI_1_5_NO_NOTIFY)
			out[0] = TDVMCALL_SUBFUNC_SETUP_EVENT_NOTIFY;
		return TDVMCALL_STATUS_SUCCESS;
	default:
		return TDVMCALL_STATUS_INVALID_OPERAND;
	}
}

/**
 * tdx_emu_vmcall_setup_event_notify() - emulated SetupEventNotifyInterrupt
 * @vector: the vector to signal GetQuote completion with, 32..255
 *
 * Records @vector and the CPU executing the call, like the vCPU that makes
 * the TDVMCALL; the caller keeps itself on that CPU, as GHCI requires.
 *
 * Return: the TDVMCALL status.
 */
u64 tdx_emu_vmcall_setup_event_notify(u64 vector)
{
	int cpu;

	/* A VMM that does not list it in GetTdVmCallInfo does not do it */
	if (READ_ONCE(tdx_emu_faults.refuse_event_notify) ||
	    READ_ONCE(tdx_emu_faults.tdvmcall_info) ==
	    TDX_EMU_GHCI_1_5_NO_NOTIFY)
		return TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED;
	if (vector < TDX_EVENT_NOTIFY_VECTOR_MIN ||
	    vector > TDX_EVENT_NOTIFY_VECTOR_MAX)
		return TDVMCALL_STATUS_INVALID_OPERAND;

	cpu = smp_processor_id();
	spin_lock(&tdx_emu_event_lock);
	tdx_emu_event_vector = vector;
	tdx_emu_event_cpu = cpu;
	spin_unlock(&tdx_emu_event_lock);
	return TDVMCALL_STATUS_SUCCESS;
}

static void tdx_emu_unpin(phys_addr_t gpa, unsigned long nr_pages)
{
	unsigned long pfn = PHYS_PFN(gpa);

	while (nr_pages--)
		folio_put(page_folio(pfn_to_page(pfn + nr_pages)));
}

/* Only memory the guest has allocated can be a buffer: refcount not zero */
static bool tdx_emu_pin(phys_addr_t gpa, u64 size)
{
	unsigned long pfn = PHYS_PFN(gpa);
	unsigned long i, nr_pages = size >> PAGE_SHIFT;

	for (i = 0; i < nr_pages; i++) {
		if (!folio_try_get(page_folio(pfn_to_page(pfn + i)))) {
			tdx_emu_unpin(gpa, i);
			return false;
		}
	}
	return true;
}

static void tdx_emu_request_free(struct tdx_emu_request *req)
{
	tdx_emu_qgs_put(req->qgs);
	tdx_emu_unpin(req->gpa, req->size >> PAGE_SHIFT);
	kfree(req);
}

/*
 * Write a whole response in the default order: @len bytes of @data (0xa5
 * bytes if it is NULL), then @out_len, then @status, each visible before
 * the next. For the writes the faults add to a completion.
 */
static void tdx_emu_write_response(struct tdx_quote_buf *buf, u64 status,
				   const u8 *data, u32 len, u32 out_len)
{
	if (data)
		memcpy(buf->data, data, len);
	else
		memset(buf->data, 0xa5, len);
	/* A guest that sees out_len sees the data it counts ... */
	smp_wmb();
	WRITE_ONCE(buf->out_len, out_len);
	/* ... and a guest that sees the status sees out_len */
	smp_wmb();
	WRITE_ONCE(buf->status, status);
}

/*
 * Record a header_write_qemu window. A test told only header_gap_us could
 * not tell a guest that mishandles the window from a vCPU the host
 * descheduled in the middle of it, which stretches it far beyond.
 */
static void tdx_emu_header_gap_seen(ktime_t start)
{
	s64 us = ktime_us_delta(ktime_get(), start);
	int max = atomic_read(&tdx_emu_stats.header_gap_max_us);

	us = min_t(s64, us, INT_MAX);
	while (us > max &&
	       !atomic_try_cmpxchg(&tdx_emu_stats.header_gap_max_us, &max, us))
		;
}

/*
 * Write the outcome: the response data, then the header, then the
 * interrupt, as QEMU does. The header is written out_len first, status
 * last, each made visible before the next, so that the default is a VMM a
 * guest can trust (stricter than QEMU, whose one header copy has no order
 * within it). header_write_qemu writes status first and out_len up to
 * header_gap_us later, the other order that copy allows, made observable.
 * The fault knobs bend exactly this sequence.
 */
static void tdx_emu_complete(struct tdx_emu_request *req, u64 status,
			     const u8 *quote, u32 quote_len)
{
	const struct tdx_emu_faults *f = &tdx_emu_faults;
	bool irq_first = READ_ONCE(f->irq_before_status);
	struct tdx_quote_buf *buf = req->buf;
	u32 out_len = quote_len;

	if (quote_len)
		memcpy(buf->data, quote, quote_len);
	if (READ_ONCE(f->force_out_len_enable))
		out_len = READ_ONCE(f->force_out_len);
	if (READ_ONCE(f->force_status_enable))
		status = READ_ONCE(f->force_status);

	if (irq_first) {
		/* The data is visible to the guest before its interrupt */
		smp_wmb();
		tdx_emu_notify();
		msleep(TDX_EMU_LATE_STATUS_MS);
	}

	/*
	 * Out of the in-flight peak from here on: a guest that sees the
	 * status may issue its next request while this one is still listed.
	 */
	WRITE_ONCE(req->answered, true);

	/* A guest that sees out_len sees the data it counts ... */
	smp_wmb();
	if (READ_ONCE(f->header_write_qemu)) {
		/*
		 * ... but here a guest that sees the final status may see the
		 * out_len it had written itself: no barrier, and time between.
		 * Timed from before the first write to after the second, so
		 * the record is never shorter than what the guest saw.
		 */
		ktime_t start = ktime_get();

		WRITE_ONCE(buf->status, status);
		fsleep(READ_ONCE(f->header_gap_us));
		WRITE_ONCE(buf->out_len, out_len);
		tdx_emu_header_gap_seen(start);
	} else {
		WRITE_ONCE(buf->out_len, out_len);
		/* ... and a guest that sees the final status sees out_len */
		smp_wmb();
		WRITE_ONCE(buf->status, status);
	}

	if (!irq_first)
		tdx_emu_notify();

	/*
	 * The same answer again, as a VMM that replays a completion would
	 * give it: a guest that took the first one and already reuses the
	 * buffer sees it rewritten, and takes a second interrupt.
	 */
	if (READ_ONCE(f->double_complete)) {
		msleep(TDX_EMU_REWRITE_MS);
		tdx_emu_write_response(buf, status, quote, quote_len, out_len);
		atomic64_inc(&tdx_emu_stats.double_completions);
		tdx_emu_notify();
	}

	if (quote_len && READ_ONCE(f->rewrite_after_complete)) {
		msleep(TDX_EMU_REWRITE_MS);
		memset(buf->data, 0xa5, quote_len);
	}
}

/* Make @quote, of @len bytes, not the one for this request's REPORTDATA */
static void tdx_emu_spoil_reportdata(u8 *quote, size_t len)
{
	size_t off = TDX_EMU_QUOTE_V4_REPORTDATA;

	/* Other versions are no TDX quote: spoil them where v4 would be */
	if (len >= sizeof(u16) && get_unaligned_le16(quote) == 5)
		off = TDX_EMU_QUOTE_V5_REPORTDATA;
	/* Too short to hold REPORTDATA: still not the service's quote */
	if (off >= len)
		off = len - 1;
	quote[off] ^= 0xff;
}

/*
 * Keep the service's @quote for the next stale_quote answer and, if this
 * request is to get a stale one, replace @quote (of *@len bytes, room for
 * @max) with the previous quote, or spoil its REPORTDATA if there was none
 * or it does not fit. Keeping a copy is best effort: without memory, the
 * next request has no previous quote.
 */
static void tdx_emu_keep_quote(u8 *quote, size_t *len, size_t max)
{
	bool stale = READ_ONCE(tdx_emu_faults.stale_quote);
	u8 *copy, *prev;
	size_t prev_len;

	copy = kvmalloc(*len, GFP_KERNEL);
	if (copy)
		memcpy(copy, quote, *len);

	mutex_lock(&tdx_emu_last_quote_lock);
	prev = tdx_emu_last_quote;
	prev_len = tdx_emu_last_quote_len;
	tdx_emu_last_quote = copy;
	tdx_emu_last_quote_len = copy ? *len : 0;
	mutex_unlock(&tdx_emu_last_quote_lock);

	if (stale) {
		if (prev && prev_len <= max) {
			memcpy(quote, prev, prev_len);
			*len = prev_len;
		} else {
			tdx_emu_spoil_reportdata(quote, *len);
		}
	}
	kvfree(prev);
}

static bool tdx_emu_overlap(phys_addr_t a, u64 a_size, phys_addr_t b,
			    u64 b_size)
{
	return a < b + b_size && b < a + a_size;
}

/* Is any page of [@gpa, @gpa + @size) in a request the VMM owns? */
static bool tdx_emu_owned(phys_addr_t gpa, u64 size)
{
	struct tdx_emu_request *req;

	lockdep_assert_held(&tdx_emu_req_lock);

	list_for_each_entry(req, &tdx_emu_reqs, node)
		if (tdx_emu_overlap(gpa, size, req->gpa, req->size))
			return true;
	return false;
}

static void tdx_emu_forget_idle(unsigned int i)
{
	struct tdx_emu_idle_buf *idle = &tdx_emu_idle[i];

	lockdep_assert_held(&tdx_emu_req_lock);

	tdx_emu_unpin(idle->gpa, idle->size >> PAGE_SHIFT);
	tdx_emu_nr_idle--;
	memmove(idle, idle + 1, (tdx_emu_nr_idle - i) * sizeof(*idle));
}

/* Forget the remembered buffers that share a page with [@gpa, +@size) */
static void tdx_emu_forget_idle_overlapping(phys_addr_t gpa, u64 size)
{
	unsigned int i = 0;

	lockdep_assert_held(&tdx_emu_req_lock);

	while (i < tdx_emu_nr_idle) {
		if (tdx_emu_overlap(gpa, size, tdx_emu_idle[i].gpa,
				    tdx_emu_idle[i].size))
			tdx_emu_forget_idle(i);
		else
			i++;
	}
}

/*
 * Remember the buffer of @req, which has just left the list, as the newest
 * completed one: its pins pass to the entry. The oldest entry gives way
 * when all TDX_EMU_MAX_IN_FLIGHT are taken.
 */
static void tdx_emu_remember_idle(struct tdx_emu_request *req)
{
	lockdep_assert_held(&tdx_emu_req_lock);

	tdx_emu_forget_idle_overlapping(req->gpa, req->size);
	if (tdx_emu_nr_idle == ARRAY_SIZE(tdx_emu_idle))
		tdx_emu_forget_idle(0);
	tdx_emu_idle[tdx_emu_nr_idle].gpa = req->gpa;
	tdx_emu_idle[tdx_emu_nr_idle].size = req->size;
	tdx_emu_nr_idle++;
}

static void tdx_emu_quote_work(struct work_struct *work)
{
	struct tdx_emu_request *req =
		container_of(to_delayed_work(work), struct tdx_emu_request,
			     work);
	size_t quote_max = req->size - TDX_QUOTE_BUF_HDR_SIZE;
	size_t quote_len = 0;
	u64 status;
	u8 *quote;
	int rc;

	spin_lock(&tdx_emu_req_lock);
	if (tdx_emu_stopping) {
		/* Module exit: cancel without touching the buffer */
		list_del(&req->node);
		tdx_emu_nr_reqs--;
		spin_unlock(&tdx_emu_req_lock);
		tdx_emu_request_free(req);
		return;
	}
	if (READ_ONCE(tdx_emu_faults.never_complete) && !req->release) {
		req->held = true;
		spin_unlock(&tdx_emu_req_lock);
		return;
	}
	req->running = true;
	spin_unlock(&tdx_emu_req_lock);

	req->qgs = tdx_emu_qgs_open();
	quote = kvmalloc(quote_max, GFP_KERNEL);
	if (IS_ERR(req->qgs))
		rc = PTR_ERR(req->qgs);
	else if (quote)
		rc = tdx_emu_qgs_get_quote(req->qgs, req->report,
					   TDX_REPORT_SIZE, quote, quote_max,
					   &quote_len);
	else
		rc = -ENOMEM;

	if (!rc)
		status = TDX_QUOTE_STATUS_SUCCESS;
	else if (rc == -ECONNREFUSED)
		status = TDX_QUOTE_STATUS_SERVICE_UNAVAILABLE;
	else
		status = TDX_QUOTE_STATUS_ERROR;
	if (rc)
		pr_debug("GetQuote at %pa failed: %d\n", &req->gpa, rc);
	else
		tdx_emu_keep_quote(quote, &quote_len, quote_max);

	tdx_emu_complete(req, status, quote, rc ? 0 : quote_len);
	kvfree(quote);

	spin_lock(&tdx_emu_req_lock);
	list_del(&req->node);
	tdx_emu_nr_reqs--;
	/* Its pins stay, with the remembered buffer, for write_idle */
	tdx_emu_remember_idle(req);
	spin_unlock(&tdx_emu_req_lock);
	tdx_emu_qgs_put(req->qgs);
	kfree(req);
}

/*
 * The requests whose final status the guest cannot have seen yet. QEMU, and
 * tdx_emu_nr_reqs with it, lets a request go only after the status write
 * and the interrupt, so a guest that reuses its buffer at once is briefly
 * counted twice there; the peak counts what a guest really had in flight.
 */
static unsigned int tdx_emu_nr_unanswered(void)
{
	struct tdx_emu_request *req;
	unsigned int nr = 0;

	lockdep_assert_held(&tdx_emu_req_lock);

	list_for_each_entry(req, &tdx_emu_reqs, node)
		nr += !READ_ONCE(req->answered);
	return nr;
}

static u64 tdx_emu_queue_request(struct tdx_emu_request *req)
{
	unsigned long delay;

	lockdep_assert_held(&tdx_emu_req_lock);

	if (tdx_emu_stopping)
		return TDVMCALL_STATUS_RETRY;
	if (tdx_emu_nr_reqs >= READ_ONCE(tdx_emu_faults.max_in_flight)) {
		atomic64_inc(&tdx_emu_stats.quote_retries);
		return TDVMCALL_STATUS_RETRY;
	}

	atomic64_inc(&tdx_emu_stats.quote_requests);
	WRITE_ONCE(req->buf->status, TDX_QUOTE_STATUS_IN_FLIGHT);
	list_add_tail(&req->node, &tdx_emu_reqs);
	tdx_emu_nr_reqs++;
	tdx_emu_nr_reqs_peak = max(tdx_emu_nr_reqs_peak,
				   tdx_emu_nr_unanswered());
	/* The request holds pins of its own: a remembered entry gives way */
	tdx_emu_forget_idle_overlapping(req->gpa, req->size);

	/*
	 * Held from the start, not when its worker runs: complete_newest must
	 * see the request the guest made last as soon as the TDVMCALL returns.
	 */
	if (req->held)
		return TDVMCALL_STATUS_SUCCESS;

	delay = msecs_to_jiffies(READ_ONCE(tdx_emu_faults.service_delay_ms));
	queue_delayed_work(tdx_emu_wq, &req->work, delay);
	return TDVMCALL_STATUS_SUCCESS;
}

/**
 * tdx_emu_vmcall_get_quote() - emulated TDVMCALL<GetQuote>
 * @gpa: guest physical address of the shared buffer, 4 KiB aligned
 * @size: size of the buffer, a non-zero multiple of 4 KiB up to 128 KiB
 *
 * Checks the buffer as QEMU does, takes the TDREPORT out of it and queues
 * the request. With the sync_unavailable fault it answers like QEMU with no
 * quoting service configured: status SERVICE_UNAVAILABLE, written before
 * the call returns, and no interrupt. With refuse_get_quote it refuses the
 * call outright, leaving the buffer alone. Above max_in_flight requests
 * owned, or without memory for the request, it answers RETRY. Called
 * inside the TDCALL: does not sleep.
 *
 * Return: the TDVMCALL status; %TDVMCALL_STATUS_SUCCESS means accepted.
 */
u64 tdx_emu_vmcall_get_quote(phys_addr_t gpa, u64 size)
{
	struct tdx_emu_request *req;
	struct tdx_quote_buf *buf;
	u64 ret;

	if (READ_ONCE(tdx_emu_faults.refuse_get_quote)) {
		atomic64_inc(&tdx_emu_stats.quote_refused);
		return TDVMCALL_STATUS_INVALID_OPERAND;
	}
	if (!IS_ALIGNED(gpa, SZ_4K) || !IS_ALIGNED(size, SZ_4K))
		return TDVMCALL_STATUS_ALIGN_ERROR;
	if (!size || size > TDX_QUOTE_BUF_MAX_SIZE ||
	    !tdx_emu_phys_is_ram(gpa, size))
		return TDVMCALL_STATUS_INVALID_OPERAND;

	buf = phys_to_virt(gpa);
	if (READ_ONCE(buf->version) != TDX_QUOTE_BUF_VERSION ||
	    READ_ONCE(buf->in_len) != TDX_REPORT_SIZE)
		return TDVMCALL_STATUS_INVALID_OPERAND;

	if (READ_ONCE(tdx_emu_faults.sync_unavailable)) {
		atomic64_inc(&tdx_emu_stats.quote_requests);
		WRITE_ONCE(buf->status, TDX_QUOTE_STATUS_SERVICE_UNAVAILABLE);
		return TDVMCALL_STATUS_SUCCESS;
	}

	req = kzalloc(sizeof(*req), GFP_ATOMIC | __GFP_NOWARN);
	if (!req)
		return TDVMCALL_STATUS_RETRY;
	req->gpa = gpa;
	req->size = size;
	req->buf = buf;
	INIT_DELAYED_WORK(&req->work, tdx_emu_quote_work);

	if (!tdx_emu_pin(gpa, size)) {
		kfree(req);
		return TDVMCALL_STATUS_INVALID_OPERAND;
	}
	memcpy(req->report, buf->data, TDX_REPORT_SIZE);
	req->held = READ_ONCE(tdx_emu_faults.never_complete);

	spin_lock(&tdx_emu_req_lock);
	ret = tdx_emu_queue_request(req);
	spin_unlock(&tdx_emu_req_lock);

	if (ret != TDVMCALL_STATUS_SUCCESS)
		tdx_emu_request_free(req);
	return ret;
}

/* Send a held request to the quoting service now, never_complete or not */
static void tdx_emu_release_held(struct tdx_emu_request *req)
{
	lockdep_assert_held(&tdx_emu_req_lock);

	req->held = false;
	req->release = true;
	queue_delayed_work(tdx_emu_wq, &req->work, 0);
}

/**
 * tdx_emu_complete_held() - complete the requests never_complete holds
 *
 * They go to the quoting service and complete normally, now.
 */
void tdx_emu_complete_held(void)
{
	struct tdx_emu_request *req;

	spin_lock(&tdx_emu_req_lock);
	list_for_each_entry(req, &tdx_emu_reqs, node)
		if (req->held)
			tdx_emu_release_held(req);
	spin_unlock(&tdx_emu_req_lock);
}

/**
 * tdx_emu_complete_newest() - complete the newest request never_complete holds
 *
 * The held request accepted last goes to the quoting service and completes
 * normally, now; the others stay held. This completes a guest's buffers in
 * an order other than the one it submitted them in.
 *
 * Return: 0, or -ENOENT if no request is held.
 */
int tdx_emu_complete_newest(void)
{
	struct tdx_emu_request *req;
	int rc = -ENOENT;

	spin_lock(&tdx_emu_req_lock);
	list_for_each_entry_reverse(req, &tdx_emu_reqs, node) {
		if (req->held) {
			tdx_emu_release_held(req);
			rc = 0;
			break;
		}
	}
	spin_unlock(&tdx_emu_req_lock);
	return rc;
}

/**
 * tdx_emu_write_idle() - answer, unasked, in the buffers no request has
 *
 * Writes a response, as a completion would, into each remembered buffer of
 * a completed request that shares no page with a request in flight: the
 * last quote the service returned with its REPORTDATA spoiled (or 0xa5
 * bytes filling the buffer if that does not fit or there is none), out_len
 * and status SUCCESS. Then raises the interrupt once, if any was written.
 * A guest that trusts a buffer's header outside a request of its own takes
 * the bait. The remembered buffers are pinned, so this never writes memory
 * the guest freed and reused.
 */
void tdx_emu_write_idle(void)
{
	struct tdx_emu_idle_buf *idle;
	unsigned int i, written = 0;
	size_t quote_len = 0;
	u8 *quote = NULL;
	u32 room;

	mutex_lock(&tdx_emu_last_quote_lock);
	if (tdx_emu_last_quote) {
		quote = kvmalloc(tdx_emu_last_quote_len, GFP_KERNEL);
		if (quote) {
			quote_len = tdx_emu_last_quote_len;
			memcpy(quote, tdx_emu_last_quote, quote_len);
		}
	}
	mutex_unlock(&tdx_emu_last_quote_lock);
	if (quote)
		tdx_emu_spoil_reportdata(quote, quote_len);

	spin_lock(&tdx_emu_req_lock);
	for (i = 0; i < tdx_emu_nr_idle; i++) {
		idle = &tdx_emu_idle[i];
		if (tdx_emu_owned(idle->gpa, idle->size))
			continue;
		room = idle->size - TDX_QUOTE_BUF_HDR_SIZE;
		if (quote && quote_len <= room)
			tdx_emu_write_response(phys_to_virt(idle->gpa),
					       TDX_QUOTE_STATUS_SUCCESS, quote,
					       quote_len, quote_len);
		else
			tdx_emu_write_response(phys_to_virt(idle->gpa),
					       TDX_QUOTE_STATUS_SUCCESS, NULL,
					       room, room);
		written++;
	}
	spin_unlock(&tdx_emu_req_lock);
	kvfree(quote);

	atomic64_add(written, &tdx_emu_stats.idle_writes);
	if (written)
		tdx_emu_notify();
}

/**
 * tdx_emu_quotes_in_flight() - requests accepted and not yet completed
 *
 * Return: the number of requests, held ones included.
 */
unsigned int tdx_emu_quotes_in_flight(void)
{
	unsigned int nr;

	spin_lock(&tdx_emu_req_lock);
	nr = tdx_emu_nr_reqs;
	spin_unlock(&tdx_emu_req_lock);
	return nr;
}

/**
 * tdx_emu_quotes_in_flight_peak() - most requests in flight at once
 *
 * Counted since load or the last tdx_emu_quotes_in_flight_peak_reset(),
 * among the requests tdx_emu_quotes_in_flight() counts, those whose final
 * status was not yet written: a test's proof that requests reached the
 * host concurrently, and that they did not when the peak is 1.
 *
 * Return: the peak.
 */
unsigned int tdx_emu_quotes_in_flight_peak(void)
{
	unsigned int nr;

	spin_lock(&tdx_emu_req_lock);
	nr = tdx_emu_nr_reqs_peak;
	spin_unlock(&tdx_emu_req_lock);
	return nr;
}

/**
 * tdx_emu_quotes_in_flight_peak_reset() - start a new peak
 *
 * The new peak is the number in flight and unanswered now: those requests
 * are in flight at once after the reset too.
 */
void tdx_emu_quotes_in_flight_peak_reset(void)
{
	spin_lock(&tdx_emu_req_lock);
	tdx_emu_nr_reqs_peak = tdx_emu_nr_unanswered();
	spin_unlock(&tdx_emu_req_lock);
}

static unsigned long tdx_emu_pins_in(struct folio *folio, phys_addr_t gpa,
				     u64 size)
{
	unsigned long pins = 0, i, pfn = PHYS_PFN(gpa);

	for (i = 0; i < size >> PAGE_SHIFT; i++)
		pins += page_folio(pfn_to_page(pfn + i)) == folio;
	return pins;
}

/*
 * The emulator's references on @folio: one per page in it of each request
 * and of each remembered buffer
 */
static unsigned long tdx_emu_pins_on(struct folio *folio)
{
	struct tdx_emu_request *req;
	unsigned long pins = 0;
	unsigned int i;

	lockdep_assert_held(&tdx_emu_req_lock);

	list_for_each_entry(req, &tdx_emu_reqs, node)
		pins += tdx_emu_pins_in(folio, req->gpa, req->size);
	for (i = 0; i < tdx_emu_nr_idle; i++)
		pins += tdx_emu_pins_in(folio, tdx_emu_idle[i].gpa,
					tdx_emu_idle[i].size);
	return pins;
}

/**
 * tdx_emu_requests_show() - list the requests the emulated VMM owns
 * @m: the debugfs requests file
 *
 * One line per request: its buffer, its state, and the references on the
 * buffer's first page other than the emulator's own pins (of requests and
 * of remembered buffers), which are the guest's: 0 means the guest freed a
 * buffer the host still owned. Every listed request holds its pins (they go
 * after it leaves the list), so the count cannot go negative.
 */
void tdx_emu_requests_show(struct seq_file *m)
{
	struct tdx_emu_request *req;
	struct folio *folio;
	const char *state;

	spin_lock(&tdx_emu_req_lock);
	list_for_each_entry(req, &tdx_emu_reqs, node) {
		folio = page_folio(pfn_to_page(PHYS_PFN(req->gpa)));
		state = req->held ? "held" : req->running ? "running" :
			"queued";
		seq_printf(m, "gpa=0x%llx size=%llu state=%s guest_refs=%ld\n",
			   (u64)req->gpa, req->size, state,
			   folio_ref_count(folio) -
			   (long)tdx_emu_pins_on(folio));
	}
	spin_unlock(&tdx_emu_req_lock);
}

/**
 * tdx_emu_quote_init() - set up the completion workqueue
 *
 * Return: 0 or -ENOMEM.
 */
int tdx_emu_quote_init(void)
{
	/* Each request may wait 30 s for the service: run them in parallel */
	tdx_emu_wq = alloc_workqueue("tdx_emu", WQ_UNBOUND,
				     TDX_EMU_MAX_IN_FLIGHT);
	return tdx_emu_wq ? 0 : -ENOMEM;
}

/**
 * tdx_emu_quote_exit() - finish or cancel every request
 *
 * Pending and held requests are cancelled without a write to their buffer;
 * running ones have their connection shut down and complete at once. The
 * remembered buffers are let go. Nothing touches guest memory once this
 * returns.
 */
void tdx_emu_quote_exit(void)
{
	struct tdx_emu_request *req, *tmp;
	LIST_HEAD(cancelled);

	spin_lock(&tdx_emu_req_lock);
	tdx_emu_stopping = true;
	list_for_each_entry_safe(req, tmp, &tdx_emu_reqs, node) {
		/* Not running and never will: ours to free */
		if (req->held || cancel_delayed_work(&req->work)) {
			list_move(&req->node, &cancelled);
			tdx_emu_nr_reqs--;
		}
	}
	spin_unlock(&tdx_emu_req_lock);

	tdx_emu_qgs_abort();
	/* Waits for the running workers, which see tdx_emu_stopping */
	destroy_workqueue(tdx_emu_wq);

	list_for_each_entry_safe(req, tmp, &cancelled, node) {
		list_del(&req->node);
		tdx_emu_request_free(req);
	}
	/* No worker left to remember one, no debugfs file to write them */
	spin_lock(&tdx_emu_req_lock);
	while (tdx_emu_nr_idle)
		tdx_emu_forget_idle(tdx_emu_nr_idle - 1);
	spin_unlock(&tdx_emu_req_lock);
	kvfree(tdx_emu_last_quote);
}
