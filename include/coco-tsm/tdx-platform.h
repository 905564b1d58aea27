/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TDX primitives the tdx-guest driver is built on, as an ops table.
 *
 * A TDX guest gets them from the TDX module and the VMM through TDCALL and
 * TDVMCALL (drivers/virt/coco/tdx-guest/tdx-tdcall.c). On machines without
 * TDX they come from the TDX platform emulator (tools/testing/tdx-emu),
 * which exports tdx_emu_platform_ops. The choice is made at link time:
 * tdx_platform_ops_get() comes from tdx-tdcall.c in the driver's own build
 * and from tools/testing/tdx-emu/guest/emu-primitives.c in the emulated
 * build of the same module. This table is the only seam between the two:
 * the driver's logic is the same whichever implementation it runs on.
 */
#ifndef __COCO_TSM_TDX_PLATFORM_H
#define __COCO_TSM_TDX_PLATFORM_H

#include <linux/types.h>

/**
 * struct tdx_platform_ops - TDX module and VMM primitives
 * @name: short name of the implementation, for the kernel log and sysfs
 * @mr_report: TDCALL[TDG.MR.REPORT]: write the 1024-byte TDREPORT_STRUCT for
 *	the 64 bytes of REPORTDATA at @reportdata (64-byte aligned) to
 *	@tdreport (1024-byte aligned), both given as physical addresses of
 *	private memory, report subtype @subtype. Returns the TDX module
 *	completion status (%TDX_SUCCESS, %TDX_OPERAND_INVALID + operand id,
 *	%TDX_OPERAND_BUSY + operand id, ...). May sleep.
 * @mr_rtmr_extend: TDCALL[TDG.MR.RTMR.EXTEND]: extend RTMR @index (0..3) with
 *	the 48 bytes at @data (64-byte aligned, private): RTMR = SHA384(RTMR ||
 *	data). Returns the TDX module completion status. May sleep.
 * @vmcall_get_quote: TDVMCALL<GetQuote>: ask the VMM to turn the request in
 *	the shared buffer at guest physical address @gpa (shared bit already
 *	applied) of @size bytes into a quote. Returns the TDVMCALL status:
 *	%TDVMCALL_STATUS_SUCCESS means the request was accepted and completes
 *	asynchronously, or has already completed, as the buffer's status tells.
 *	May sleep.
 * @vmcall_get_td_vm_call_info: TDVMCALL<GetTdVmCallInfo>: query leaf
 *	@leaf of the VMM's TDVMCALL support; R11-R14 of the answer are stored
 *	in @out[0..3] (zeros unless the status is %TDVMCALL_STATUS_SUCCESS).
 *	Returns the TDVMCALL status. May sleep.
 * @vmcall_setup_event_notify: TDVMCALL<SetupEventNotifyInterrupt>: ask the
 *	VMM to signal GetQuote completion with interrupt @vector on the CPU
 *	that makes this call. Returns the TDVMCALL status. Must be called with
 *	the caller pinned to that CPU; may sleep.
 */
struct tdx_platform_ops {
	const char *name;
	u64 (*mr_report)(phys_addr_t tdreport, phys_addr_t reportdata,
			 u64 subtype);
	u64 (*mr_rtmr_extend)(phys_addr_t data, u64 index);
	u64 (*vmcall_get_quote)(phys_addr_t gpa, u64 size);
	u64 (*vmcall_get_td_vm_call_info)(u64 leaf, u64 out[4]);
	u64 (*vmcall_setup_event_notify)(u64 vector);
};

/* The emulator's table: linked only into the emulated tdx-guest.ko */
extern const struct tdx_platform_ops tdx_emu_platform_ops;

#endif /* __COCO_TSM_TDX_PLATFORM_H */
