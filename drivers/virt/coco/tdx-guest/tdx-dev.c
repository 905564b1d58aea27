// SPDX-License-Identifier: GPL-2.0-only
/*
 * Intel TDX guest attestation driver: /dev/tdx_guest (TDX_CMD_GET_REPORT0)
 * and the tdx_guest provider of the configfs-tsm report core.
 *
 * It talks to the TDX module and the VMM with TDCALL (tdx-tdcall.c): on
 * machines without TDX, the TDX platform emulator (tools/testing/tdx-emu)
 * answers those very instructions, so tests run this module as shipped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <asm/cpu_device_id.h>
#include <uapi/linux/tdx-guest.h>

#include "tdx-guest.h"

static bool force_polling;
module_param(force_polling, bool, 0444);
MODULE_PARM_DESC(force_polling,
		 "Poll for GetQuote completion instead of using the event-notify interrupt");

static struct tdx_guest tdx_guest;

/*
 * <uapi/linux/tdx-guest.h> is the kernel's own from 6.2 on, ours before:
 * both must describe the upstream ABI.
 */
static_assert(TDX_REPORTDATA_LEN == 64 && TDX_REPORT_LEN == 1024);
static_assert(sizeof(struct tdx_report_req) == 64 + 1024);
static_assert(TDX_CMD_GET_REPORT0 == 0xc4405401);

static struct tdx_guest *to_tdx_guest(struct file *file)
{
	/* misc_open() leaves the miscdevice in private_data */
	return container_of(file->private_data, struct tdx_guest, misc);
}

static long tdx_get_report0(struct tdx_guest *tg,
			    struct tdx_report_req __user *req)
{
	u8 *reportdata, *tdreport;
	long ret;

	/* kmalloc()ed copies: private and naturally aligned, as TDX wants */
	reportdata = memdup_user(req->reportdata, TDX_REPORTDATA_LEN);
	if (IS_ERR(reportdata))
		return PTR_ERR(reportdata);
	tdreport = kmalloc(TDX_REPORT_LEN, GFP_KERNEL);
	if (!tdreport) {
		ret = -ENOMEM;
		goto free_reportdata;
	}

	ret = tdx_guest_mr_report(tg, reportdata, tdreport);
	if (ret)
		goto free_tdreport;

	if (copy_to_user(req->tdreport, tdreport, TDX_REPORT_LEN))
		ret = -EFAULT;

free_tdreport:
	kfree(tdreport);
free_reportdata:
	kfree(reportdata);
	return ret;
}

