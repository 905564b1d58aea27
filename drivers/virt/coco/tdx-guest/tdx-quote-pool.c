// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pool of GetQuote buffers shared with the host: one slot per request
 * the driver may have in flight.
 *
 * The buffers are allocated and converted once at load, because converting
 * pages back and forth for each request splits the direct map and may fail
 * late in the uptime. A request takes a free slot (waiting, killable, when
 * all are taken, in the order the requests came: a slot given back goes
 * straight to the oldest waiter, so that no request can be overtaken for
 * ever by newer ones), fills its buffer and hands it to the host; the event
 * interrupt wakes exactly the requests whose buffers the host completed,
 * in whatever order it completes them.
 *
 * A request the host does not answer in time leaves its buffer to the
 * host: the buffer moves to the abandoned list, and the slot's next
 * request gets a buffer the host has since given back, or a fresh one
 * while fewer than TDX_QUOTE_MAX_ABANDONED are with the host.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched/signal.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "tdx-guest.h"

/**
 * struct tdx_quote_waiter - a request waiting for a free slot
 * @node: entry in &tdx_guest.quote_waiters
 * @task: the requesting task, woken when @slot is set or the module goes
 * @slot: the slot handed over by tdx_quote_slot_put(), NULL until then
 */
struct tdx_quote_waiter {
	struct list_head node;
	struct task_struct *task;
	struct tdx_quote_slot *slot;
};

/**
 * tdx_quote_buf_done() - whether the host left IN_FLIGHT on a buffer
 * @buf: a GetQuote buffer
 *
 * Return: true once the host wrote a final status (or never took @buf).
 */
