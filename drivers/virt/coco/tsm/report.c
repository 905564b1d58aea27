// SPDX-License-Identifier: GPL-2.0-only
/*
 * Report entries of the configfs-tsm report core:
 * /sys/kernel/config/tsm/report/$name/.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <coco-tsm/tsm.h>
#include <linux/uuid.h>

#include "tsm-core.h"

/**
 * DOC: Attestation report entries
 *
 * Each directory created under tsm/report is an independent report entry:
 * userspace writes the options (inblob, privlevel, service_*), and reading
 * outblob, auxblob or manifestblob has the provider generate a report for
 * them. The 'provider' attribute names the format of the blobs.
 *
 * Every successful store advances the entry's write generation. A
 * generated report is cached together with the generation of the options
 * it was made from, and is served again for as long as that generation is
 * current.
 *
 * A report can take seconds to generate (a TDX quote goes to the host), so
 * the provider runs on a private snapshot of the options and with no
 * entry lock held other than @gen_lock: the entry's attributes stay
 * usable meanwhile, and other entries generate their reports in parallel.
 */

/**
 * struct tsm_entry - state of one report entry
 * @item: the configfs item, its directory
 * @gen_lock: serialises report generation for this entry, so that
 *	concurrent readers of one generation cause a single provider call:
 *	the others wait here and then find the cached report. Taken
 *	killable; it may be held across a whole provider call.
 * @lock: protects the members below; never held across a provider call
 * @report: the options userspace wrote (@report.desc) and the cached blobs
 * @write_generation: count of successful stores
 * @read_generation: @write_generation of the options the cached blobs
 *	were generated from
 */
struct tsm_entry {
	struct config_item item;
	struct mutex gen_lock;	/* one report generation at a time */
	struct mutex lock;	/* short holds: options, generations, blobs */
	struct tsm_report report;
	unsigned long write_generation;
	unsigned long read_generation;
};

enum tsm_blob {
	TSM_BLOB_OUT,
	TSM_BLOB_AUX,
	TSM_BLOB_MANIFEST,
};

static struct tsm_entry *to_tsm_entry(struct config_item *item)
{
	return container_of(item, struct tsm_entry, item);
}

static int tsm_entry_advance_generation(struct tsm_entry *e)
{
	lockdep_assert_held(&e->lock);

	/*
	 * Stop accepting updates once enough writes without an interim read
	 * would make the cached report look current again by wrapping
	 * around; reading a report lifts the block.
	 */
	if (e->write_generation == e->read_generation - 1)
		return -EBUSY;
	e->write_generation++;
	return 0;
}

static ssize_t tsm_report_generation_show(struct config_item *item, char *buf)
{
	struct tsm_entry *e = to_tsm_entry(item);
	unsigned long gen;

	mutex_lock(&e->lock);
	gen = e->write_generation;
	mutex_unlock(&e->lock);

	return sysfs_emit(buf, "%lu\n", gen);
}
CONFIGFS_ATTR_RO(tsm_report_, generation);

static ssize_t tsm_report_provider_show(struct config_item *item, char *buf)
{
	const struct tsm_ops *ops;
	ssize_t rc;

	rc = tsm_provider_read_lock();
	if (rc)
		return rc;
	ops = tsm_provider_ops();
	rc = ops ? sysfs_emit(buf, "%s\n", ops->name) : -ENXIO;
	tsm_provider_read_unlock();
	return rc;
}
CONFIGFS_ATTR_RO(tsm_report_, provider);

static ssize_t tsm_report_privlevel_store(struct config_item *item,
					  const char *buf, size_t len)
{
	struct tsm_entry *e = to_tsm_entry(item);
	const struct tsm_ops *ops;
	unsigned int val;
	int rc;

	rc = kstrtouint(buf, 0, &val);
	if (rc)
		return rc;

	rc = tsm_provider_read_lock();
	if (rc)
		return rc;
	ops = tsm_provider_ops();
	if (!ops) {
		rc = -ENXIO;
	} else if (val < ops->privlevel_floor || val > TSM_PRIVLEVEL_MAX) {
		/* the provider decides the lowest level it accepts */
		rc = -EINVAL;
	} else {
		mutex_lock(&e->lock);
		rc = tsm_entry_advance_generation(e);
		if (!rc)
			e->report.desc.privlevel = val;
		mutex_unlock(&e->lock);
	}
	tsm_provider_read_unlock();

	return rc ? rc : len;
}
CONFIGFS_ATTR_WO(tsm_report_, privlevel);