/* Never takes the quote lock: a TDREPORT does not wait behind a quote */
static long tdx_guest_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	switch (cmd) {
	case TDX_CMD_GET_REPORT0:
		return tdx_get_report0(to_tdx_guest(file),
				       (struct tdx_report_req __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations tdx_guest_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = tdx_guest_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static ssize_t completion_mode_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	/* misc_register() makes the miscdevice the device's drvdata */
	struct miscdevice *misc = dev_get_drvdata(dev);
	struct tdx_guest *tg = container_of(misc, struct tdx_guest, misc);

	return sysfs_emit(buf, "%s\n", tdx_completion_mode_name(tg->mode));
}
static DEVICE_ATTR_RO(completion_mode);

static struct attribute *tdx_guest_attrs[] = {
	&dev_attr_completion_mode.attr,
	NULL
};

static const struct attribute_group tdx_guest_group = {
	.attrs = tdx_guest_attrs,
};

/* completion_mode, and the measurements/ directory (tdx-mr.c) */
static const struct attribute_group *tdx_guest_groups[] = {
	&tdx_guest_group,
	&tdx_mr_group,
	NULL
};

/* The CPU the event-notify interrupt targets, -1 when polling */
static int tdx_event_cpu_get(void *data, u64 *val)
{
	struct tdx_guest *tg = data;

	*val = (s64)tg->event_cpu;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE_SIGNED(tdx_event_cpu_fops, tdx_event_cpu_get, NULL,
				"%lld\n");

/* Counters and the event-notify setup, for tests and for debugging */
static void tdx_guest_debugfs_init(struct tdx_guest *tg)
{
	struct dentry *dir = debugfs_create_dir(KBUILD_MODNAME, NULL);

	tg->debugfs = dir;
	debugfs_create_atomic_t("interrupts", 0400, dir,
				&tg->stats.interrupts);
	debugfs_create_atomic_t("spurious_interrupts", 0400, dir,
				&tg->stats.spurious_interrupts);
	debugfs_create_atomic_t("idle_interrupts", 0400, dir,
				&tg->stats.idle_interrupts);
	debugfs_create_atomic_t("quotes_ok", 0400, dir, &tg->stats.quotes_ok);
	debugfs_create_atomic_t("quotes_failed", 0400, dir,
				&tg->stats.quotes_failed);
	debugfs_create_atomic_t("completions_by_check", 0400, dir,
				&tg->stats.completions_by_check);
	debugfs_create_atomic_t("quotes_mismatched", 0400, dir,
				&tg->stats.quotes_mismatched);
	debugfs_create_atomic_t("event_moves", 0400, dir,
				&tg->stats.event_moves);
	debugfs_create_atomic_t("quote_retries", 0400, dir,
				&tg->stats.quote_retries);
	debugfs_create_atomic_t("quotes_in_flight", 0400, dir,
				&tg->stats.quotes_in_flight);
	/* Read without quote_pool_lock: a snapshot, for tests and debugging */
	debugfs_create_u32("abandoned_buffers", 0400, dir,
			   &tg->quote_nr_abandoned);
	debugfs_create_file_unsafe("event_cpu", 0400, dir, tg,
				   &tdx_event_cpu_fops);
	debugfs_create_u8("event_vector", 0400, dir, &tg->event_vector);
}

/* Autoload in a TDX guest; elsewhere the module is loaded by hand */
static const struct x86_cpu_id tdx_guest_ids[] = {
	X86_MATCH_FEATURE(X86_FEATURE_TDX_GUEST, NULL),
	{}
};
MODULE_DEVICE_TABLE(x86cpu, tdx_guest_ids);

/*
 * TDCALL reaches a TDX module only in a TD: anywhere else it raises #UD.
 * The CPU says which (on machines without TDX, the TDX platform emulator
 * makes it say so while it stands in for the module).
 */
static int tdx_guest_check_cpu(void)
{
	if (!x86_match_cpu(tdx_guest_ids)) {
		pr_err("not a TDX guest\n");
		return -ENODEV;
	}
	return 0;
}

/*
 * Another TDX guest driver owns the TD's attestation already: the kernel's
 * own built in (a loaded in-tree module has our module name, so the
 * module loader refuses us before this runs), or any module holding the
 * tdx_guest misc device, which misc_register() then reports. Both are
 * found before anything reaches the host: SetupEventNotifyInterrupt
 * cannot be taken back, and the host would then signal a vector that the
 * other driver does not expect.
 */
static int tdx_guest_check_builtin(void)
{
	if (IS_BUILTIN(CONFIG_TDX_GUEST_DRIVER)) {
		pr_err("this kernel has its own TDX guest driver built in: not loading\n");
		return -EEXIST;
	}
	return 0;
}

static int __init tdx_guest_init(void)
{
	struct tdx_guest *tg = &tdx_guest;
	int ret;

	ret = tdx_guest_check_builtin();
	if (ret)
		return ret;

	ret = tdx_guest_check_cpu();
	if (ret)
		return ret;

	ret = tdx_mr_init(tg);
	if (ret)
		return ret;

	tg->misc.name = KBUILD_MODNAME;
	tg->misc.minor = MISC_DYNAMIC_MINOR;
	tg->misc.fops = &tdx_guest_fops;
	tg->misc.groups = tdx_guest_groups;
	ret = misc_register(&tg->misc);
	if (ret) {
		if (ret == -EEXIST)
			pr_err("a tdx_guest device exists already (another TDX guest driver?): not loading\n");
		goto exit_mr;
	}

	ret = tdx_quote_init(tg);
	if (ret)
		goto deregister_misc;

	tdx_event_init(tg, force_polling);

	ret = tdx_quote_register(tg);
	if (ret)
		goto exit_event;

	tdx_guest_debugfs_init(tg);
	pr_info("ready, GetQuote completion by %s\n",
		tdx_completion_mode_name(tg->mode));
	return 0;

exit_event:
	tdx_event_exit(tg);
	tdx_quote_exit(tg);
deregister_misc:
	misc_deregister(&tg->misc);
exit_mr:
	tdx_mr_exit(tg);
	pr_err("attestation is not available (%d)\n", ret);
	return ret;
}
module_init(tdx_guest_init);

static void __exit tdx_guest_exit(void)
{
	struct tdx_guest *tg = &tdx_guest;

	debugfs_remove(tg->debugfs);
	/* A request waiting for the host would hold up the unregistration */
	tdx_quote_abort(tg);
	tdx_quote_unregister(tg);
	tdx_event_exit(tg);
	tdx_quote_exit(tg);
	misc_deregister(&tg->misc);
	tdx_mr_exit(tg);
}
module_exit(tdx_guest_exit);

MODULE_DESCRIPTION("Intel TDX guest attestation driver and TSM provider");
MODULE_LICENSE("GPL");
/*
 * The package's version (dkms.conf). The in-tree tdx_guest has none: with
 * none here either, dkms takes the two for the same module ("DKMS will not
 * replace this module") and leaves the in-tree one in place.
 */
MODULE_VERSION("1.0");