bool tdx_quote_buf_done(struct tdx_quote_buf *buf)
{
	return READ_ONCE(buf->status) != TDX_QUOTE_STATUS_IN_FLIGHT;
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
	if (!tdx_quote_buf_done(buf)) {
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

/**
 * tdx_quote_pool_init() - allocate and share the GetQuote buffers
 * @tg: the driver
 * @nr_slots: the pool's size, 1..%TDX_QUOTE_MAX_BUFFERS
 *
 * Return: 0 or -ENOMEM.
 */
int tdx_quote_pool_init(struct tdx_guest *tg, unsigned int nr_slots)
{
	struct tdx_quote_slot *slots;
	unsigned int i;

	spin_lock_init(&tg->quote_pool_lock);
	INIT_LIST_HEAD(&tg->quote_waiters);
	tg->quote_nr_abandoned = 0;

	slots = kcalloc(nr_slots, sizeof(*slots), GFP_KERNEL);
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < nr_slots; i++) {
		init_waitqueue_head(&slots[i].wq);
		slots[i].buf = tdx_quote_buf_alloc();
		if (!slots[i].buf)
			goto free_bufs;
	}
	tg->quote_slots = slots;
	tg->quote_nr_slots = nr_slots;
	return 0;

free_bufs:
	while (i--)
		tdx_quote_buf_free(slots[i].buf);
	kfree(slots);
	return -ENOMEM;
}

/**
 * tdx_quote_pool_exit() - make the GetQuote buffers private again and free
 *	them
 * @tg: the driver
 *
 * No request may be left. A buffer is leaked instead when the host may
 * still write to it (a request abandoned to it has not completed) or when
 * it cannot be made private again.
 */
void tdx_quote_pool_exit(struct tdx_guest *tg)
{
	unsigned int i;

	for (i = 0; i < tg->quote_nr_slots; i++)
		if (tg->quote_slots[i].buf)
			tdx_quote_buf_free(tg->quote_slots[i].buf);
	for (i = 0; i < tg->quote_nr_abandoned; i++)
		tdx_quote_buf_free(tg->quote_abandoned[i]);
	tg->quote_nr_abandoned = 0;
	kfree(tg->quote_slots);
	tg->quote_slots = NULL;
	tg->quote_nr_slots = 0;
}

/*
 * Take a free slot, one with a buffer if there is one: a slot whose buffer
 * was left to the host would need another.
 */
static struct tdx_quote_slot *tdx_quote_slot_try(struct tdx_guest *tg)
{
	struct tdx_quote_slot *slot = NULL, *s;
	unsigned int i;

	lockdep_assert_held(&tg->quote_pool_lock);

	for (i = 0; i < tg->quote_nr_slots; i++) {
		s = &tg->quote_slots[i];
		if (s->busy)
			continue;
		if (!slot || (!slot->buf && s->buf))
			slot = s;
		if (slot->buf)
			break;
	}
	if (slot)
		slot->busy = true;
	return slot;
}

/* Why a waiter with @left jiffies to go stops waiting, or 0 */
static int tdx_quote_slot_wait_error(struct tdx_guest *tg, long left)
{
	if (READ_ONCE(tg->quote_dying))
		return -ENXIO;
	if (fatal_signal_pending(current))
		return -EINTR;
	if (left <= 0)
		return -ETIMEDOUT;
	return 0;
}

/* Give @slot to the oldest waiter, or make it free if nobody waits */
static void tdx_quote_slot_hand_over(struct tdx_guest *tg,
				     struct tdx_quote_slot *slot)
{
	struct tdx_quote_waiter *waiter;

	lockdep_assert_held(&tg->quote_pool_lock);

	waiter = list_first_entry_or_null(&tg->quote_waiters,
					  struct tdx_quote_waiter, node);
	if (!waiter) {
		slot->busy = false;
		return;
	}
	/* The waiter cannot return before it retakes the lock */
	list_del_init(&waiter->node);
	waiter->slot = slot;
	wake_up_process(waiter->task);
}

/**
 * tdx_quote_slot_get() - take a slot of the pool for a request
 * @tg: the driver
 * @deadline: in jiffies, when to give up waiting for a free slot
 *
 * Waits, killable, while every slot serves another request, behind the
 * requests that were waiting already: slots go to waiters in the order
 * they came.
 *
 * Return: the slot, to give back with tdx_quote_slot_put(), or
 * ERR_PTR(-EINTR) on a fatal signal, ERR_PTR(-ETIMEDOUT) at @deadline,
 * ERR_PTR(-ENXIO) when the module is going away.
 */
struct tdx_quote_slot *tdx_quote_slot_get(struct tdx_guest *tg,
					  unsigned long deadline)
{
	struct tdx_quote_waiter waiter = { .task = current };
	int ret = 0;
	long left;

	spin_lock_irq(&tg->quote_pool_lock);
	/* Not past those already waiting: a free slot is already theirs */
	if (list_empty(&tg->quote_waiters))
		waiter.slot = tdx_quote_slot_try(tg);
	if (!waiter.slot)
		list_add_tail(&waiter.node, &tg->quote_waiters);

	while (!waiter.slot) {
		left = (long)(deadline - jiffies);
		ret = tdx_quote_slot_wait_error(tg, left);
		if (ret) {
			list_del(&waiter.node);
			break;
		}
		/* Before the unlock: a hand-over after it is not lost */
		set_current_state(TASK_KILLABLE);
		spin_unlock_irq(&tg->quote_pool_lock);
		schedule_timeout(left);
		spin_lock_irq(&tg->quote_pool_lock);
		__set_current_state(TASK_RUNNING);
	}

	if (waiter.slot && READ_ONCE(tg->quote_dying)) {
		tdx_quote_slot_hand_over(tg, waiter.slot);
		waiter.slot = NULL;
		ret = -ENXIO;
	}
	spin_unlock_irq(&tg->quote_pool_lock);
	return waiter.slot ?: ERR_PTR(ret);
}

/**
 * tdx_quote_slot_put() - give a slot back to the pool
 * @tg: the driver
 * @slot: a slot taken with tdx_quote_slot_get(), its request no longer
 *	pending
 */
void tdx_quote_slot_put(struct tdx_guest *tg, struct tdx_quote_slot *slot)
{
	spin_lock_irq(&tg->quote_pool_lock);
	tdx_quote_slot_hand_over(tg, slot);
	spin_unlock_irq(&tg->quote_pool_lock);
}

/**
 * tdx_quote_pool_abort() - wake every request waiting for a slot
 * @tg: the driver, its @quote_dying already set
 *
 * Each returns ENXIO, and gives back a slot handed to it meanwhile.
 */
void tdx_quote_pool_abort(struct tdx_guest *tg)
{
	struct tdx_quote_waiter *waiter;

	spin_lock_irq(&tg->quote_pool_lock);
	list_for_each_entry(waiter, &tg->quote_waiters, node)
		wake_up_process(waiter->task);
	spin_unlock_irq(&tg->quote_pool_lock);
}

/*
 * Take back the abandoned buffers the host has answered since: @slot gets
 * one if it has none, idle slots without one get the others, and what is
 * left over goes to @spare for the caller to free outside the lock.
 * Returns how many went to @spare.
 */
static unsigned int tdx_quote_reclaim(struct tdx_guest *tg,
				      struct tdx_quote_slot *slot,
				      struct tdx_quote_buf **spare)
{
	struct tdx_quote_buf *buf;
	unsigned int i = 0, j, nr_spare = 0;

	lockdep_assert_held(&tg->quote_pool_lock);

	while (i < tg->quote_nr_abandoned) {
		buf = tg->quote_abandoned[i];
		if (!tdx_quote_buf_done(buf)) {
			i++;
			continue;
		}
		tg->quote_abandoned[i] =
			tg->quote_abandoned[--tg->quote_nr_abandoned];
		if (!slot->buf) {
			slot->buf = buf;
			continue;
		}
		for (j = 0; j < tg->quote_nr_slots; j++) {
			struct tdx_quote_slot *s = &tg->quote_slots[j];

			if (!s->busy && !s->buf) {
				s->buf = buf;
				break;
			}
		}
		if (j == tg->quote_nr_slots)
			spare[nr_spare++] = buf;
	}
	return nr_spare;
}

/**
 * tdx_quote_slot_buf_get() - make sure a slot has a buffer
 * @tg: the driver
 * @slot: a slot taken with tdx_quote_slot_get()
 *
 * A slot whose last request left its buffer to the host gets one the host
 * has answered since, or a fresh one unless %TDX_QUOTE_MAX_ABANDONED
 * buffers are still with the host.
 *
 * Return: 0, -EBUSY when the host keeps too many buffers, or -ENOMEM.
 */
int tdx_quote_slot_buf_get(struct tdx_guest *tg, struct tdx_quote_slot *slot)
{
	struct tdx_quote_buf *spare[ARRAY_SIZE(tg->quote_abandoned)];
	struct tdx_quote_buf *buf;
	unsigned int i, nr_spare;
	bool full;

	spin_lock_irq(&tg->quote_pool_lock);
	nr_spare = tdx_quote_reclaim(tg, slot, spare);
	full = tg->quote_nr_abandoned >= TDX_QUOTE_MAX_ABANDONED;
	spin_unlock_irq(&tg->quote_pool_lock);

	for (i = 0; i < nr_spare; i++)
		tdx_quote_buf_free(spare[i]);

	/* Only the slot's owner changes a busy slot's buffer */
	if (slot->buf)
		return 0;
	if (full)
		return -EBUSY;
	buf = tdx_quote_buf_alloc();
	if (!buf)
		return -ENOMEM;
	spin_lock_irq(&tg->quote_pool_lock);
	slot->buf = buf;
	spin_unlock_irq(&tg->quote_pool_lock);
	return 0;
}

/**
 * tdx_quote_slot_submit() - mark a slot's request as waiting for the host
 * @tg: the driver
 * @slot: the request's slot, its buffer filled in
 *
 * Called before the GetQuote TDVMCALL: the host may complete the request
 * and raise the interrupt before the call returns.
 */
void tdx_quote_slot_submit(struct tdx_guest *tg, struct tdx_quote_slot *slot)
{
	spin_lock_irq(&tg->quote_pool_lock);
	slot->pending = true;
	slot->announced = false;
	spin_unlock_irq(&tg->quote_pool_lock);
	atomic_inc(&tg->stats.quotes_in_flight);
}

/**
 * tdx_quote_slot_done() - the host no longer owns a slot's buffer
 * @tg: the driver
 * @slot: the request's slot
 *
 * After a final status, or a GetQuote TDVMCALL the host did not accept.
 */
void tdx_quote_slot_done(struct tdx_guest *tg, struct tdx_quote_slot *slot)
{
	spin_lock_irq(&tg->quote_pool_lock);
	slot->pending = false;
	spin_unlock_irq(&tg->quote_pool_lock);
	atomic_dec(&tg->stats.quotes_in_flight);
}

/**
 * tdx_quote_slot_abandon() - leave a slot's buffer to the host
 * @tg: the driver
 * @slot: the slot of a request that stops waiting for the host
 *
 * The host may still write to the buffer: it goes to the abandoned list
 * and the slot's next request gets another (tdx_quote_slot_buf_get()).
 */
void tdx_quote_slot_abandon(struct tdx_guest *tg, struct tdx_quote_slot *slot)
{
	spin_lock_irq(&tg->quote_pool_lock);
	slot->pending = false;
	/*
	 * There is room: a slot gets a fresh buffer only while fewer than
	 * TDX_QUOTE_MAX_ABANDONED are with the host, so at most one more
	 * per slot can be abandoned after that check.
	 */
	if (!WARN_ON_ONCE(tg->quote_nr_abandoned >=
			  ARRAY_SIZE(tg->quote_abandoned)))
		tg->quote_abandoned[tg->quote_nr_abandoned++] = slot->buf;
	slot->buf = NULL;
	spin_unlock_irq(&tg->quote_pool_lock);
	atomic_dec(&tg->stats.quotes_in_flight);
}

/**
 * tdx_quote_pool_irq() - the event-notify interrupt: wake completed requests
 * @tg: the driver
 *
 * Called by the interrupt handler. The interrupt does not say which
 * request it is for, and one may stand for several completions: every
 * pending request whose buffer left IN_FLIGHT is woken, once. The host
 * decides when to raise it, so it is only counted otherwise.
 */
void tdx_quote_pool_irq(struct tdx_guest *tg)
{
	bool pending = false, completed = false;
	struct tdx_quote_slot *slot;
	unsigned int i;

	spin_lock(&tg->quote_pool_lock);
	for (i = 0; i < tg->quote_nr_slots; i++) {
		slot = &tg->quote_slots[i];
		if (!slot->pending)
			continue;
		pending = true;
		if (slot->announced || !tdx_quote_buf_done(slot->buf))
			continue;
		/* Before the wake-up: the waiter reads it once woken */
		slot->announced = true;
		completed = true;
		wake_up(&slot->wq);
	}
	spin_unlock(&tg->quote_pool_lock);

	if (!pending)
		atomic_inc(&tg->stats.spurious_interrupts);
	else if (!completed)
		atomic_inc(&tg->stats.idle_interrupts);
	if (pending)
		atomic_inc(&tg->stats.interrupts);
}
