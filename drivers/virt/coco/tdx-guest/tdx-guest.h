/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal interfaces of the tdx-guest driver: one &struct tdx_guest for
 * the module, shared by the device, the TSM provider and the event
 * interrupt code.
 */
#ifndef __TDX_GUEST_INTERNAL_H
#define __TDX_GUEST_INTERNAL_H

#include <linux/atomic.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <coco-tsm/tdx-abi.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

/* Each shared buffer has the size QEMU accepts: room for a quote and its certs */
#define TDX_QUOTE_BUF_SIZE	TDX_QUOTE_BUF_MAX_SIZE

/*
 * The most GetQuote requests QEMU accepts in flight from one guest
 * (TDX_MAX_GET_QUOTE_REQUEST): the upper bound of the quote_buffers
 * parameter, the size of the pool.
 */
#define TDX_QUOTE_MAX_BUFFERS	16

/*
 * Buffers left to a host that never answered (timed out or interrupted
 * requests), each replaced by a fresh one; beyond this many, requests that
 * need a fresh buffer get EBUSY until the host answers one of them.
 */
#define TDX_QUOTE_MAX_ABANDONED	4

/**
 * struct tdx_quote_slot - one GetQuote buffer of the pool and its request
 * @buf: the buffer shared with the host, %TDX_QUOTE_BUF_SIZE bytes; NULL
 *	after its request left it to the host, until the slot's next request
 *	gets another
 * @wq: where the slot's request waits for the host
 * @busy: a request owns the slot
 * @pending: the request waits for the host to complete @buf
 * @announced: the event interrupt found @buf completed
 *
 * @buf, @pending and @announced change under &tdx_guest.quote_pool_lock,
 * which the interrupt handler takes to look at the pending buffers.
 */
struct tdx_quote_slot {
	struct tdx_quote_buf *buf;
	wait_queue_head_t wq;
	bool busy;
	bool pending;
	bool announced;
};

/**
 * enum tdx_completion_mode - how the driver learns that GetQuote completed
 * @TDX_COMPLETION_INTERRUPT: the VMM raises the event-notify interrupt
 * @TDX_COMPLETION_POLLING: the driver polls the buffer's status with backoff
 */
enum tdx_completion_mode {
	TDX_COMPLETION_INTERRUPT,
	TDX_COMPLETION_POLLING,
};

/**
 * struct tdx_guest_stats - counters exposed in debugfs
 * @interrupts: event interrupts taken while a request was pending
 * @spurious_interrupts: event interrupts taken with no request pending
 * @idle_interrupts: event interrupts taken while requests were pending,
 *	none of whose buffers the host had completed
 * @quotes_ok: reports returned to the TSM core
 * @quotes_failed: report requests that failed, whatever the reason
 * @completions_by_check: in interrupt mode, completions that a status
 *	check found and no interrupt announced (within a jiffy): the sign of
 *	an interrupt path that loses interrupts
 * @quotes_mismatched: quotes refused because their REPORTDATA was not the
 *	request's (EBADMSG)
 * @event_moves: times the event-notify interrupt followed its CPU going
 *	offline to another CPU
 * @quote_retries: GetQuote TDVMCALLs the host answered RETRY (it had as
 *	many requests in flight as it takes), each retried later
 * @quotes_in_flight: requests waiting for the host now
 */
struct tdx_guest_stats {
	atomic_t interrupts;
	atomic_t spurious_interrupts;
	atomic_t idle_interrupts;
	atomic_t quotes_ok;
	atomic_t quotes_failed;
	atomic_t completions_by_check;
	atomic_t quotes_mismatched;
	atomic_t event_moves;
	atomic_t quote_retries;
	atomic_t quotes_in_flight;
};

/**
 * struct tdx_guest - state of the driver (one instance per module)
 * @misc: the /dev/tdx_guest device
 * @debugfs: the driver's debugfs directory
 * @stats: counters
 * @mode: completion mode chosen at load
 * @event_irq: Linux IRQ number of the event-notify interrupt, 0 when polling
 * @event_cpu: CPU the event-notify interrupt is delivered to, -1 when polling
 * @event_vector: vector registered with SetupEventNotifyInterrupt, 0 when
 *	polling
 * @event_move_work: tells the host where the vector went after its CPU
 *	went offline
 * @quote_dying: the module is going away: waiters give up (ENXIO)
 * @quote_pool_lock: protects the slots' @buf, @busy, @pending and
 *	@announced, @quote_waiters, @quote_abandoned and @quote_nr_abandoned;
 *	taken by the interrupt handler
 * @quote_waiters: requests waiting for a free slot, oldest first
 * @quote_slots: the pool, @quote_nr_slots GetQuote buffers and their
 *	requests
 * @quote_nr_slots: the pool's size, the quote_buffers parameter at load
 * @quote_abandoned: buffers of requests that timed out or were
 *	interrupted: the host may still write to them
 * @quote_nr_abandoned: entries in @quote_abandoned
 * @mr_lock: serializes every TDG.MR.REPORT and TDG.MR.RTMR.EXTEND of the
 *	driver, as the TDX module's RTMR lock would answer busy to a second
 *	one; protects the measurement cache @mr_report, @mr_valid and
 *	@mr_extend_data
 * @mr_valid: @mr_report holds the registers as they are now: no extend
 *	since it was taken
 * @mr_report: the TDREPORT the measurements files are read from,
 *	%TDX_REPORT_SIZE bytes (1024-byte aligned, private)
 * @mr_reportdata: the REPORTDATA of @mr_report: zeros,
 *	%TDX_REPORTDATA_SIZE bytes (64-byte aligned, private)
 * @mr_extend_data: the 48 bytes TDG.MR.RTMR.EXTEND takes, in a buffer of
 *	%TDX_RTMR_EXTEND_ALIGN bytes (64-byte aligned, private)
 */
