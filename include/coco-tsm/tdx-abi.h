/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Binary interface of the Intel TDX module and of the GHCI TDVMCALLs used
 * for attestation: leaf numbers, completion codes and layouts. Shared by
 * the tdx-guest driver and by the TDX platform emulator, so that both sides
 * of the seam agree on every constant by construction.
 *
 * Sources: the TDX module ABI (tdx_api_defs.h, tdx_error_codes_defs.h) and
 * the TDX Guest-Host Communication Interface (GHCI).
 *
 * The kernel's <asm/tdx.h> (6.7 and later), which the driver includes for
 * the kernel's TDX helpers, names a few of these too, with the same
 * values: included first, its definitions stand (the #ifndef ones here).
 */
#ifndef __COCO_TSM_TDX_ABI_H
#define __COCO_TSM_TDX_ABI_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/sizes.h>
#include <linux/types.h>

/* TDCALL leaves (RAX) */
#define TDX_TDCALL_VP_VMCALL		0
#define TDX_TDCALL_MR_RTMR_EXTEND	2
#define TDX_TDCALL_MR_REPORT		4

/* TDX module completion status (RAX after TDCALL) */
#ifndef TDX_SUCCESS
#define TDX_SUCCESS			0x0000000000000000ULL
#endif
#ifndef TDX_OPERAND_INVALID
#define TDX_OPERAND_INVALID		0xC000010000000000ULL
#endif
#define TDX_OPERAND_ADDR_RANGE_ERROR	0xC000010100000000ULL
#ifndef TDX_OPERAND_BUSY
#define TDX_OPERAND_BUSY		0x8000020000000000ULL
#endif
#define TDX_STATUS_CLASS(s)		((s) >> 32)
#ifndef TDX_OPERAND_ID_RCX
#define TDX_OPERAND_ID_RCX		1
#endif
#define TDX_OPERAND_ID_RDX		2
#define TDX_OPERAND_ID_R8		8
#define TDX_OPERAND_ID_RTMR		0xA8

/* TDVMCALL: R10 = 0 selects a GHCI call, R11 the sub-function */
#ifndef TDVMCALL_GET_TD_VM_CALL_INFO
#define TDVMCALL_GET_TD_VM_CALL_INFO		0x10000
#endif
#ifndef TDVMCALL_GET_QUOTE
#define TDVMCALL_GET_QUOTE			0x10002
#endif
#ifndef TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT
#define TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT	0x10004
#endif

/*
 * GetTdVmCallInfo leaf 1 (GHCI 1.5): R11 is the bitmap of the optional
 * sub-functions the VMM implements. VMMs of GHCI 1.0 know only leaf 0 and
 * answer leaf 1 with INVALID_OPERAND.
 */
#define TDVMCALL_INFO_LEAF_BASIC		0
#define TDVMCALL_INFO_LEAF_SUBFUNCS		1
#define TDVMCALL_SUBFUNC_SETUP_EVENT_NOTIFY	BIT_ULL(1)

/* TDVMCALL completion status (R10) */
#ifndef TDVMCALL_STATUS_SUCCESS
#define TDVMCALL_STATUS_SUCCESS			0x0000000000000000ULL
#endif
#ifndef TDVMCALL_STATUS_RETRY
#define TDVMCALL_STATUS_RETRY			0x0000000000000001ULL
#endif
#ifndef TDVMCALL_STATUS_INVALID_OPERAND
#define TDVMCALL_STATUS_INVALID_OPERAND		0x8000000000000000ULL
#endif
#define TDVMCALL_STATUS_GPA_INUSE		0x8000000000000001ULL
#ifndef TDVMCALL_STATUS_ALIGN_ERROR
#define TDVMCALL_STATUS_ALIGN_ERROR		0x8000000000000002ULL
#endif
#ifndef TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED
#define TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED	0x8000000000000003ULL
#endif

/* Vectors SetupEventNotifyInterrupt accepts */
#define TDX_EVENT_NOTIFY_VECTOR_MIN	32
#define TDX_EVENT_NOTIFY_VECTOR_MAX	255

/* TDREPORT_STRUCT (output of TDG.MR.REPORT) */
#define TDX_REPORT_SIZE			1024
#define TDX_REPORT_ALIGN		1024
#define TDX_REPORTDATA_SIZE		64
#define TDX_REPORTDATA_ALIGN		64
#define TDX_REPORT_SUBTYPE_0		0
#define TDX_REPORT_TYPE_TDX		0x81
#define TDX_MR_SIZE			48	/* a SHA-384 measurement */
#define TDX_NUM_RTMRS			4
#define TDX_RTMR_EXTEND_ALIGN		64

/* REPORTMACSTRUCT, at offset 0 */
#define TDX_REPORT_OFF_REPORTTYPE	0
#define TDX_REPORT_OFF_CPUSVN		16
#define TDX_REPORT_OFF_TEE_TCB_INFO_HASH 32
#define TDX_REPORT_OFF_TEE_INFO_HASH	80
#define TDX_REPORT_OFF_REPORTDATA	128
#define TDX_REPORT_OFF_MAC		224
#define TDX_REPORT_MAC_SIZE		32
#define TDX_REPORTMACSTRUCT_SIZE	256
/* TEE_TCB_INFO, at offset 256 */
#define TDX_REPORT_OFF_TEE_TCB_INFO	256
#define TDX_TEE_TCB_INFO_SIZE		239
#define TDX_TEE_TCB_INFO_OFF_VALID	0
#define TDX_TEE_TCB_INFO_OFF_TEE_TCB_SVN 8
#define TDX_TEE_TCB_INFO_OFF_MRSEAM	24
#define TDX_TEE_TCB_INFO_OFF_MRSIGNERSEAM 72
#define TDX_TEE_TCB_INFO_OFF_ATTRIBUTES	120
/* TDINFO_STRUCT, at offset 512 */
#define TDX_REPORT_OFF_TDINFO		512
#define TDX_TDINFO_SIZE			512
#define TDX_TDINFO_OFF_ATTRIBUTES	0
#define TDX_TDINFO_OFF_XFAM		8
#define TDX_TDINFO_OFF_MRTD		16
#define TDX_TDINFO_OFF_MRCONFIGID	64
#define TDX_TDINFO_OFF_MROWNER		112
#define TDX_TDINFO_OFF_MROWNERCONFIG	160
#define TDX_TDINFO_OFF_RTMR(i)		(208 + (i) * TDX_MR_SIZE)
#define TDX_TDINFO_OFF_SERVTD_HASH	400

/*
 * TD Quote v4 and v5 (DCAP sgx_quote_4.h, sgx_quote_5.h): a 48-byte header
 * (u16 version first), then the TD report body; v5 puts a u16 body type
 * and a u32 body size before the body. REPORTDATA sits at the same place
 * in both TDX body layouts, the TDX 1.5 one adding fields at its end.
 */
#define TDX_QUOTE_HEADER_SIZE		48
#define TDX_QUOTE_V5_BODY_DESC_SIZE	6
#define TDX_QUOTE_V5_BODY_TDX10		2
#define TDX_QUOTE_V5_BODY_TDX15		3
#define TDX_QUOTE_BODY_TDX10_SIZE	584
#define TDX_QUOTE_BODY_TDX15_SIZE	648
#define TDX_QUOTE_BODY_OFF_REPORTDATA	520

/* GetQuote shared buffer (GHCI "TDG.VP.VMCALL<GetQuote>") */
#define TDX_QUOTE_BUF_VERSION		1
#define TDX_QUOTE_STATUS_SUCCESS	0x0000000000000000ULL
#define TDX_QUOTE_STATUS_IN_FLIGHT	0xFFFFFFFFFFFFFFFFULL
#define TDX_QUOTE_STATUS_ERROR		0x8000000000000000ULL
#define TDX_QUOTE_STATUS_SERVICE_UNAVAILABLE 0x8000000000000001ULL
#define TDX_QUOTE_BUF_MAX_SIZE		SZ_128K	/* what QEMU accepts */

/**
 * struct tdx_quote_buf - header of the GetQuote shared buffer
 * @version: format version, %TDX_QUOTE_BUF_VERSION (written by the TD)
 * @status: %TDX_QUOTE_STATUS_* (the TD writes 0, the VMM the outcome)
 * @in_len: bytes of request in @data (written by the TD)
 * @out_len: bytes of response in @data (written by the VMM)
 * @data: request on input, response on output
 *
 * Everything but @version and @in_len is written by the untrusted host.
 */
struct tdx_quote_buf {
	u64 version;
	u64 status;
	u32 in_len;
	u32 out_len;
	u8 data[];
};

#define TDX_QUOTE_BUF_HDR_SIZE		24
static_assert(sizeof(struct tdx_quote_buf) == TDX_QUOTE_BUF_HDR_SIZE);

#endif /* __COCO_TSM_TDX_ABI_H */
