// SPDX-License-Identifier: GPL-2.0-only
/*
 * TDX platform emulator: the TDCALL instruction.
 *
 * Outside a TD, TDCALL (66 0f 01 cc) raises #UD. The kernel's handler of a
 * kernel-mode #UD that is not a BUG or WARN offers it to the die notifier
 * chain (DIE_TRAP, X86_TRAP_UD) before it oopses. The notifier here
 * recognises TDCALL at the faulting address, carries out the leaf in RAX
 * with the register conventions of the TDX module ABI and the GHCI, and
 * resumes after the instruction. So the tdx-guest driver runs exactly as it
 * does in a TD: its own TDCALLs and the kernel's TDX helpers alike.
 *
 * The chain is called under RCU with interrupts off: nothing below may
 * sleep. GetQuote only queues the work the emulated VMM does later.
 *
 * While the emulator is loaded, the CPU says it is a TDX guest
 * (X86_FEATURE_TDX_GUEST in boot_cpu_data), which is what drivers look at
 * before they issue TDCALL. boot_cpu_data keeps only the features every
 * CPU has: a CPU coming online takes the bit away, and a hotplug callback
 * puts it back. A module named tdx_guest pins the emulator while it is
 * loaded: its TDCALLs would oops without it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/kdebug.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/ptrace.h>
#include <asm/traps.h>
#include <coco-tsm/tdx-abi.h>

#include "emu.h"

static const u8 tdx_emu_tdcall_insn[] = { 0x66, 0x0f, 0x01, 0xcc };

/* RAX: bits 15:0 the leaf, 23:16 its version (0 for every leaf here) */
#define TDX_EMU_LEAF_MASK		GENMASK_ULL(15, 0)

/*
 * TDG.VP.VMCALL's RCX: the GPRs exposed to the VMM (bits 15:0) and XMM
 * registers (31:16). RAX, RCX and RSP can never be exposed; bits 63:32
 * are reserved.
 */
#define TDX_EMU_VMCALL_GPRS		GENMASK_ULL(15, 0)
#define TDX_EMU_VMCALL_BAD_GPRS		(BIT_ULL(0) | BIT_ULL(1) | BIT_ULL(4))
#define TDX_EMU_VMCALL_RESERVED		GENMASK_ULL(63, 32)

/* GPR numbers, as in RCX of TDG.VP.VMCALL */
enum {
	TDX_EMU_RDX = 2, TDX_EMU_RBX, TDX_EMU_RSP, TDX_EMU_RBP, TDX_EMU_RSI,
	TDX_EMU_RDI, TDX_EMU_R8, TDX_EMU_R9, TDX_EMU_R10, TDX_EMU_R11,
	TDX_EMU_R12, TDX_EMU_R13, TDX_EMU_R14, TDX_EMU_R15,
};

/*
 * What the VMM leaves in an exposed register it has no output for: the
 * GHCI lets it write any of them, so a caller must not expect its value
 * back. A pattern, not zero, so that a caller which does is caught.
 */
#define TDX_EMU_VMCALL_SCRATCH		0x7d3c7d3c7d3c7d3cULL

static unsigned long *tdx_emu_gpr(struct pt_regs *regs, unsigned int nr)
{
	switch (nr) {
	case TDX_EMU_RDX: return &regs->dx;
	case TDX_EMU_RBX: return &regs->bx;
	case TDX_EMU_RBP: return &regs->bp;
	case TDX_EMU_RSI: return &regs->si;
	case TDX_EMU_RDI: return &regs->di;
	case TDX_EMU_R8: return &regs->r8;
	case TDX_EMU_R9: return &regs->r9;
	case TDX_EMU_R10: return &regs->r10;
	case TDX_EMU_R11: return &regs->r11;
	case TDX_EMU_R12: return &regs->r12;
	case TDX_EMU_R13: return &regs->r13;
	case TDX_EMU_R14: return &regs->r14;
	case TDX_EMU_R15: return &regs->r15;
	default: return NULL;
	}
}