struct tdx_guest {
	struct miscdevice misc;
	struct dentry *debugfs;
	struct tdx_guest_stats stats;

	enum tdx_completion_mode mode;
	unsigned int event_irq;
	int event_cpu;
	u8 event_vector;
	struct work_struct event_move_work;

	bool quote_dying;
	spinlock_t quote_pool_lock;	/* the pool's state, see @quote_pool_lock */
	struct list_head quote_waiters;
	struct tdx_quote_slot *quote_slots;
	unsigned int quote_nr_slots;
	/* Each slot can abandon one more after the limit was checked */
	struct tdx_quote_buf *quote_abandoned[TDX_QUOTE_MAX_ABANDONED +
					      TDX_QUOTE_MAX_BUFFERS];
	unsigned int quote_nr_abandoned;

	struct mutex mr_lock;	/* one TDX measurement call at a time */
	bool mr_valid;
	u8 *mr_report;
	u8 *mr_reportdata;
	u8 *mr_extend_data;
};

/* tdx-tdcall.c: the TDX module and VMM calls */
int tdx_tdcall_report0(u8 *reportdata, u8 *tdreport);
int tdx_tdcall_extend_rtmr(u8 index, u8 *data);
u64 tdx_tdcall_get_quote(u8 *buf, size_t size);
u64 tdx_tdcall_vm_call_info(u64 leaf, u64 out[4]);
u64 tdx_tdcall_event_notify(u64 vector);

/* tdx-report.c */
int tdx_guest_mr_report(struct tdx_guest *tg, u8 *reportdata,
			u8 *tdreport);
int __tdx_guest_mr_report(struct tdx_guest *tg, u8 *reportdata,
			  u8 *tdreport);
int __tdx_guest_rtmr_extend(struct tdx_guest *tg, unsigned int index,
			    const u8 *data);

/* tdx-mr.c */
extern const struct attribute_group tdx_mr_group;
int tdx_mr_init(struct tdx_guest *tg);
void tdx_mr_exit(struct tdx_guest *tg);

/* tdx-event.c */
void tdx_event_init(struct tdx_guest *tg, bool force_polling);
void tdx_event_exit(struct tdx_guest *tg);
const char *tdx_completion_mode_name(enum tdx_completion_mode mode);

/* tdx-quote-pool.c */
int tdx_quote_pool_init(struct tdx_guest *tg, unsigned int nr_slots);
void tdx_quote_pool_exit(struct tdx_guest *tg);
struct tdx_quote_slot *tdx_quote_slot_get(struct tdx_guest *tg,
					  unsigned long deadline);
void tdx_quote_slot_put(struct tdx_guest *tg, struct tdx_quote_slot *slot);
void tdx_quote_pool_abort(struct tdx_guest *tg);
int tdx_quote_slot_buf_get(struct tdx_guest *tg, struct tdx_quote_slot *slot);
void tdx_quote_slot_submit(struct tdx_guest *tg, struct tdx_quote_slot *slot);
void tdx_quote_slot_done(struct tdx_guest *tg, struct tdx_quote_slot *slot);
void tdx_quote_slot_abandon(struct tdx_guest *tg, struct tdx_quote_slot *slot);
bool tdx_quote_buf_done(struct tdx_quote_buf *buf);
void tdx_quote_pool_irq(struct tdx_guest *tg);

/* tdx-quote.c */
int tdx_quote_init(struct tdx_guest *tg);
void tdx_quote_exit(struct tdx_guest *tg);
int tdx_quote_register(struct tdx_guest *tg);
void tdx_quote_unregister(struct tdx_guest *tg);
void tdx_quote_abort(struct tdx_guest *tg);

#endif /* __TDX_GUEST_INTERNAL_H */
