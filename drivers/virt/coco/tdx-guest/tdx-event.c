// SPDX-License-Identifier: GPL-2.0-only
/*
 * GetQuote completion notification.
 *
 * The VMM signals the end of a GetQuote request with the interrupt vector
 * the TD registered through TDVMCALL<SetupEventNotifyInterrupt>, delivered
 * to the vCPU that made that call. Kernel 6.1 has no arch support for it,
 * so the driver allocates a vector of its own from the x86 vector domain,
 * on a CPU of the kernel's default interrupt affinity (irqaffinity=), and
 * registers it from that CPU.
 *
 * The interrupt only shortens the wait: the waiter also checks the status
 * on the polling schedule (tdx-quote.c), so a VMM that never raises it, or
 * a CPU hotplug that leaves the host aiming at a dead CPU for a moment,
 * costs latency, never a quote.
 *
 * Where the VMM does not offer the notification (GetTdVmCallInfo says so,
 * or SetupEventNotifyInterrupt fails), the driver polls.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/hw_irq.h>
#include <asm/irq_vectors.h>
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
 * would then wait for the waiter's next status check.
 */
static irqreturn_t tdx_event_handler(int irq, void *dev_id)
{
	struct tdx_guest *tg = dev_id;

	tdx_quote_pool_irq(tg);
	return IRQ_HANDLED;
}

/*
 * The driver, for the CPU hotplug callback, and the callback's dynamic
 * hotplug state; set while the interrupt is set up.
 */
static struct tdx_guest *tdx_event_tg;
static int tdx_event_cpuhp_state;

/* Argument and result of tdx_event_register_here() */
struct tdx_event_setup {
	unsigned int vector;	/* the vector to register */
	u64 status;		/* TDVMCALL status of the registration */
};

/*
 * Runs on the CPU the VMM is to interrupt: the host injects the vector on
 * the vCPU that registers it.
 */
static long tdx_event_register_here(void *arg)
{
	struct tdx_event_setup *setup = arg;

	setup->status = tdx_tdcall_event_notify(setup->vector);
	return 0;
}

/*
 * Register @vector for @cpu with the host. The caller holds the CPU
 * hotplug lock, so @cpu stays online.
 */
