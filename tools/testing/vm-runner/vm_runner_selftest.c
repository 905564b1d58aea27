// SPDX-License-Identifier: GPL-2.0-only
/*
 * Misbehave on request, so that the VM runner's self-test can prove that a
 * kernel report fails a run that would otherwise pass.
 *
 * trigger=warn	WARN_ON() at load
 * trigger=leak	lose kmalloc()ed objects at load (kmemleak, debug lane)
 * trigger=none	(default) load and unload cleanly
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *trigger = "none";
module_param(trigger, charp, 0444);
MODULE_PARM_DESC(trigger, "none, warn or leak");

/* Where the leaked objects' addresses are forgotten; see leak() below. */
static void *lost;

/*
 * kmemleak scans conservatively: a stale copy of a pointer left on a stack
 * or in a freed-and-reused object hides that one object. Losing many makes
 * the report certain.
 */
#define VM_RUNNER_LEAKS	64

static void leak(void)
{
	int i;

	/*
	 * Publish each object and then overwrite the only pointer to it: the
	 * compiler cannot elide either store, and kmemleak finds no reference.
	 */
	for (i = 0; i < VM_RUNNER_LEAKS; i++) {
		WRITE_ONCE(lost, kmalloc(128, GFP_KERNEL));
		WRITE_ONCE(lost, NULL);
	}
}

static int __init vm_runner_selftest_init(void)
{
	if (sysfs_streq(trigger, "warn"))
		WARN_ON(1);
	else if (sysfs_streq(trigger, "leak"))
		leak();
	else if (!sysfs_streq(trigger, "none"))
		return -EINVAL;
	return 0;
}
module_init(vm_runner_selftest_init);

static void __exit vm_runner_selftest_exit(void)
{
}
module_exit(vm_runner_selftest_exit);

MODULE_DESCRIPTION("VM runner self-test: kernel reports on demand");
MODULE_LICENSE("GPL");
