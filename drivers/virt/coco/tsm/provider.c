// SPDX-License-Identifier: GPL-2.0-only
/*
 * The provider slot of the configfs-tsm report core: at most one provider
 * (a TSM driver) is registered at a time.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/rwsem.h>
#include <coco-tsm/tsm.h>

#include "tsm-core.h"

/**
 * struct tsm_provider - the registered provider and what depends on it
 * @rwsem: held for read across every use of @ops, including the whole of
 *	&tsm_ops.report_new, so that calls for different entries run
 *	concurrently; held for write by tsm_register() and tsm_unregister(),
 *	which therefore wait for calls in flight before the provider can go.
 * @ops: the provider's operations, NULL when none is registered
 * @data: the provider's private argument to &tsm_ops.report_new
 * @entries: report entries between make_item and drop_item. The entries'
 *	attribute set was fixed by the provider registered when they were
 *	created, so a new provider may only register once this is zero.
 */
struct tsm_provider {
	struct rw_semaphore rwsem;
	const struct tsm_ops *ops;
	void *data;
	atomic_t entries;
};

static struct tsm_provider provider = {
	.rwsem = __RWSEM_INITIALIZER(provider.rwsem),
	.entries = ATOMIC_INIT(0),
};

/**
 * tsm_provider_read_lock() - pin the provider slot
 *
 * Return: 0, or -EINTR when a fatal signal arrived while waiting (only
 * possible while a register or unregister waits for calls in flight).
 */
int tsm_provider_read_lock(void)
{
	return down_read_killable(&provider.rwsem) ? -EINTR : 0;
}

void tsm_provider_read_unlock(void)
{
	up_read(&provider.rwsem);
}

/**
 * tsm_provider_ops() - the registered provider's operations
 *
 * Return: the operations, or NULL when no provider is registered. Only
 * stable under tsm_provider_read_lock().
 */
const struct tsm_ops *tsm_provider_ops(void)
{
	lockdep_assert_held(&provider.rwsem);
	return provider.ops;
}

/**
 * tsm_provider_add_entry() - account a new report entry
 *
 * Return: 0, -ENXIO when no provider is registered (there is nobody to
 * decide the entry's attribute set), -EINTR on a fatal signal.
 */
int tsm_provider_add_entry(void)
{
	int rc;

	rc = tsm_provider_read_lock();
	if (rc)
		return rc;
	if (provider.ops)
		atomic_inc(&provider.entries);
	else
		rc = -ENXIO;
	tsm_provider_read_unlock();
	return rc;
}

void tsm_provider_del_entry(void)
{
	atomic_dec(&provider.entries);
}

static void tsm_report_free_blobs(struct tsm_report *report)
{
	kvfree(report->outblob);
	kvfree(report->auxblob);
	kvfree(report->manifestblob);
	report->outblob = NULL;
	report->auxblob = NULL;
	report->manifestblob = NULL;
}

/**
 * tsm_provider_report_new() - have the provider generate a report
 * @report: descriptor snapshot in, blobs out (all blob pointers NULL on entry)
 *
 * The slot is held for read only, so calls for other entries and every
 * attribute access proceed meanwhile.
 *
 * Return: 0 with the blobs filled in, or -errno with no blob left behind:
 * -ENXIO when no provider is registered, -EINTR on a fatal signal, or the
 * provider's error.
 */
int tsm_provider_report_new(struct tsm_report *report)
{
	int rc;

	rc = tsm_provider_read_lock();
	if (rc)
		return rc;
	if (provider.ops)
		rc = provider.ops->report_new(report, provider.data);
	else
		rc = -ENXIO;
	tsm_provider_read_unlock();

	if (rc < 0) {
		tsm_report_free_blobs(report);
		return rc;
	}
	/* Never let a length describe a buffer that is not there. */
	if (!report->outblob)
		report->outblob_len = 0;
	if (!report->auxblob)
		report->auxblob_len = 0;
	if (!report->manifestblob)
		report->manifestblob_len = 0;
	return 0;
}

/**
 * tsm_register() - register a report provider
 * @ops: the provider's operations and attribute visibility
 * @priv: private argument passed to @ops->report_new
 *
 * The visibility hooks are evaluated here: they fix the attribute set of
 * every report entry created until the provider unregisters.
 *
 * Context: process context, may sleep.
 * Return: 0 on success; -EINVAL when @ops lacks a name or report_new;
 * -EBUSY when a provider is already registered, or when report entries
 * made for a previous provider still exist (they must be removed with
 * rmdir first).
 */
int tsm_register(const struct tsm_ops *ops, void *priv)
{
	int rc = 0;

	if (!ops || !ops->name || !ops->report_new)
		return -EINVAL;

	down_write(&provider.rwsem);
	if (provider.ops) {
		pr_err("\"%s\" ops already registered\n", provider.ops->name);
		rc = -EBUSY;
	} else if (atomic_read(&provider.entries)) {
		pr_err("configfs/tsm/report not empty\n");
		rc = -EBUSY;
	} else {
		tsm_report_set_attrs(ops);
		provider.ops = ops;
		provider.data = priv;
	}
	up_write(&provider.rwsem);
	return rc;
}
EXPORT_SYMBOL_GPL(tsm_register);

/**
 * tsm_unregister() - unregister the report provider
 * @ops: the operations passed to tsm_register()
 *
 * Waits for the provider's report_new() calls in flight. Report entries
 * may outlive the provider: their cached reports stay readable, anything
 * that needs the provider then fails with -ENXIO.
 *
 * Context: process context, may sleep.
 * Return: 0 on success, -EBUSY when @ops is not the registered provider.
 */
int tsm_unregister(const struct tsm_ops *ops)
{
	int rc = 0;

	down_write(&provider.rwsem);
	if (ops != provider.ops) {
		rc = -EBUSY;
	} else {
		if (atomic_read(&provider.entries))
			pr_warn("\"%s\" unregistered with items present in configfs/tsm/report\n",
				ops->name);
		provider.ops = NULL;
		provider.data = NULL;
	}
	up_write(&provider.rwsem);
	return rc;
}
EXPORT_SYMBOL_GPL(tsm_unregister);