static ssize_t tsm_report_privlevel_floor_show(struct config_item *item,
					       char *buf)
{
	const struct tsm_ops *ops;
	ssize_t rc;

	rc = tsm_provider_read_lock();
	if (rc)
		return rc;
	ops = tsm_provider_ops();
	rc = ops ? sysfs_emit(buf, "%u\n", ops->privlevel_floor) : -ENXIO;
	tsm_provider_read_unlock();
	return rc;
}
CONFIGFS_ATTR_RO(tsm_report_, privlevel_floor);

static ssize_t tsm_report_service_provider_store(struct config_item *item,
						 const char *buf, size_t len)
{
	struct tsm_entry *e = to_tsm_entry(item);
	size_t sp_len = len;
	char *sp;
	int rc;

	if (sp_len && buf[sp_len - 1] == '\n')
		sp_len--;
	sp = kstrndup(buf, sp_len, GFP_KERNEL);

	mutex_lock(&e->lock);
	/* as upstream: an allocation failure still consumes a generation */
	rc = tsm_entry_advance_generation(e);
	if (!rc && !sp)
		rc = -ENOMEM;
	if (!rc)
		swap(e->report.desc.service_provider, sp);
	mutex_unlock(&e->lock);
	kfree(sp);

	return rc ? rc : len;
}
CONFIGFS_ATTR_WO(tsm_report_, service_provider);

static ssize_t tsm_report_service_guid_store(struct config_item *item,
					     const char *buf, size_t len)
{
	struct tsm_entry *e = to_tsm_entry(item);
	guid_t guid;
	int parsed, rc;

	parsed = guid_parse(buf, &guid);
	if (parsed)
		guid = guid_null;

	/*
	 * As upstream, a malformed GUID is a store too: the generation
	 * advances, the GUID is cleared and the writer gets the error.
	 */
	mutex_lock(&e->lock);
	rc = tsm_entry_advance_generation(e);
	if (!rc) {
		e->report.desc.service_guid = guid;
		rc = parsed;
	}
	mutex_unlock(&e->lock);

	return rc ? rc : len;
}
CONFIGFS_ATTR_WO(tsm_report_, service_guid);

static ssize_t tsm_report_service_manifest_version_store(struct config_item *item,
							 const char *buf,
							 size_t len)
{
	struct tsm_entry *e = to_tsm_entry(item);
	unsigned int val;
	int rc;

	rc = kstrtouint(buf, 0, &val);
	if (rc)
		return rc;

	mutex_lock(&e->lock);
	rc = tsm_entry_advance_generation(e);
	if (!rc)
		e->report.desc.service_manifest_version = val;
	mutex_unlock(&e->lock);

	return rc ? rc : len;
}
CONFIGFS_ATTR_WO(tsm_report_, service_manifest_version);

/*
 * configfs calls this at close() of a written inblob fd, with everything
 * written through that fd, and drops the return value.
 */
static ssize_t tsm_report_inblob_write(struct config_item *item,
				       const void *buf, size_t count)
{
	struct tsm_entry *e = to_tsm_entry(item);
	int rc;

	if (count > TSM_INBLOB_MAX)
		return -EFBIG;

	mutex_lock(&e->lock);
	rc = tsm_entry_advance_generation(e);
	if (!rc) {
		e->report.desc.inblob_len = count;
		if (count)
			memcpy(e->report.desc.inblob, buf, count);
	}
	mutex_unlock(&e->lock);

	return rc ? rc : count;
}
CONFIGFS_BIN_ATTR_WO(tsm_report_, inblob, NULL, TSM_INBLOB_MAX);

static void tsm_report_blob(const struct tsm_report *report,
			    enum tsm_blob which, const u8 **blob, size_t *len)
{
	switch (which) {
	case TSM_BLOB_OUT:
		*blob = report->outblob;
		*len = report->outblob_len;
		break;
	case TSM_BLOB_AUX:
		*blob = report->auxblob;
		*len = report->auxblob_len;
		break;
	default:
		*blob = report->manifestblob;
		*len = report->manifestblob_len;
		break;
	}
}

/* configfs asks for the size with a NULL @buf, then for the data */
static ssize_t tsm_report_copy(const struct tsm_report *report,
			       enum tsm_blob which, void *buf, size_t count)
{
	const u8 *blob;
	size_t len;

	tsm_report_blob(report, which, &blob, &len);
	if (len > TSM_OUTBLOB_MAX)
		return -EFBIG;
	if (!buf)
		return len;

	/*
	 * configfs returns @count bytes whatever we return: never leave
	 * part of its buffer uninitialised.
	 */
	if (len < count)
		memset(buf + len, 0, count - len);
	count = min(count, len);
	memcpy(buf, blob, count);
	return count;
}

/*
 * The cache is keyed on outblob alone, as upstream: a provider that
 * succeeded without one made no report, so the next read asks it again
 * (Documentation/ABI/testing/configfs-tsm-report, outblob).
 */
