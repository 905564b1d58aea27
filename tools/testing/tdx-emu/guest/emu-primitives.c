// SPDX-License-Identifier: GPL-2.0-only
/*
 * The primitives of the emulated tdx-guest.ko: the TDX platform emulator's
 * table, in place of the TDCALL one of drivers/virt/coco/tdx-guest/
 * tdx-tdcall.c. Linked against, so the module loader resolves it and
 * holds tdx_emu.ko while this module is loaded.
 */
#include <coco-tsm/tdx-platform.h>

#include "../../../../drivers/virt/coco/tdx-guest/tdx-guest.h"

/**
 * tdx_platform_ops_get() - the TDX primitives this driver runs on
 *
 * Return: the emulator's table, always.
 */
const struct tdx_platform_ops *tdx_platform_ops_get(void)
{
	return &tdx_emu_platform_ops;
}