/*
 * A TDVMCALL: the TDX module hands the exposed GPRs to the VMM (the others
 * read as 0 there) and back. Every exposed GPR comes back written: with
 * the sub-function's outputs (R10 the status, R11..R14 for
 * GetTdVmCallInfo), the rest with TDX_EMU_VMCALL_SCRATCH.
 */
static u64 tdx_emu_vmcall(struct pt_regs *regs)
{
	u64 expose = regs->cx, gpr[16] = {}, out[4] = {};
	unsigned int nr, nr_out = 0;
	u64 status;

	if ((expose & (TDX_EMU_VMCALL_BAD_GPRS | TDX_EMU_VMCALL_RESERVED)))
		return TDX_OPERAND_INVALID + TDX_OPERAND_ID_RCX;

	for (nr = TDX_EMU_RDX; nr <= TDX_EMU_R15; nr++)
		if (nr != TDX_EMU_RSP && (expose & BIT_ULL(nr)))
			gpr[nr] = *tdx_emu_gpr(regs, nr);

	if (gpr[TDX_EMU_R10]) {
		/* A vendor-specific call (KVM's): this VMM has none */
		status = TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED;
	} else {
		switch (gpr[TDX_EMU_R11]) {
		case TDVMCALL_GET_QUOTE:
			status = tdx_emu_vmcall_get_quote(gpr[TDX_EMU_R12],
							  gpr[TDX_EMU_R13]);
			break;
		case TDVMCALL_GET_TD_VM_CALL_INFO:
			status = tdx_emu_vmcall_get_td_vm_call_info(gpr[TDX_EMU_R12],
								    out);
			nr_out = ARRAY_SIZE(out);
			break;
		case TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT:
			status = tdx_emu_vmcall_setup_event_notify(gpr[TDX_EMU_R12]);
			break;
		default:
			status = TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED;
			break;
		}
	}

	for (nr = TDX_EMU_RDX; nr <= TDX_EMU_R15; nr++) {
		if (nr == TDX_EMU_RSP || !(expose & BIT_ULL(nr)))
			continue;
		if (nr == TDX_EMU_R10)
			*tdx_emu_gpr(regs, nr) = status;
		else if (nr >= TDX_EMU_R11 && nr < TDX_EMU_R11 + nr_out)
			*tdx_emu_gpr(regs, nr) = out[nr - TDX_EMU_R11];
		else
			*tdx_emu_gpr(regs, nr) = TDX_EMU_VMCALL_SCRATCH;
	}
	return TDX_SUCCESS;
}

/* Carry out the TDCALL at regs->ip: inputs and outputs in @regs */
static void tdx_emu_tdcall(struct pt_regs *regs)
{
	u64 rax = regs->ax;

	if (rax & ~TDX_EMU_LEAF_MASK) {
		/* A version above 0, or reserved bits set */
		regs->ax = TDX_OPERAND_INVALID;
		return;
	}
	switch (rax) {
	case TDX_TDCALL_VP_VMCALL:
		regs->ax = tdx_emu_vmcall(regs);
		break;
	case TDX_TDCALL_MR_REPORT:
		regs->ax = tdx_emu_mr_report(regs->cx, regs->dx, regs->r8);
		break;
	case TDX_TDCALL_MR_RTMR_EXTEND:
		regs->ax = tdx_emu_mr_rtmr_extend(regs->cx, regs->dx);
		break;
	default:
		/* A leaf this module does not implement: operand RAX */
		regs->ax = TDX_OPERAND_INVALID;
		break;
	}
}

static bool tdx_emu_is_tdcall(struct pt_regs *regs)
{
	u8 insn[sizeof(tdx_emu_tdcall_insn)];

	return !copy_from_kernel_nofault(insn, (void *)regs->ip, sizeof(insn)) &&
	       !memcmp(insn, tdx_emu_tdcall_insn, sizeof(insn));
}

