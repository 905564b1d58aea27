// SPDX-License-Identifier: GPL-2.0-only
/*
 * The calls to the TDX module (TDCALL) and to the VMM (TDVMCALL, TDCALL
 * leaf 0) the driver makes.
 *
 * Where the kernel exports a helper for a call, the driver uses it
 * (Kbuild.probe reads the kernel's Module.symvers): tdx_mcall_get_report0()
 * and tdx_hcall_get_quote() from 6.7, tdx_mcall_extend_rtmr() from 6.16.
 * The rest, and everything on kernels without them, is TDCALL issued here.
 * Outside a TD, TDCALL raises #UD: the driver loads only where the CPU
 * says it is a TDX guest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/printk.h>
#include <asm/coco.h>
#include <asm/tdx.h>
#include <coco-tsm/tdx-abi.h>

#include "tdx-guest.h"

/* TDCALL, spelt out for assemblers older than binutils 2.36 */
#define TDCALL	".byte 0x66,0x0f,0x01,0xcc"

/* TDVMCALL R10: a standard GHCI call (non-zero selects vendor calls) */
#define TDVMCALL_STANDARD	0

/*
 * GPRs the TDVMCALL exposes to the VMM (RCX bitmap): R10-R15, the GHCI
 * argument registers, as td-shim does. Everything else stays private to
 * the TD and is preserved by the TDX module. The VMM may write any exposed
 * register, so all six are outputs of the asm.
 */
#define TDVMCALL_EXPOSE_R10_R15	GENMASK(15, 10)

/*
 * A GHCI TDVMCALL with up to two arguments in R12 and R13. Returns the
 * TDVMCALL status from R10, and R11-R14 in @out when it is not NULL;
 * "memory" because the VMM writes the shared buffer.
 */
static u64 tdx_vmcall(u64 fn, u64 r12_in, u64 r13_in, u64 *out)
{
	register u64 r10 asm("r10") = TDVMCALL_STANDARD;
	register u64 r11 asm("r11") = fn;
	register u64 r12 asm("r12") = r12_in;
	register u64 r13 asm("r13") = r13_in;
	register u64 r14 asm("r14") = 0;
	register u64 r15 asm("r15") = 0;
	u64 rcx = TDVMCALL_EXPOSE_R10_R15;
	u64 rax = TDX_TDCALL_VP_VMCALL;

	asm volatile(TDCALL
		     : "+a" (rax), "+c" (rcx), "+r" (r10), "+r" (r11),
		       "+r" (r12), "+r" (r13), "+r" (r14), "+r" (r15)
		     :
		     : "memory");
	/*
	 * A failing TDCALL means the TDX module rejected the call itself
	 * (it does not reach the VMM); report it as an invalid operand so
	 * that the caller sees a failure rather than a stale R10.
	 */
	if (rax) {
		pr_err_ratelimited("TDVMCALL %#llx: TDCALL failed, status %#llx\n",
				   fn, rax);
		r10 = TDVMCALL_STATUS_INVALID_OPERAND;
	}
	if (out) {
		out[0] = r11;
		out[1] = r12;
		out[2] = r13;
		out[3] = r14;
	}
	return r10;
}

/**
 * tdx_tdcall_vm_call_info() - TDVMCALL<GetTdVmCallInfo>
 * @leaf: the leaf asked for
 * @out: R11-R14 of the answer, meaningful only on success
 *
 * No kernel exports this call.
 *
 * Return: the TDVMCALL status.
 */
u64 tdx_tdcall_vm_call_info(u64 leaf, u64 out[4])
{
	return tdx_vmcall(TDVMCALL_GET_TD_VM_CALL_INFO, leaf, 0, out);
}

/**
 * tdx_tdcall_event_notify() - TDVMCALL<SetupEventNotifyInterrupt>
 * @vector: the vector the VMM is to signal GetQuote completion with
 *
 * The VMM interrupts the vCPU that makes the call: the caller stays on
 * one CPU. No kernel exports this call.
 *
 * Return: the TDVMCALL status.
 */
u64 tdx_tdcall_event_notify(u64 vector)
{
	return tdx_vmcall(TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT, vector, 0,
			  NULL);
}

