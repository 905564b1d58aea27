// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TD's measurement registers in sysfs, the ABI of the kernel's tsm-mr
 * (v6.16) on every kernel we build for:
 *
 *   /sys/devices/virtual/misc/tdx_guest/measurements/
 *	mrconfigid mrowner mrownerconfig mrtd:sha384	0444
 *	rtmr0:sha384 ... rtmr3:sha384			0644
 *
 * Each file is the register's 48 raw bytes, read from a TDREPORT the
 * driver caches; an extend makes the cache stale and the next read takes
 * a new TDREPORT. Writing 48 bytes to an RTMR extends it with them
 * (TDG.MR.RTMR.EXTEND). See
 * Documentation/ABI/testing/sysfs-devices-virtual-misc-tdx_guest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <coco-tsm/kcompat.h>

#include "tdx-guest.h"

/* Where a register is in the TDREPORT */
#define TDX_MR_OFF(field)	(TDX_REPORT_OFF_TDINFO + TDX_TDINFO_OFF_##field)
#define TDX_MR_OFF_RTMR(i)	(TDX_REPORT_OFF_TDINFO + TDX_TDINFO_OFF_RTMR(i))

static struct tdx_guest *tdx_mr_guest(struct kobject *kobj)
{
	/* misc_register() makes the miscdevice the device's drvdata */
	struct miscdevice *misc = dev_get_drvdata(kobj_to_dev(kobj));

	return container_of(misc, struct tdx_guest, misc);
}

/* A new TDREPORT for the cache; called with tg->mr_lock held */
static int tdx_mr_refresh(struct tdx_guest *tg)
{
	int ret;

	ret = __tdx_guest_mr_report(tg, tg->mr_reportdata, tg->mr_report);
	tg->mr_valid = !ret;
	return ret;
}

static ssize_t tdx_mr_read(struct file *file, struct kobject *kobj,
			   coco_bin_attr_const struct bin_attribute *attr,
			   char *buf, loff_t off, size_t count)
{
	struct tdx_guest *tg = tdx_mr_guest(kobj);
	size_t mr_off = (uintptr_t)attr->private;
	int ret = 0;

	/* sysfs keeps reads inside the file's size; so do we */
	if (off < 0 || off >= TDX_MR_SIZE)
		return 0;
	count = min_t(size_t, count, TDX_MR_SIZE - off);

	mutex_lock(&tg->mr_lock);
	if (!tg->mr_valid)
		ret = tdx_mr_refresh(tg);
	if (!ret)
		memcpy(buf, tg->mr_report + mr_off + off, count);
	mutex_unlock(&tg->mr_lock);

	return ret ? ret : count;
}

static ssize_t tdx_mr_rtmr_write(struct file *file, struct kobject *kobj,
				 coco_bin_attr_const struct bin_attribute *attr,
				 char *buf, loff_t off, size_t count)
{
	struct tdx_guest *tg = tdx_mr_guest(kobj);
	size_t mr_off = (uintptr_t)attr->private;
	unsigned int index = (mr_off - TDX_MR_OFF_RTMR(0)) / TDX_MR_SIZE;
	int ret;

	/* One whole digest in one write: no partial extends */
	if (off != 0 || count != TDX_MR_SIZE)
		return -EINVAL;

	mutex_lock(&tg->mr_lock);
	ret = __tdx_guest_rtmr_extend(tg, index, buf);
	/* Even a failed call leaves the cache in doubt: take a new one */
	tg->mr_valid = false;
	mutex_unlock(&tg->mr_lock);

	return ret ? ret : count;
}

#define TDX_MR_ATTR(_var, _name, _off, _mode, _write)			\
	static struct bin_attribute tdx_mr_attr_##_var = {		\
		.attr	= { .name = _name, .mode = _mode },		\
		.size	= TDX_MR_SIZE,					\
		.private = (void *)(uintptr_t)(_off),			\
		.read	= tdx_mr_read,					\
		.write	= _write,					\
	}

TDX_MR_ATTR(rtmr0, "rtmr0:sha384", TDX_MR_OFF_RTMR(0), 0644,
	    tdx_mr_rtmr_write);
TDX_MR_ATTR(rtmr1, "rtmr1:sha384", TDX_MR_OFF_RTMR(1), 0644,
	    tdx_mr_rtmr_write);
TDX_MR_ATTR(rtmr2, "rtmr2:sha384", TDX_MR_OFF_RTMR(2), 0644,
	    tdx_mr_rtmr_write);
TDX_MR_ATTR(rtmr3, "rtmr3:sha384", TDX_MR_OFF_RTMR(3), 0644,
	    tdx_mr_rtmr_write);
TDX_MR_ATTR(mrtd, "mrtd:sha384", TDX_MR_OFF(MRTD), 0444, NULL);
TDX_MR_ATTR(mrconfigid, "mrconfigid", TDX_MR_OFF(MRCONFIGID), 0444, NULL);
TDX_MR_ATTR(mrowner, "mrowner", TDX_MR_OFF(MROWNER), 0444, NULL);
TDX_MR_ATTR(mrownerconfig, "mrownerconfig", TDX_MR_OFF(MROWNERCONFIG), 0444,
	    NULL);

static coco_bin_attr_const struct bin_attribute *coco_bin_attr_const
tdx_mr_attrs[] = {
	&tdx_mr_attr_rtmr0,
	&tdx_mr_attr_rtmr1,
	&tdx_mr_attr_rtmr2,
	&tdx_mr_attr_rtmr3,
	&tdx_mr_attr_mrtd,
	&tdx_mr_attr_mrconfigid,
	&tdx_mr_attr_mrowner,
	&tdx_mr_attr_mrownerconfig,
	NULL
};

/* The measurements/ directory of the tdx_guest device */
const struct attribute_group tdx_mr_group = {
	.name = "measurements",
	.bin_attrs = tdx_mr_attrs,
};

/**
 * tdx_mr_init() - set up the measurement registers' cache
 * @tg: the driver
 *
 * Called before the tdx_guest device, and so its measurements files,
 * exists. The cache starts stale: the first read takes a TDREPORT.
 *
 * Return: 0 or -ENOMEM.
 */
int tdx_mr_init(struct tdx_guest *tg)
{
	mutex_init(&tg->mr_lock);
	tg->mr_valid = false;

	/* kmalloc() aligns power-of-two sizes naturally, as TDX wants */
	tg->mr_report = kmalloc(TDX_REPORT_SIZE, GFP_KERNEL);
	if (!tg->mr_report)
		goto destroy_lock;
	tg->mr_reportdata = kzalloc(TDX_REPORTDATA_SIZE, GFP_KERNEL);
	if (!tg->mr_reportdata)
		goto free_report;
	tg->mr_extend_data = kzalloc(TDX_RTMR_EXTEND_ALIGN, GFP_KERNEL);
	if (!tg->mr_extend_data)
		goto free_reportdata;
	return 0;

free_reportdata:
	kfree(tg->mr_reportdata);
free_report:
	kfree(tg->mr_report);
destroy_lock:
	mutex_destroy(&tg->mr_lock);
	return -ENOMEM;
}

/**
 * tdx_mr_exit() - free what tdx_mr_init() set up
 * @tg: the driver, whose tdx_guest device is gone
 */
void tdx_mr_exit(struct tdx_guest *tg)
{
	kfree(tg->mr_extend_data);
	kfree(tg->mr_reportdata);
	kfree(tg->mr_report);
	mutex_destroy(&tg->mr_lock);
}