static bool tsm_entry_cache_valid(struct tsm_entry *e)
{
	lockdep_assert_held(&e->lock);
	return e->report.outblob && e->read_generation == e->write_generation;
}

static ssize_t tsm_entry_read_cached(struct tsm_entry *e, enum tsm_blob which,
				     void *buf, size_t count)
{
	const u8 *blob;
	size_t len;

	lockdep_assert_held(&e->lock);

	/*
	 * configfs reads a blob in two calls on the same fd: the size (NULL
	 * @buf), then the data. The data call gets the report whose size
	 * the first call returned, even when a store made it stale in
	 * between: a read takes effect at its first call and never returns
	 * a mix of two reports.
	 */
	tsm_report_blob(&e->report, which, &blob, &len);
	if (buf && e->report.outblob && len == count)
		return tsm_report_copy(&e->report, which, buf, count);

	if (!e->report.desc.inblob_len)
		return -EINVAL;
	if (!tsm_entry_cache_valid(e))
		return -EWOULDBLOCK;
	return tsm_report_copy(&e->report, which, buf, count);
}

/* Copy the options, so that the provider runs without @e->lock held. */
static int tsm_entry_snapshot(struct tsm_entry *e, struct tsm_desc *desc)
{
	lockdep_assert_held(&e->lock);

	*desc = e->report.desc;
	if (!desc->service_provider)
		return 0;
	desc->service_provider = kstrdup(desc->service_provider, GFP_KERNEL);
	return desc->service_provider ? 0 : -ENOMEM;
}

static void tsm_report_swap_blobs(struct tsm_report *a, struct tsm_report *b)
{
	swap(a->outblob, b->outblob);
	swap(a->outblob_len, b->outblob_len);
	swap(a->auxblob, b->auxblob);
	swap(a->auxblob_len, b->auxblob_len);
	swap(a->manifestblob, b->manifestblob);
	swap(a->manifestblob_len, b->manifestblob_len);
}

static ssize_t tsm_report_read(struct tsm_entry *e, enum tsm_blob which,
			       void *buf, size_t count)
{
	struct tsm_report fresh = {};
	unsigned long gen = 0;
	ssize_t rc;

	mutex_lock(&e->lock);
	rc = tsm_entry_read_cached(e, which, buf, count);
	mutex_unlock(&e->lock);
	if (rc != -EWOULDBLOCK)
		return rc;

	if (mutex_lock_killable(&e->gen_lock))
		return -EINTR;

	/* another reader may have generated this report meanwhile */
	mutex_lock(&e->lock);
	rc = tsm_entry_read_cached(e, which, buf, count);
	if (rc == -EWOULDBLOCK) {
		gen = e->write_generation;
		rc = tsm_entry_snapshot(e, &fresh.desc) ?: -EWOULDBLOCK;
	}
	mutex_unlock(&e->lock);
	if (rc != -EWOULDBLOCK)
		goto free_desc;

	rc = tsm_provider_report_new(&fresh);
	if (rc)
		goto free_desc;

	/*
	 * Stores may have happened during the call: the report is still the
	 * one this read asked for, and it is cached under the generation it
	 * was made for, so the next read after those stores makes a new one.
	 */
	mutex_lock(&e->lock);
	tsm_report_swap_blobs(&e->report, &fresh);
	e->read_generation = gen;
	rc = tsm_report_copy(&e->report, which, buf, count);
	mutex_unlock(&e->lock);

	/* @fresh now holds the blobs that were replaced */
	kvfree(fresh.outblob);
	kvfree(fresh.auxblob);
	kvfree(fresh.manifestblob);
free_desc:
	kfree(fresh.desc.service_provider);
	mutex_unlock(&e->gen_lock);
	return rc;
}

static ssize_t tsm_report_outblob_read(struct config_item *item, void *buf,
				       size_t count)
{
	return tsm_report_read(to_tsm_entry(item), TSM_BLOB_OUT, buf, count);
}
CONFIGFS_BIN_ATTR_RO(tsm_report_, outblob, NULL, TSM_OUTBLOB_MAX);

static ssize_t tsm_report_auxblob_read(struct config_item *item, void *buf,
				       size_t count)
{
	return tsm_report_read(to_tsm_entry(item), TSM_BLOB_AUX, buf, count);
}
CONFIGFS_BIN_ATTR_RO(tsm_report_, auxblob, NULL, TSM_OUTBLOB_MAX);

static ssize_t tsm_report_manifestblob_read(struct config_item *item,
					    void *buf, size_t count)
{
	return tsm_report_read(to_tsm_entry(item), TSM_BLOB_MANIFEST, buf,
			       count);
}
CONFIGFS_BIN_ATTR_RO(tsm_report_, manifestblob, NULL, TSM_OUTBLOB_MAX);