/**
 * tdx_tdcall_get_quote() - TDVMCALL<GetQuote>
 * @buf: the shared buffer, mapped shared
 * @size: its size
 *
 * Return: the TDVMCALL status; SUCCESS means the request was accepted and
 * completes asynchronously, or has already completed, as the buffer's
 * status tells.
 */
u64 tdx_tdcall_get_quote(u8 *buf, size_t size)
{
#ifdef COCO_HAVE_TDX_HCALL_GET_QUOTE
	return tdx_hcall_get_quote(buf, size);
#else
	/* GHCI wants the GPA with the shared bit, as the buffer is mapped */
	return tdx_vmcall(TDVMCALL_GET_QUOTE, cc_mkdec(virt_to_phys(buf)), size,
			  NULL);
#endif
}

#if !defined(COCO_HAVE_TDX_MCALL_GET_REPORT0) || \
	!defined(COCO_HAVE_TDX_MCALL_EXTEND_RTMR)
/*
 * A TDX module call. The module may write its outputs to RCX, RDX and
 * R8-R11, so all of them are outputs of the asm even where the leaf
 * returns nothing in them.
 */
static u64 tdx_module_call(u64 leaf, u64 rcx, u64 rdx, u64 r8_in)
{
	register u64 r8 asm("r8") = r8_in;
	register u64 r9 asm("r9") = 0;
	register u64 r10 asm("r10") = 0;
	register u64 r11 asm("r11") = 0;
	u64 rax = leaf;

	asm volatile(TDCALL
		     : "+a" (rax), "+c" (rcx), "+d" (rdx),
		       "+r" (r8), "+r" (r9), "+r" (r10), "+r" (r11)
		     :
		     : "memory");
	return rax;
}

/* The errnos of the kernel's helpers from 6.16 on, where it has them */
static int tdx_module_errno(const char *what, u64 status)
{
	if (status == TDX_SUCCESS)
		return 0;
	pr_err_ratelimited("%s failed, status %#llx\n", what, status);
	switch (TDX_STATUS_CLASS(status)) {
	case TDX_STATUS_CLASS(TDX_OPERAND_INVALID):
		return -ENXIO;
	case TDX_STATUS_CLASS(TDX_OPERAND_BUSY):
		return -EBUSY;
	default:
		return -EIO;
	}
}
#endif

/**
 * tdx_tdcall_report0() - TDCALL[TDG.MR.REPORT], subtype 0
 * @reportdata: %TDX_REPORTDATA_SIZE bytes, 64-byte aligned, private
 * @tdreport: room for %TDX_REPORT_SIZE bytes, 1024-byte aligned, private
 *
 * Return: 0, or the errno of the kernel's helper: from 6.16 (and here on
 * kernels without one) -ENXIO (invalid operand), -EBUSY (the RTMR lock is
 * taken) or -EIO (anything else); 6.7 to 6.15 answer -EINVAL and -EIO.
 */
int tdx_tdcall_report0(u8 *reportdata, u8 *tdreport)
{
#ifdef COCO_HAVE_TDX_MCALL_GET_REPORT0
	return tdx_mcall_get_report0(reportdata, tdreport);
#else
	return tdx_module_errno("TDG.MR.REPORT",
				tdx_module_call(TDX_TDCALL_MR_REPORT,
						virt_to_phys(tdreport),
						virt_to_phys(reportdata),
						TDX_REPORT_SUBTYPE_0));
#endif
}

/**
 * tdx_tdcall_extend_rtmr() - TDCALL[TDG.MR.RTMR.EXTEND]
 * @index: the RTMR
 * @data: %TDX_MR_SIZE bytes, 64-byte aligned, private
 *
 * Return: 0, -ENXIO (invalid operand), -EBUSY (the RTMR lock is taken) or
 * -EIO (anything else), as the kernel's helper answers where it has one.
 */
int tdx_tdcall_extend_rtmr(u8 index, u8 *data)
{
#ifdef COCO_HAVE_TDX_MCALL_EXTEND_RTMR
	return tdx_mcall_extend_rtmr(index, data);
#else
	return tdx_module_errno("TDG.MR.RTMR.EXTEND",
				tdx_module_call(TDX_TDCALL_MR_RTMR_EXTEND,
						virt_to_phys(data), index, 0));
#endif
}
