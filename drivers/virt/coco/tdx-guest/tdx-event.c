// SPDX-License-Identifier: GPL-2.0-only
/*
 * GetQuote completion notification.
 *
 * The VMM signals the end of a GetQuote request with the interrupt vector
 * the TD registered through TDVMCALL<SetupEventNotifyInterrupt>, delivered
 * to the vCPU that made that call. Kernel 6.1 has no arch support for it,
 * so the driver allocates a vector of its own from the x86 vector domain,
 * pins it to one CPU and registers it from that CPU.
 *
 * If the VMM does not support the notification (QEMU without it, or a VMM
 * that refuses the vector), the driver polls the buffer's status instead,
 * with a short exponential backoff (tdx-quote.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/topology.h>
#include <linux/workqueue.h>
#include <asm/hw_irq.h>
#include <asm/irqdomain.h>

#include "tdx-guest.h"

/**
 * tdx_completion_mode_name() - name of a completion mode, for log and sysfs
 * @mode: the mode
 *
 * Return: "interrupt" or "polling".
 */
const char *tdx_completion_mode_name(enum tdx_completion_mode mode)
{
	return mode == TDX_COMPLETION_INTERRUPT ? "interrupt" : "polling";
}

/*
 * The vector is ours alone, but the host decides when to raise it: only a
 * pending request makes an interrupt meaningful. The others are counted and
 * still reported as handled: IRQ_NONE in a storm of them would let the
 * spurious-interrupt detector disable the line, and every later completion
 * would then go unnoticed until the waiter's safety-net timeout.
 */
static irqreturn_t tdx_event_handler(int irq, void *dev_id)
{
	struct tdx_guest *tg = dev_id;

	if (!atomic_read(&tg->quote_pending)) {
		atomic_inc(&tg->stats.spurious_interrupts);
		return IRQ_HANDLED;
	}
	atomic_inc(&tg->stats.interrupts);
	wake_up(&tg->quote_wq);
	return IRQ_HANDLED;
}

/* Argument and result of tdx_event_setup_on_cpu() */
struct tdx_event_setup {
	struct tdx_guest *tg;
	u64 status;		/* TDVMCALL status of the registration */
};

/* Runs pinned on the CPU the VMM is to interrupt, see tdx_event_on_cpu() */
static long tdx_event_setup_on_cpu(void *arg)
{
	struct tdx_event_setup *setup = arg;
	struct tdx_guest *tg = setup->tg;
	struct irq_data *irqd = irq_get_irq_data(tg->event_irq);
	unsigned int vector = irqd_cfg(irqd)->vector;

	/*
	 * The host injects the vector on the CPU that registers it: make
	 * sure the vector still lives on this CPU (hotplug may have moved
	 * it) before handing it to the host.
	 */
	if (cpumask_first(irq_data_get_effective_affinity_mask(irqd)) !=
	    smp_processor_id())
		return -EAGAIN;
	if (vector < TDX_EVENT_NOTIFY_VECTOR_MIN ||
	    vector > TDX_EVENT_NOTIFY_VECTOR_MAX)
		return -ERANGE;

	tg->event_vector = vector;
	setup->status = tg->ops->vmcall_setup_event_notify(vector);
	return 0;
}

/*
 * Run @fn on @cpu, which must stay online meanwhile: what 6.1's
 * work_on_cpu_safe() does, spelt out because later kernels dropped it.
 */
static long tdx_event_on_cpu(int cpu, long (*fn)(void *), void *arg)
{
	long ret = -ENODEV;

	cpus_read_lock();
	if (cpu_online(cpu))
		ret = work_on_cpu(cpu, fn, arg);
	cpus_read_unlock();
	return ret;
}

static int tdx_event_irq_setup(struct tdx_guest *tg)
{
	struct tdx_event_setup setup = { .tg = tg };
	struct irq_alloc_info info;
	int cpu, irq;
	long ret;

	/* The boot CPU: usually the last one to go offline */
	cpu = cpumask_first(cpu_online_mask);

	memset(&info, 0, sizeof(info));
	info.mask = cpumask_of(cpu);
	irq = __irq_domain_alloc_irqs(x86_vector_domain, -1, 1,
				      cpu_to_node(cpu), &info, false, NULL);
	if (irq < 0)
		return irq;
	if (!irq)
		return -ENOSPC;

	irq_set_handler(irq, handle_edge_irq);
	/* Balancing would move the vector away from the CPU the host knows */
	ret = request_irq(irq, tdx_event_handler, IRQF_NOBALANCING,
			  KBUILD_MODNAME, tg);
	if (ret)
		goto dispose_irq;
	tg->event_irq = irq;

	ret = tdx_event_on_cpu(cpu, tdx_event_setup_on_cpu, &setup);
	if (ret)
		goto free_irq;
	if (setup.status != TDVMCALL_STATUS_SUCCESS) {
		pr_info("the VMM refused event-notify vector %u (status %#llx)\n",
			tg->event_vector, setup.status);
		ret = -EOPNOTSUPP;
		goto free_irq;
	}

	tg->event_cpu = cpu;
	return 0;

free_irq:
	tg->event_irq = 0;
	tg->event_vector = 0;
	free_irq(irq, tg);
dispose_irq:
	irq_dispose_mapping(irq);
	return ret;
}

/**
 * tdx_event_init() - choose how GetQuote completion is noticed
 * @tg: the driver
 * @force_polling: do not try the event-notify interrupt
 *
 * Sets up the event-notify interrupt, or falls back to polling when it is
 * disabled, when the VMM refuses it, or when no vector could be set up:
 * quotes keep working in every case, only their latency differs.
 */
void tdx_event_init(struct tdx_guest *tg, bool force_polling)
{
	int ret = 0;

	tg->event_irq = 0;
	tg->event_cpu = -1;
	tg->mode = TDX_COMPLETION_POLLING;

	if (!force_polling) {
		ret = tdx_event_irq_setup(tg);
		if (!ret)
			tg->mode = TDX_COMPLETION_INTERRUPT;
	}

	if (tg->mode == TDX_COMPLETION_INTERRUPT)
		pr_info("GetQuote completion by interrupt: vector %u on CPU %d\n",
			tg->event_vector, tg->event_cpu);
	else if (force_polling)
		pr_info("GetQuote completion by polling (force_polling)\n");
	else
		pr_info("GetQuote completion by polling: event-notify interrupt unavailable (%d)\n",
			ret);
}

/**
 * tdx_event_exit() - release the event-notify interrupt
 * @tg: the driver
 *
 * GHCI has no call to unregister the vector: the host may still raise it
 * (for a request abandoned to it), which the kernel then reports as an
 * interrupt with no handler. Nothing of this module runs by then.
 */
void tdx_event_exit(struct tdx_guest *tg)
{
	if (tg->mode != TDX_COMPLETION_INTERRUPT)
		return;
	free_irq(tg->event_irq, tg);
	irq_dispose_mapping(tg->event_irq);
	tg->event_irq = 0;
	tg->event_cpu = -1;
	tg->event_vector = 0;
}