static int tdx_emu_die(struct notifier_block *nb, unsigned long val,
		       void *data)
{
	struct die_args *args = data;
	struct pt_regs *regs = args->regs;

	/* A user-mode TDCALL gets its SIGILL, as outside a TD */
	if (val != DIE_TRAP || args->trapnr != X86_TRAP_UD ||
	    user_mode(regs) || !tdx_emu_is_tdcall(regs))
		return NOTIFY_DONE;

	tdx_emu_tdcall(regs);
	regs->ip += sizeof(tdx_emu_tdcall_insn);
	atomic64_inc(&tdx_emu_stats.tdcalls);
	return NOTIFY_STOP;
}

static struct notifier_block tdx_emu_die_nb = {
	.notifier_call = tdx_emu_die,
};

/*
 * A tdx_guest module (ours or the kernel's) issues TDCALL as long as it is
 * loaded: it holds the emulator as it would hold a module it links to.
 * The module loader lets one module of a name at a time reach COMING, and
 * one that was there before the emulator is never held.
 */
static bool tdx_emu_held;

static int tdx_emu_module_event(struct notifier_block *nb,
				unsigned long event, void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, "tdx_guest"))
		return NOTIFY_DONE;
	if (event == MODULE_STATE_COMING && !xchg(&tdx_emu_held, true))
		__module_get(THIS_MODULE);
	else if (event == MODULE_STATE_GOING && xchg(&tdx_emu_held, false))
		module_put(THIS_MODULE);
	return NOTIFY_OK;
}

static struct notifier_block tdx_emu_module_nb = {
	.notifier_call = tdx_emu_module_event,
};

static int tdx_emu_cpuhp_state;

/*
 * Bringing a CPU up intersects boot_cpu_data's features with the new
 * CPU's, which has no TDX: say it again once the CPU is online.
 */
static int tdx_emu_cpu_online(unsigned int cpu)
{
	set_cpu_cap(&boot_cpu_data, X86_FEATURE_TDX_GUEST);
	return 0;
}

/**
 * tdx_emu_tdcall_init() - start emulating TDCALL
 *
 * Return: 0, -EEXIST where the CPU really is a TD (its TDCALLs must reach
 * the real TDX module), or the errno of a notifier registration.
 */
int tdx_emu_tdcall_init(void)
{
	int rc;

	/*
	 * A TD's kernel says so from boot (it cannot boot without knowing):
	 * its TDCALLs must reach the real TDX module.
	 */
	if (boot_cpu_has(X86_FEATURE_TDX_GUEST)) {
		pr_err("this is a TDX guest: not emulating its TDX module\n");
		return -EEXIST;
	}
	rc = register_module_notifier(&tdx_emu_module_nb);
	if (rc)
		return rc;
	rc = register_die_notifier(&tdx_emu_die_nb);
	if (rc)
		goto unregister_module_nb;
	/* Last: a driver that sees the bit may issue TDCALL at once */
	rc = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "tdx_emu:online",
			       tdx_emu_cpu_online, NULL);
	if (rc < 0)
		goto unregister_die_nb;
	tdx_emu_cpuhp_state = rc;
	return 0;

unregister_die_nb:
	unregister_die_notifier(&tdx_emu_die_nb);
unregister_module_nb:
	unregister_module_notifier(&tdx_emu_module_nb);
	return rc;
}

/**
 * tdx_emu_tdcall_exit() - stop emulating TDCALL
 *
 * No tdx_guest module is loaded (it would hold the emulator), so nothing
 * expects an answer any more.
 */
void tdx_emu_tdcall_exit(void)
{
	cpuhp_remove_state(tdx_emu_cpuhp_state);
	clear_bit(X86_FEATURE_TDX_GUEST,
		  (unsigned long *)boot_cpu_data.x86_capability);
	unregister_die_notifier(&tdx_emu_die_nb);
	unregister_module_notifier(&tdx_emu_module_nb);
}
