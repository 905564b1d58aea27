// SPDX-License-Identifier: GPL-2.0-only
/* The driver's own tdx-quote-pool.c, built into the emulated tdx-guest.ko (see Kbuild) */
#include "../../../../drivers/virt/coco/tdx-guest/tdx-quote-pool.c"
