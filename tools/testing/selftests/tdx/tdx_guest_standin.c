// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stands in for a TDX guest driver of another origin (the kernel's own,
 * loaded or built in): it holds the tdx_guest misc device, so that the
 * tdx suite can check that our driver then refuses to load with EEXIST,
 * and does so before it has asked the host for anything.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

static const struct file_operations tdx_standin_fops = {
	.owner = THIS_MODULE,
};

static struct miscdevice tdx_standin_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "tdx_guest",
	.fops = &tdx_standin_fops,
};

module_misc_device(tdx_standin_misc);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Holds the tdx_guest misc device, for conflict tests");
