/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * configfs-tsm: the provider API of the attestation report core.
 *
 * The ABI seen by userspace (/sys/kernel/config/tsm/report/) is documented
 * in Documentation/ABI/testing/configfs-tsm-report.
 */
#ifndef __COCO_TSM_TSM_H
#define __COCO_TSM_TSM_H

#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/uuid.h>

#define TSM_INBLOB_MAX 64
#define TSM_OUTBLOB_MAX SZ_16M

/*
 * Privilege level is a nested permission concept to allow confidential
 * guests to partition address space, 4-levels are supported.
 */
#define TSM_PRIVLEVEL_MAX 3

/**
 * struct tsm_desc - option descriptor for generating tsm report blobs
 * @privlevel: optional privilege level to associate with @outblob
 * @inblob_len: sizeof @inblob
 * @inblob: arbitrary input data
 * @service_provider: optional name of where to obtain the tsm report blob
 * @service_guid: optional service-provider service guid to attest
 * @service_manifest_version: optional service-provider service manifest version
 *
 * The core hands providers a private snapshot of the descriptor: it stays
 * stable for the whole of &tsm_ops.report_new even while userspace keeps
 * writing the entry's attributes.
 */
struct tsm_desc {
	unsigned int privlevel;
	size_t inblob_len;
	u8 inblob[TSM_INBLOB_MAX];
	char *service_provider;
	guid_t service_guid;
	unsigned int service_manifest_version;
};

/**
 * struct tsm_report - track state of report generation relative to options
 * @desc: input parameters to @report_new()
 * @outblob_len: sizeof(@outblob)
 * @outblob: generated evidence to provider to the attestation agent
 * @auxblob_len: sizeof(@auxblob)
 * @auxblob: (optional) auxiliary data to the report (e.g. certificate data)
 * @manifestblob_len: sizeof(@manifestblob)
 * @manifestblob: (optional) manifest data associated with the report
 *
 * Blob ownership: the provider allocates the blobs with kvmalloc() or
 * kvzalloc() (6.1 has no kvmemdup()) and the core frees them with kvfree(), also
 * those left set when &tsm_ops.report_new fails. The core hands the
 * provider a report with every blob pointer NULL.
 */
struct tsm_report {
	struct tsm_desc desc;
	size_t outblob_len;
	u8 *outblob;
	size_t auxblob_len;
	u8 *auxblob;
	size_t manifestblob_len;
	u8 *manifestblob;
};

/**
 * enum tsm_attr_index - index used to reference report attributes
 * @TSM_REPORT_GENERATION: index of the report generation number attribute
 * @TSM_REPORT_PROVIDER: index of the provider name attribute
 * @TSM_REPORT_PRIVLEVEL: index of the desired privilege level attribute
 * @TSM_REPORT_PRIVLEVEL_FLOOR: index of the minimum allowed privilege level attribute
 * @TSM_REPORT_SERVICE_PROVIDER: index of the service provider identifier attribute
 * @TSM_REPORT_SERVICE_GUID: index of the service GUID attribute
 * @TSM_REPORT_SERVICE_MANIFEST_VER: index of the service manifest version attribute
 * @TSM_REPORT_ATTR_MAX: number of report attributes
 */
enum tsm_attr_index {
	TSM_REPORT_GENERATION,
	TSM_REPORT_PROVIDER,
	TSM_REPORT_PRIVLEVEL,
	TSM_REPORT_PRIVLEVEL_FLOOR,
	TSM_REPORT_SERVICE_PROVIDER,
	TSM_REPORT_SERVICE_GUID,
	TSM_REPORT_SERVICE_MANIFEST_VER,
	TSM_REPORT_ATTR_MAX,
};

/**
 * enum tsm_bin_attr_index - index used to reference binary report attributes
 * @TSM_REPORT_INBLOB: index of the binary report input attribute
 * @TSM_REPORT_OUTBLOB: index of the binary report output attribute
 * @TSM_REPORT_AUXBLOB: index of the binary auxiliary data attribute
 * @TSM_REPORT_MANIFESTBLOB: index of the binary manifest data attribute
 * @TSM_REPORT_BIN_ATTR_MAX: number of binary report attributes
 */
enum tsm_bin_attr_index {
	TSM_REPORT_INBLOB,
	TSM_REPORT_OUTBLOB,
	TSM_REPORT_AUXBLOB,
	TSM_REPORT_MANIFESTBLOB,
	TSM_REPORT_BIN_ATTR_MAX,
};

/**
 * struct tsm_ops - attributes and operations for tsm instances
 * @name: tsm id reflected in /sys/kernel/config/tsm/report/$report/provider
 * @privlevel_floor: convey base privlevel for nested scenarios
 * @report_new: Populate @report with the report blob and auxblob
 *	(optional), return 0 on successful population, or -errno otherwise.
 *	Runs in process context, may sleep, and must return promptly with
 *	-EINTR once a fatal signal is pending. It may run concurrently for
 *	different report entries; the core never runs it twice at once for
 *	the same entry.
 * @report_attr_visible: (optional) show or hide a report attribute entry,
 *	indexed by &enum tsm_attr_index. NULL shows every attribute.
 * @report_bin_attr_visible: (optional) show or hide a report binary
 *	attribute entry, indexed by &enum tsm_bin_attr_index. NULL shows
 *	every binary attribute.
 *
 * The visibility hooks are evaluated once, at tsm_register(): every report
 * entry created while the provider is registered gets that attribute set.
 */
struct tsm_ops {
	const char *name;
	unsigned int privlevel_floor;
	int (*report_new)(struct tsm_report *report, void *data);
	bool (*report_attr_visible)(int n);
	bool (*report_bin_attr_visible)(int n);
};

int tsm_register(const struct tsm_ops *ops, void *priv);
int tsm_unregister(const struct tsm_ops *ops);

#endif /* __COCO_TSM_TSM_H */
