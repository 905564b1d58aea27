// SPDX-License-Identifier: GPL-2.0-only
/*
 * Occupies the "tsm" configfs subsystem the way a kernel built with an
 * in-kernel configfs-tsm (TSM_REPORTS) does, so that tests can check that
 * the out-of-tree report core then refuses to load with a clear error.
 */

#include <linux/configfs.h>
#include <linux/module.h>
#include <linux/mutex.h>

static const struct config_item_type tsm_coexist_type = {
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem tsm_coexist_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = "tsm",
			.ci_type = &tsm_coexist_type,
		},
	},
	.su_mutex = __MUTEX_INITIALIZER(tsm_coexist_subsys.su_mutex),
};

static int __init tsm_coexist_init(void)
{
	config_group_init(&tsm_coexist_subsys.su_group);
	return configfs_register_subsystem(&tsm_coexist_subsys);
}
module_init(tsm_coexist_init);

static void __exit tsm_coexist_exit(void)
{
	configfs_unregister_subsystem(&tsm_coexist_subsys);
}
module_exit(tsm_coexist_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Stand-in for an in-kernel configfs-tsm, for coexistence tests");
