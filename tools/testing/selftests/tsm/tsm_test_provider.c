// SPDX-License-Identifier: GPL-2.0-only
/*
 * A configfs-tsm report provider for testing the report core: it shows
 * every optional attribute and its reports spell out the inputs they were
 * made from. Module parameters (/sys/module/tsm_test_provider/parameters/)
 * steer it:
 *
 * delay_ms:	  sleep (killable) this long in every report_new call
 * fail_errno:	  when non-zero, report_new fails with -fail_errno
 * calls:	  number of report_new calls so far; write to reset
 * outblob_size:  0: outblob is the text description of the call;
 *		  otherwise that text padded (or cut) to exactly this size
 * extra_blobs:	  fill auxblob and manifestblob too (default); when
 *		  off, both stay empty
 * empty_outblob: succeed with no outblob at all (NULL, length 0), as a
 *		  provider whose host gave an empty answer may
 * privlevel_floor: the provider's privlevel floor
 * register_second: writing anything tries to register a second provider
 *		  and hands tsm_register()'s errno to the writer
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <coco-tsm/tsm-provider.h>

static unsigned int delay_ms;
module_param(delay_ms, uint, 0644);
MODULE_PARM_DESC(delay_ms, "Killable delay in every report_new call");

static unsigned int fail_errno;
module_param(fail_errno, uint, 0644);
MODULE_PARM_DESC(fail_errno, "Fail report_new with -fail_errno when non-zero");

static unsigned int outblob_size;
module_param(outblob_size, uint, 0644);
MODULE_PARM_DESC(outblob_size, "0: text outblob; else pad or cut it to this size");

static bool extra_blobs = true;
module_param(extra_blobs, bool, 0644);
MODULE_PARM_DESC(extra_blobs, "Fill auxblob and manifestblob");

static bool empty_outblob;
module_param(empty_outblob, bool, 0644);
MODULE_PARM_DESC(empty_outblob, "Succeed with no outblob (and no other blob)");

/* Counts calls for every entry at once, hence atomic. */
static atomic_t calls = ATOMIC_INIT(0);

static int calls_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int rc;

	rc = kstrtouint(val, 0, &v);
	if (rc)
		return rc;
	atomic_set(&calls, v);
	return 0;
}

static int calls_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&calls));
}

static const struct kernel_param_ops calls_ops = {
	.set = calls_set,
	.get = calls_get,
};
module_param_cb(calls, &calls_ops, NULL, 0644);
MODULE_PARM_DESC(calls, "Number of report_new calls (write to reset)");

static int tsm_test_report_new(struct tsm_report *report, void *data);

static struct coco_tsm_ops tsm_test_ops = {
	.name = "tsm_test",
	.report_new = tsm_test_report_new,
};
module_param_named(privlevel_floor, tsm_test_ops.privlevel_floor, uint, 0644);
MODULE_PARM_DESC(privlevel_floor, "privlevel_floor of the provider");

static const struct coco_tsm_ops tsm_test_second_ops = {
	.name = "tsm_test_second",
	.report_new = tsm_test_report_new,
};

static int register_second_set(const char *val, const struct kernel_param *kp)
{
	int rc;

	rc = coco_tsm_register(&tsm_test_second_ops, NULL);
	if (!rc)
		rc = coco_tsm_unregister(&tsm_test_second_ops);
	return rc;
}

static const struct kernel_param_ops register_second_ops = {
	.set = register_second_set,
};
module_param_cb(register_second, &register_second_ops, NULL, 0200);
MODULE_PARM_DESC(register_second, "Write: try to register a second provider, get its errno");

/* Returns -EINTR as soon as the caller is being killed. */
static int tsm_test_delay(unsigned int ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms);

	while (time_before(jiffies, end)) {
		if (fatal_signal_pending(current))
			return -EINTR;
		schedule_timeout_killable(end - jiffies);
	}
	return fatal_signal_pending(current) ? -EINTR : 0;
}

/*
 * The description of the call: everything that went into the report, and
 * which call made it, so tests can tell one report from another.
 */
static char *tsm_test_describe(const struct coco_tsm_desc *desc, int call)
{
	return kasprintf(GFP_KERNEL,
			 "provider=tsm_test\ncall=%d\ninblob_len=%zu\ninblob=%*phN\nprivlevel=%u\nservice_provider=%s\nservice_guid=%pUl\nservice_manifest_version=%u\n",
			 call, desc->inblob_len, (int)desc->inblob_len,
			 desc->inblob, desc->privlevel,
			 desc->service_provider ?: "",
			 &desc->service_guid, desc->service_manifest_version);
}

static u8 *tsm_test_outblob(const char *text, size_t *len)
{
	size_t text_len = strlen(text);
	size_t size = outblob_size ?: text_len;
	u8 *blob;

	blob = kvzalloc(size, GFP_KERNEL);
	if (!blob)
		return NULL;
	memcpy(blob, text, min(size, text_len));
	*len = size;
	return blob;
}

static u8 *tsm_test_blob(const char *kind, int call, size_t *len)
{
	char *text = kasprintf(GFP_KERNEL, "tsm_test %s call=%d\n", kind, call);
	u8 *blob = NULL;

	if (!text)
		return NULL;
	*len = strlen(text);
	blob = kvmalloc(*len, GFP_KERNEL);
	if (blob)
		memcpy(blob, text, *len);
	kfree(text);
	return blob;
}

static int tsm_test_report_new(struct tsm_report *report, void *data)
{
	int call = atomic_inc_return(&calls);
	unsigned int err = READ_ONCE(fail_errno);
	char *text;
	int rc;

	rc = tsm_test_delay(READ_ONCE(delay_ms));
	if (rc)
		return rc;
	if (err)
		return -(int)err;
	if (READ_ONCE(empty_outblob))
		return 0;

	text = tsm_test_describe(&report->desc, call);
	if (!text)
		return -ENOMEM;

	rc = -ENOMEM;
	report->outblob = tsm_test_outblob(text, &report->outblob_len);
	if (!report->outblob)
		goto free_text;
	if (!READ_ONCE(extra_blobs)) {
		kfree(text);
		return 0;
	}
	report->auxblob = tsm_test_blob("aux", call, &report->auxblob_len);
	if (!report->auxblob)
		goto free_outblob;
	report->manifestblob = tsm_test_blob("manifest", call,
					     &report->manifestblob_len);
	if (!report->manifestblob)
		goto free_auxblob;
	kfree(text);
	return 0;

free_auxblob:
	kvfree(report->auxblob);
	report->auxblob = NULL;
free_outblob:
	kvfree(report->outblob);
	report->outblob = NULL;
free_text:
	kfree(text);
	return rc;
}

static int __init tsm_test_init(void)
{
	return coco_tsm_register(&tsm_test_ops, NULL);
}
module_init(tsm_test_init);

static void __exit tsm_test_exit(void)
{
	coco_tsm_unregister(&tsm_test_ops);
}
module_exit(tsm_test_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("configfs-tsm test report provider");
