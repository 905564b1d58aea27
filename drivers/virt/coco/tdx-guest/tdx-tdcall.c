// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TDX primitives of a real TDX guest: TDCALL to the TDX module and
 * TDVMCALL (TDCALL leaf 0) to the VMM.
 *
 * Kernel 6.1 exports no helper for these leaves (tdx_mcall_get_report0()
 * arrived in 6.2, tdx_hcall_get_quote() in 6.7), so the driver issues the
 * instruction itself. The table is only selected when the CPU reports
 * X86_FEATURE_TDX_GUEST: in any other VM a TDCALL exits to the hypervisor
 * with an unexpected exit reason.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/printk.h>
#include <asm/cpufeature.h>
#include <coco-tsm/tdx-abi.h>
#include <coco-tsm/tdx-platform.h>

#include "tdx-guest.h"

/* TDCALL, spelt out for assemblers older than binutils 2.36 */
#define TDCALL	".byte 0x66,0x0f,0x01,0xcc"

/* TDVMCALL R10: a standard GHCI call (non-zero selects vendor calls) */
#define TDVMCALL_STANDARD	0

/*
 * GPRs the TDVMCALL exposes to the VMM (RCX bitmap): R10-R15, the GHCI
 * argument registers, as td-shim does. Everything else stays private to
 * the TD and is preserved by the TDX module. R14 and R15 carry zeros in.
 */
#define TDVMCALL_EXPOSE_R10_R15	GENMASK(15, 10)

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

/*
 * A GHCI TDVMCALL with up to two arguments in R12 and R13. Returns the
 * TDVMCALL status from R10, and R11-R14 in @out when it is not NULL. The
 * VMM may write any exposed register, hence all six are outputs; "memory"
 * because the VMM writes the shared buffer.
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
		bool ok = r10 == TDVMCALL_STATUS_SUCCESS;

		out[0] = ok ? r11 : 0;
		out[1] = ok ? r12 : 0;
		out[2] = ok ? r13 : 0;
		out[3] = ok ? r14 : 0;
	}
	return r10;
}

static u64 tdx_tdcall_mr_report(phys_addr_t tdreport, phys_addr_t reportdata,
				u64 subtype)
{
	return tdx_module_call(TDX_TDCALL_MR_REPORT, tdreport, reportdata,
			       subtype);
}

static u64 tdx_tdcall_mr_rtmr_extend(phys_addr_t data, u64 index)
{
	return tdx_module_call(TDX_TDCALL_MR_RTMR_EXTEND, data, index, 0);
}

static u64 tdx_tdcall_get_quote(phys_addr_t gpa, u64 size)
{
	return tdx_vmcall(TDVMCALL_GET_QUOTE, gpa, size, NULL);
}

static u64 tdx_tdcall_get_td_vm_call_info(u64 leaf, u64 out[4])
{
	return tdx_vmcall(TDVMCALL_GET_TD_VM_CALL_INFO, leaf, 0, out);
}

static u64 tdx_tdcall_setup_event_notify(u64 vector)
{
	return tdx_vmcall(TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT, vector, 0,
			  NULL);
}

static const struct tdx_platform_ops tdx_tdcall_ops = {
	.name = "tdcall",
	.mr_report = tdx_tdcall_mr_report,
	.mr_rtmr_extend = tdx_tdcall_mr_rtmr_extend,
	.vmcall_get_quote = tdx_tdcall_get_quote,
	.vmcall_get_td_vm_call_info = tdx_tdcall_get_td_vm_call_info,
	.vmcall_setup_event_notify = tdx_tdcall_setup_event_notify,
};

/**
 * tdx_platform_ops_get() - the TDX primitives this driver runs on
 *
 * A TDCALL outside a TD exits to the hypervisor with an exit reason it
 * does not expect, so the table is handed out only when the CPU says this
 * is a TDX guest.
 *
 * Return: the TDCALL table, or NULL when this is not a TDX guest.
 */
const struct tdx_platform_ops *tdx_platform_ops_get(void)
{
	if (!cpu_feature_enabled(X86_FEATURE_TDX_GUEST))
		return NULL;
	return &tdx_tdcall_ops;
}
