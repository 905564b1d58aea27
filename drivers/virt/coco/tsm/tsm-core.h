/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal interfaces between the parts of the configfs-tsm report core:
 * the provider slot (provider.c), the report entries (report.c) and the
 * configfs subsystem (core.c).
 */
#ifndef __TSM_CORE_H
#define __TSM_CORE_H

#include <linux/configfs.h>
#include <coco-tsm/tsm.h>

/* provider.c */
int tsm_provider_add_entry(void);
void tsm_provider_del_entry(void);
int tsm_provider_read_lock(void);
void tsm_provider_read_unlock(void);
const struct tsm_ops *tsm_provider_ops(void);
int tsm_provider_report_new(struct tsm_report *report);

/* report.c */
extern const struct config_item_type tsm_report_group_type;
void tsm_report_set_attrs(const struct tsm_ops *ops);

#endif /* __TSM_CORE_H */