static int tdx_event_register(int cpu, unsigned int vector)
{
	struct tdx_event_setup setup = { .vector = vector };

	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -ENODEV;
	work_on_cpu(cpu, tdx_event_register_here, &setup);
	if (setup.status != TDVMCALL_STATUS_SUCCESS) {
		pr_info("the VMM refused event-notify vector %u on CPU %d (status %#llx)\n",
			vector, cpu, setup.status);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Where the vector lives now: one CPU, as the x86 vector domain assigns */
static void tdx_event_target(struct tdx_guest *tg, int *cpu,
			     unsigned int *vector)
{
	struct irq_data *irqd = irq_get_irq_data(tg->event_irq);

	*cpu = cpumask_first(irq_data_get_effective_affinity_mask(irqd));
	*vector = irqd_cfg(irqd)->vector;
}

/*
 * GHCI has no call to stop the notification, and the host may complete a
 * request abandoned to it long after this driver is gone. Once our vector
 * is freed, the vector matrix hands it to the next device that asks, and
 * a late completion would run that device's handler. So before the
 * vector is freed, the host is pointed at the reschedule IPI vector: it
 * exists on every CPU for the uptime, and an extra one costs a check of
 * need_resched and nothing else. The alternative, keeping a vector
 * allocated for the uptime, would leave an interrupt descriptor behind
 * at every unload with no code of ours to handle it.
 *
 * Only an honest host needs this: a hostile one can inject any vector at
 * any time, which no guest driver can prevent.
 */
static void tdx_event_unregister_cpuslocked(struct tdx_guest *tg)
{
	int cpu = tg->event_cpu;
	int ret;

	if (cpu < 0 || !cpu_online(cpu))
		cpu = cpumask_first(cpu_online_mask);
	ret = tdx_event_register(cpu, RESCHEDULE_VECTOR);
	if (ret)
		pr_warn("the host may still raise vector %u on CPU %d, which another device may get (%d)\n",
			tg->event_vector, tg->event_cpu, ret);
}

/*
 * The CPU taking the interrupt went offline, and the kernel moved the
 * vector: to a CPU of its affinity (the kernel's default affinity,
 * irqaffinity=) if one was online, else to any online CPU. Tell the host
 * from the new CPU. Until then (a few milliseconds) a completion goes to
 * the dead CPU and the waiter's next status check finds it.
 */
static void tdx_event_move_work(struct work_struct *work)
{
	struct tdx_guest *tg = container_of(work, struct tdx_guest,
					    event_move_work);
	unsigned int vector;
	int cpu, ret;

	cpus_read_lock();
	if (READ_ONCE(tg->mode) != TDX_COMPLETION_INTERRUPT)
		goto unlock;
	tdx_event_target(tg, &cpu, &vector);
	if (cpu == tg->event_cpu && vector == tg->event_vector)
		goto unlock;
	ret = tdx_event_register(cpu, vector);
	if (ret) {
		/* The waiters' status checks carry on alone */
		WRITE_ONCE(tg->mode, TDX_COMPLETION_POLLING);
		pr_warn("the event-notify interrupt cannot follow CPU %d going offline (%d): GetQuote completion by polling from now on\n",
			tg->event_cpu, ret);
		goto unlock;
	}
	pr_info("CPU %d went offline: event-notify interrupt moved to vector %u on CPU %d\n",
		tg->event_cpu, vector, cpu);
	WRITE_ONCE(tg->event_cpu, cpu);
	WRITE_ONCE(tg->event_vector, vector);
	atomic_inc(&tg->stats.event_moves);
unlock:
	cpus_read_unlock();
}

/*
 * Runs on each CPU going offline, while it is still up. The kernel moves
 * the vector only once the CPU is gone, so the work that tells the host
 * waits for the hotplug operation to end (it takes the hotplug lock).
 */
static int tdx_event_cpu_down(unsigned int cpu)
{
	struct tdx_guest *tg = tdx_event_tg;

	if (tg && READ_ONCE(tg->mode) == TDX_COMPLETION_INTERRUPT &&
	    cpu == READ_ONCE(tg->event_cpu))
		queue_work(system_unbound_wq, &tg->event_move_work);
	return 0;
}

/*
 * Ask the VMM whether it offers the notification (GHCI 1.5
 * GetTdVmCallInfo leaf 1). Return: 1 yes, 0 no, -1 the VMM cannot say
 * (GHCI 1.0 knows leaf 0 only), in which case trying is the only probe.
 * A VMM whose leaf 0 is not the GHCI's (SUCCESS, R11-R14 all zero) is not
 * asked: whatever it would say means something else.
 */
static int tdx_event_offered(void)
{
	u64 out[4];

	if (tdx_tdcall_vm_call_info(TDVMCALL_INFO_LEAF_BASIC, out) !=
	    TDVMCALL_STATUS_SUCCESS || out[0] || out[1] || out[2] || out[3])
		return 0;
	if (tdx_tdcall_vm_call_info(TDVMCALL_INFO_LEAF_SUBFUNCS, out) !=
	    TDVMCALL_STATUS_SUCCESS)
		return -1;
	return !!(out[0] & TDVMCALL_SUBFUNC_SETUP_EVENT_NOTIFY);
}

static int tdx_event_irq_setup(struct tdx_guest *tg)
{
	struct irq_alloc_info info;
	unsigned int vector;
	int cpu, irq, ret;

	/*
	 * No CPU of our own choosing: the vector domain places a new
	 * interrupt by the default affinity (irqaffinity=), as it does a
	 * device's, and request_irq() would move it there anyway.
	 */
	memset(&info, 0, sizeof(info));
	irq = __irq_domain_alloc_irqs(x86_vector_domain, -1, 1, NUMA_NO_NODE,
				      &info, false, NULL);
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

	cpus_read_lock();
	tdx_event_target(tg, &cpu, &vector);
	if (vector < TDX_EVENT_NOTIFY_VECTOR_MIN ||
	    vector > TDX_EVENT_NOTIFY_VECTOR_MAX) {
		ret = -ERANGE;
		goto unlock;
	}
	ret = tdx_event_register(cpu, vector);
	if (ret)
		goto unlock;
	tg->event_cpu = cpu;
	tg->event_vector = vector;
	tg->mode = TDX_COMPLETION_INTERRUPT;
	INIT_WORK(&tg->event_move_work, tdx_event_move_work);
	tdx_event_tg = tg;
	ret = cpuhp_setup_state_nocalls_cpuslocked(CPUHP_AP_ONLINE_DYN,
						   "virt/tdx_guest:event",
						   NULL, tdx_event_cpu_down);
	if (ret < 0)
		goto unregister;
	tdx_event_cpuhp_state = ret;
	cpus_read_unlock();
	return 0;

unregister:
	tdx_event_unregister_cpuslocked(tg);
	tdx_event_tg = NULL;
	tg->mode = TDX_COMPLETION_POLLING;
	tg->event_cpu = -1;
	tg->event_vector = 0;
unlock:
	cpus_read_unlock();
	tg->event_irq = 0;
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
 * Sets up the event-notify interrupt, or polls when it is disabled, when
 * the VMM does not offer it or refuses it, or when no vector could be set
 * up: quotes keep working in every case, only their latency differs.
 */
void tdx_event_init(struct tdx_guest *tg, bool force_polling)
{
	const char *why = NULL;
	int ret = 0;

	tg->event_irq = 0;
	tg->event_cpu = -1;
	tg->event_vector = 0;
	tg->mode = TDX_COMPLETION_POLLING;

	if (force_polling)
		why = "force_polling";
	else if (!tdx_event_offered())
		why = "the VMM does not offer SetupEventNotifyInterrupt";
	else
		ret = tdx_event_irq_setup(tg);

	if (tg->mode == TDX_COMPLETION_INTERRUPT)
		pr_info("GetQuote completion by interrupt: vector %u on CPU %d\n",
			tg->event_vector, tg->event_cpu);
	else if (why)
		pr_info("GetQuote completion by polling: %s\n", why);
	else
		pr_info("GetQuote completion by polling: event-notify interrupt unavailable (%d)\n",
			ret);
}

/**
 * tdx_event_exit() - release the event-notify interrupt
 * @tg: the driver
 *
 * The host is pointed away from the vector before it is freed (see
 * tdx_event_unregister_cpuslocked()).
 */
void tdx_event_exit(struct tdx_guest *tg)
{
	if (!tg->event_irq)
		return;
	cpuhp_remove_state_nocalls(tdx_event_cpuhp_state);
	tdx_event_tg = NULL;
	cancel_work_sync(&tg->event_move_work);
	/* Even after a fall back to polling: the host may aim at the vector */
	cpus_read_lock();
	tdx_event_unregister_cpuslocked(tg);
	cpus_read_unlock();
	free_irq(tg->event_irq, tg);
	irq_dispose_mapping(tg->event_irq);
	tg->mode = TDX_COMPLETION_POLLING;
	tg->event_irq = 0;
	tg->event_cpu = -1;
	tg->event_vector = 0;
}
