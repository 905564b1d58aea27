// SPDX-License-Identifier: GPL-2.0-only
/*
 * Another user of the x86 vector domain: one interrupt on CPU @cpu, whose
 * handler only counts. Loaded after tdx-guest is unloaded, it usually gets
 * the vector tdx-guest gave back (the vector matrix hands out the lowest
 * free one), so that a host still raising tdx-guest's old vector would
 * run this handler: @calls must stay 0.
 */
#include <linux/cpumask.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/module.h>
#include <linux/string.h>
#include <asm/hw_irq.h>
#include <asm/irqdomain.h>

static int cpu;
module_param(cpu, int, 0444);
MODULE_PARM_DESC(cpu, "CPU to take the vector on");

static unsigned int vector;
module_param(vector, uint, 0444);
MODULE_PARM_DESC(vector, "The vector taken (read-only)");

static atomic_t calls = ATOMIC_INIT(0);

static int calls_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&calls));
}

static const struct kernel_param_ops calls_ops = {
	.get = calls_get,
};
module_param_cb(calls, &calls_ops, NULL, 0444);
MODULE_PARM_DESC(calls, "Interrupts received (read-only)");

static int taker_irq;

static irqreturn_t taker_handler(int irq, void *dev_id)
{
	atomic_inc(&calls);
	return IRQ_HANDLED;
}

static int __init taker_init(void)
{
	struct irq_alloc_info info;
	int irq, ret;

	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;

	memset(&info, 0, sizeof(info));
	info.mask = cpumask_of(cpu);
	irq = __irq_domain_alloc_irqs(x86_vector_domain, -1, 1, NUMA_NO_NODE,
				      &info, false, NULL);
	if (irq <= 0)
		return irq ? irq : -ENOSPC;
	irq_set_handler(irq, handle_edge_irq);
	irq_set_affinity(irq, cpumask_of(cpu));
	ret = request_irq(irq, taker_handler, IRQF_NOBALANCING,
			  KBUILD_MODNAME, &calls);
	if (ret) {
		irq_dispose_mapping(irq);
		return ret;
	}
	irq_set_affinity(irq, cpumask_of(cpu));
	taker_irq = irq;
	vector = irqd_cfg(irq_get_irq_data(irq))->vector;
	return 0;
}
module_init(taker_init);

static void __exit taker_exit(void)
{
	free_irq(taker_irq, &calls);
	irq_dispose_mapping(taker_irq);
}
module_exit(taker_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Takes an interrupt vector and counts its interrupts, for tdx-event tests");
