// SPDX-License-Identifier: GPL-2.0-only
/* The driver's own tdx-report.c, built into the emulated tdx-guest.ko (see Kbuild) */
#include "../../../../drivers/virt/coco/tdx-guest/tdx-report.c"