/* Every attribute, at the index the provider's visibility hooks use. */
static struct configfs_attribute *const tsm_report_all_attrs[TSM_REPORT_ATTR_MAX] = {
	[TSM_REPORT_GENERATION] = &tsm_report_attr_generation,
	[TSM_REPORT_PROVIDER] = &tsm_report_attr_provider,
	[TSM_REPORT_PRIVLEVEL] = &tsm_report_attr_privlevel,
	[TSM_REPORT_PRIVLEVEL_FLOOR] = &tsm_report_attr_privlevel_floor,
	[TSM_REPORT_SERVICE_PROVIDER] = &tsm_report_attr_service_provider,
	[TSM_REPORT_SERVICE_GUID] = &tsm_report_attr_service_guid,
	[TSM_REPORT_SERVICE_MANIFEST_VER] = &tsm_report_attr_service_manifest_version,
};

static struct configfs_bin_attribute *const tsm_report_all_bin_attrs[TSM_REPORT_BIN_ATTR_MAX] = {
	[TSM_REPORT_INBLOB] = &tsm_report_attr_inblob,
	[TSM_REPORT_OUTBLOB] = &tsm_report_attr_outblob,
	[TSM_REPORT_AUXBLOB] = &tsm_report_attr_auxblob,
	[TSM_REPORT_MANIFESTBLOB] = &tsm_report_attr_manifestblob,
};

/*
 * The attribute set of new entries, NULL-terminated: configfs on this
 * kernel has no is_visible, so the provider's choice is applied here.
 */
static struct configfs_attribute *tsm_report_attrs[TSM_REPORT_ATTR_MAX + 1];
static struct configfs_bin_attribute *tsm_report_bin_attrs[TSM_REPORT_BIN_ATTR_MAX + 1];

/**
 * tsm_report_set_attrs() - apply a provider's attribute visibility
 * @ops: the provider being registered
 *
 * configfs reads the attribute arrays when it populates a new entry,
 * outside any lock of ours. Only call this while no entry exists (the
 * provider slot's entry count is zero under its write lock): entries that
 * are being created are already counted.
 */
void tsm_report_set_attrs(const struct tsm_ops *ops)
{
	unsigned int i, n;

	for (i = 0, n = 0; i < TSM_REPORT_ATTR_MAX; i++) {
		if (ops->report_attr_visible && !ops->report_attr_visible(i))
			continue;
		tsm_report_attrs[n++] = tsm_report_all_attrs[i];
	}
	tsm_report_attrs[n] = NULL;

	for (i = 0, n = 0; i < TSM_REPORT_BIN_ATTR_MAX; i++) {
		if (ops->report_bin_attr_visible &&
		    !ops->report_bin_attr_visible(i))
			continue;
		tsm_report_bin_attrs[n++] = tsm_report_all_bin_attrs[i];
	}
	tsm_report_bin_attrs[n] = NULL;
}

static void tsm_report_item_release(struct config_item *item)
{
	struct tsm_entry *e = to_tsm_entry(item);

	kvfree(e->report.manifestblob);
	kvfree(e->report.auxblob);
	kvfree(e->report.outblob);
	kfree(e->report.desc.service_provider);
	mutex_destroy(&e->lock);
	mutex_destroy(&e->gen_lock);
	kfree(e);
}

static struct configfs_item_operations tsm_report_item_ops = {
	.release = tsm_report_item_release,
};

static const struct config_item_type tsm_report_type = {
	.ct_owner = THIS_MODULE,
	.ct_item_ops = &tsm_report_item_ops,
	.ct_attrs = tsm_report_attrs,
	.ct_bin_attrs = tsm_report_bin_attrs,
};

static struct config_item *tsm_report_make_item(struct config_group *group,
						const char *name)
{
	struct tsm_entry *e;
	int rc;

	rc = tsm_provider_add_entry();
	if (rc)
		return ERR_PTR(rc);

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e) {
		tsm_provider_del_entry();
		return ERR_PTR(-ENOMEM);
	}
	mutex_init(&e->gen_lock);
	mutex_init(&e->lock);
	config_item_init_type_name(&e->item, name, &tsm_report_type);
	return &e->item;
}

/* Also called by configfs when a mkdir fails after make_item. */
static void tsm_report_drop_item(struct config_group *group,
				 struct config_item *item)
{
	config_item_put(item);
	tsm_provider_del_entry();
}

static struct configfs_group_operations tsm_report_group_ops = {
	.make_item = tsm_report_make_item,
	.drop_item = tsm_report_drop_item,
};

const struct config_item_type tsm_report_group_type = {
	.ct_owner = THIS_MODULE,
	.ct_group_ops = &tsm_report_group_ops,
};
