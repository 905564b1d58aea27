// SPDX-License-Identifier: GPL-2.0-only
/*
 * configfs-tsm report core: the "tsm" configfs subsystem and its "report"
 * group, where userspace creates report entries.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/mutex.h>

#include "tsm-core.h"

static const struct config_item_type tsm_root_type = {
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem tsm_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = "tsm",
			.ci_type = &tsm_root_type,
		},
	},
	.su_mutex = __MUTEX_INITIALIZER(tsm_subsys.su_mutex),
};

static struct config_group *tsm_report_group;

static int __init tsm_init(void)
{
	struct config_group *root = &tsm_subsys.su_group;
	struct config_group *group;
	int rc;

	config_group_init(root);
	rc = configfs_register_subsystem(&tsm_subsys);
	if (rc == -EEXIST) {
		/* a kernel built with TSM_REPORTS, or another module */
		pr_err("configfs subsystem \"tsm\" already exists: another configfs-tsm implementation is loaded or built in\n");
		return rc;
	}
	if (rc) {
		pr_err("cannot register configfs subsystem \"tsm\": %d\n", rc);
		return rc;
	}

	group = configfs_register_default_group(root, "report",
						&tsm_report_group_type);
	if (IS_ERR(group)) {
		rc = PTR_ERR(group);
		goto unregister_subsys;
	}
	tsm_report_group = group;
	return 0;

unregister_subsys:
	configfs_unregister_subsystem(&tsm_subsys);
	return rc;
}
module_init(tsm_init);

static void __exit tsm_exit(void)
{
	configfs_unregister_default_group(tsm_report_group);
	configfs_unregister_subsystem(&tsm_subsys);
}
module_exit(tsm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Attestation reports of confidential computing guests via configfs (configfs-tsm)");
