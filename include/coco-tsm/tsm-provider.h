/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The configfs-tsm provider API, whichever core runs: ours
 * (include/coco-tsm/tsm.h) on kernels without one, or the kernel's own in
 * its three shapes. Kbuild.probe tells which through COCO_TSM_CORE:
 *
 *   0  ours: tsm_register(ops, priv), struct tsm_ops, visibility hooks
 *   1  in-tree 6.7 - 6.10: tsm_register(ops, priv, type), no hooks; the
 *      default type shows generation, provider, inblob and outblob
 *   2  in-tree 6.11 - 6.15: as ours
 *   3  in-tree 6.16 and later: tsm_report_register(ops, priv),
 *      struct tsm_report_ops, struct tsm_report_desc
 *
 * Providers write struct coco_tsm_ops, struct coco_tsm_desc,
 * coco_tsm_register() and coco_tsm_unregister(), and put their visibility
 * hooks in COCO_TSM_VISIBILITY() (and under #ifdef COCO_TSM_HAS_VISIBILITY):
 * nothing else of a provider depends on the core it runs on.
 */
#ifndef __COCO_TSM_TSM_PROVIDER_H
#define __COCO_TSM_TSM_PROVIDER_H

#ifndef COCO_TSM_CORE
#error "COCO_TSM_CORE is unset: build through the project's Kbuild (Kbuild.probe)"
#endif

#if COCO_TSM_CORE == 0
#include <coco-tsm/tsm.h>
#else
#include <linux/tsm.h>
#endif

#if COCO_TSM_CORE == 3
#define coco_tsm_ops		tsm_report_ops
#define coco_tsm_desc		tsm_report_desc
#define coco_tsm_register	tsm_report_register
#define coco_tsm_unregister	tsm_report_unregister
#else
#define coco_tsm_ops		tsm_ops
#define coco_tsm_desc		tsm_desc
#define coco_tsm_unregister	tsm_unregister
#endif

#if COCO_TSM_CORE == 1
/*
 * No visibility hooks: the default item type has exactly generation,
 * provider, inblob and outblob, which is what a TDX provider shows.
 */
#define coco_tsm_register(ops, priv)	tsm_register(ops, priv, NULL)
#define COCO_TSM_VISIBILITY(attr, bin_attr)
#else
#define COCO_TSM_HAS_VISIBILITY
#if COCO_TSM_CORE != 3
#define coco_tsm_register	tsm_register
#endif
#define COCO_TSM_VISIBILITY(attr, bin_attr)			\
	.report_attr_visible = (attr),				\
	.report_bin_attr_visible = (bin_attr),
#endif

/*
 * COCO_TSM_HAS_VISIBILITY, defined where the core has the visibility hooks
 * (and the TSM_REPORT_* attribute enums they take), also marks the cores
 * with the service_* attributes and manifestblob (6.11 and later, ours).
 */

#endif /* __COCO_TSM_TSM_PROVIDER_H */
