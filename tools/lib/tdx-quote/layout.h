/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Binary layouts of the TDX TDREPORT_STRUCT, the TD Quote v4/v5 and the QGS
 * message protocol, as documented in shared/reference/tdx-interfaces.md
 * (sections 2, 4 and 5; field names follow Intel's DCAP headers).
 *
 * The structs are packed and made only of byte arrays: they describe where
 * a field lives (offsetof/sizeof) and are never dereferenced as integers,
 * so code reading untrusted buffers goes through the get_le*() accessors.
 * Multi-byte integers are little-endian unless stated otherwise.
 */
#ifndef TDXQ_LAYOUT_H
#define TDXQ_LAYOUT_H

#include <assert.h>
#include "types.h"

/* ---- TDREPORT_STRUCT (1024 bytes, TDG.MR.REPORT output) ---- */

#define TDX_REPORT_TYPE_TDX		0x81
#define TDX_REPORT_SIZE			1024
#define TDX_TEE_TCB_INFO_HASHED		239	/* SHA-384 covers 239 bytes */

/**
 * struct tdx_report_mac_struct - REPORTMACSTRUCT, the MAC-covered part
 * @type: REPORTTYPE.type, 0x81 for TDX
 * @subtype: REPORTTYPE.subtype, 0
 * @version: REPORTTYPE.version, 0 or 1 (1 when service TDs are bound)
 * @reserved_type: REPORTTYPE.reserved
 * @reserved1: reserved, zero
 * @cpu_svn: CPUSVN
 * @tee_tcb_info_hash: SHA-384 of the 239 TEE_TCB_INFO bytes
 * @tee_info_hash: SHA-384 of the 512-byte TDINFO_STRUCT
 * @report_data: REPORTDATA supplied by the TD
 * @reserved2: reserved, zero
 * @mac: MAC over the struct, checkable only by the platform
 */
struct tdx_report_mac_struct {
	u8 type;
	u8 subtype;
	u8 version;
	u8 reserved_type;
	u8 reserved1[12];
	u8 cpu_svn[16];
	u8 tee_tcb_info_hash[48];
	u8 tee_info_hash[48];
	u8 report_data[64];
	u8 reserved2[32];
	u8 mac[32];
} __packed;

/**
 * struct tdx_tee_tcb_info - TEE_TCB_INFO (SEAM module identity)
 * @valid: bitmap, bit i set when the field at byte 8*i is valid
 * @tee_tcb_svn: TEE_TCB_SVN
 * @mr_seam: MRSEAM, measurement of the TDX module
 * @mr_signer_seam: MRSIGNERSEAM, 0 for Intel modules
 * @attributes: SEAM attributes, 0 for Intel modules
 * @tee_tcb_svn2: TEE_TCB_SVN2 (TDX 1.5)
 * @reserved: reserved; the hash covers the first 95 bytes only
 */
struct tdx_tee_tcb_info {
	u8 valid[8];
	u8 tee_tcb_svn[16];
	u8 mr_seam[48];
	u8 mr_signer_seam[48];
	u8 attributes[8];
	u8 tee_tcb_svn2[16];
	u8 reserved[112];
} __packed;

/**
 * struct tdx_td_info - TDINFO_STRUCT (TD identity)
 * @attributes: TD ATTRIBUTES
 * @xfam: XFAM
 * @mr_td: MRTD, build-time measurement
 * @mr_config_id: MRCONFIGID
 * @mr_owner: MROWNER
 * @mr_owner_config: MROWNERCONFIG
 * @rtmr: RTMR0..RTMR3 run-time measurement registers
 * @servtd_hash: SERVTD_HASH (TDX 1.5)
 * @reserved: reserved, zero
 */
struct tdx_td_info {
	u8 attributes[8];
	u8 xfam[8];
	u8 mr_td[48];
	u8 mr_config_id[48];
	u8 mr_owner[48];
	u8 mr_owner_config[48];
	u8 rtmr[4][48];
	u8 servtd_hash[48];
	u8 reserved[64];
} __packed;

/**
 * struct tdx_report - TDREPORT_STRUCT
 * @mac_struct: REPORTMACSTRUCT
 * @tee_tcb_info: TEE_TCB_INFO
 * @td_info: TDINFO_STRUCT
 */
struct tdx_report {
	struct tdx_report_mac_struct mac_struct;
	struct tdx_tee_tcb_info tee_tcb_info;
	struct tdx_td_info td_info;
} __packed;

static_assert(sizeof(struct tdx_report_mac_struct) == 256, "REPORTMACSTRUCT");
static_assert(sizeof(struct tdx_tee_tcb_info) == 256, "TEE_TCB_INFO");
static_assert(sizeof(struct tdx_td_info) == 512, "TDINFO_STRUCT");
static_assert(sizeof(struct tdx_report) == TDX_REPORT_SIZE, "TDREPORT");

#define TDX_REPORT_OFF(f)	offsetof(struct tdx_report, f)

/* ---- TD Quote v4 / v5 ---- */

#define TDXQ_VERSION_4			4
#define TDXQ_VERSION_5			5
#define TDXQ_ATT_KEY_ECDSA_P256		2
#define TDXQ_TEE_TYPE_TDX		0x00000081
#define TDXQ_BODY_TYPE_TDX10		2
#define TDXQ_BODY_TYPE_TDX15		3
#define TDXQ_CERT_TYPE_PCK_CHAIN	5
#define TDXQ_CERT_TYPE_QE_REPORT	6
#define TDXQ_ECDSA_SIG_SIZE		64
#define TDXQ_ECDSA_KEY_SIZE		64

/**
 * struct tdxq_header - quote header, common to v4 and v5
 * @version: 4 or 5
 * @att_key_type: 2 = ECDSA-256-with-P-256
 * @tee_type: 0x81 = TDX
 * @reserved: zero (TDQE leaves it 0)
 * @qe_vendor_id: vendor of the quoting enclave
 * @user_data: QE-defined; the TDQE stores its QE_ID here
 */
struct tdxq_header {
	u8 version[2];
	u8 att_key_type[2];
	u8 tee_type[4];
	u8 reserved[4];
	u8 qe_vendor_id[16];
	u8 user_data[20];
} __packed;

/**
 * struct tdxq_body - TD quote body (sgx_report2_body_t, TDX 1.0 layout)
 * @tee_tcb_svn: TEE_TCB_SVN
 * @mr_seam: MRSEAM
 * @mrsigner_seam: MRSIGNERSEAM
 * @seam_attributes: SEAM attributes
 * @td_attributes: TD ATTRIBUTES
 * @xfam: XFAM
 * @mr_td: MRTD
 * @mr_config_id: MRCONFIGID
 * @mr_owner: MROWNER
 * @mr_owner_config: MROWNERCONFIG
 * @rt_mr: RTMR0..RTMR3
 * @report_data: REPORTDATA
 */
struct tdxq_body {
	u8 tee_tcb_svn[16];
	u8 mr_seam[48];
	u8 mrsigner_seam[48];
	u8 seam_attributes[8];
	u8 td_attributes[8];
	u8 xfam[8];
	u8 mr_td[48];
	u8 mr_config_id[48];
	u8 mr_owner[48];
	u8 mr_owner_config[48];
	u8 rt_mr[4][48];
	u8 report_data[64];
} __packed;

/**
 * struct tdxq_body15 - TD quote body for TDX 1.5 (v5 body type 3)
 * @base: the TDX 1.0 fields
 * @tee_tcb_svn2: TEE_TCB_SVN2
 * @mr_servicetd: SERVTD_HASH of the TD
 */
struct tdxq_body15 {
	struct tdxq_body base;
	u8 tee_tcb_svn2[16];
	u8 mr_servicetd[48];
} __packed;

/**
 * struct tdxq_qe_report - the QE's SGX report body (sgx_report_body_t)
 * @cpu_svn: CPUSVN
 * @misc_select: MISCSELECT
 * @reserved1: reserved
 * @isv_ext_prod_id: ISVEXTPRODID
 * @attributes: enclave attributes
 * @mr_enclave: MRENCLAVE
 * @reserved2: reserved
 * @mr_signer: MRSIGNER
 * @reserved3: reserved
 * @config_id: CONFIGID
 * @isv_prod_id: ISVPRODID
 * @isv_svn: ISVSVN
 * @config_svn: CONFIGSVN
 * @reserved4: reserved
 * @isv_family_id: ISVFAMILYID
 * @report_data: SHA-256(attestation key || QE auth data) || 32 zero bytes
 */
struct tdxq_qe_report {
	u8 cpu_svn[16];
	u8 misc_select[4];
	u8 reserved1[12];
	u8 isv_ext_prod_id[16];
	u8 attributes[16];
	u8 mr_enclave[32];
	u8 reserved2[32];
	u8 mr_signer[32];
	u8 reserved3[32];
	u8 config_id[64];
	u8 isv_prod_id[2];
	u8 isv_svn[2];
	u8 config_svn[2];
	u8 reserved4[42];
	u8 isv_family_id[16];
	u8 report_data[64];
} __packed;

static_assert(sizeof(struct tdxq_header) == 48, "quote header");
static_assert(sizeof(struct tdxq_body) == 584, "TD quote body");
static_assert(sizeof(struct tdxq_body15) == 648, "TD 1.5 quote body");
static_assert(sizeof(struct tdxq_qe_report) == 384, "QE report");

#define TDXQ_HEADER_SIZE	sizeof(struct tdxq_header)
#define TDXQ_BODY_SIZE		sizeof(struct tdxq_body)
#define TDXQ_BODY15_SIZE	sizeof(struct tdxq_body15)
#define TDXQ_QE_REPORT_SIZE	sizeof(struct tdxq_qe_report)
#define TDXQ_V5_BODY_DESC_SIZE	6	/* u16 body_type, u32 size */
/* signature, attestation key, u16 cert type, u32 cert size */
#define TDXQ_SIG_DATA_FIXED	(TDXQ_ECDSA_SIG_SIZE + TDXQ_ECDSA_KEY_SIZE + 6)
/* QE report, its signature, u16 auth size, then after auth u16 + u32 */
#define TDXQ_QE_CERT_FIXED	(TDXQ_QE_REPORT_SIZE + TDXQ_ECDSA_SIG_SIZE + 2 + 6)

/* What a client reads with one 8 KiB read, and the smallest v4 quote. */
#define TDXQ_QUOTE_MIN_SIZE	1021
#define TDXQ_QUOTE_MAX_SIZE	8191

/* ---- QGS message protocol (qgs_msg_lib) ---- */

#define QGS_MSG_MAJOR_VER		1
#define QGS_MSG_MINOR_VER		1
#define QGS_MSG_GET_QUOTE_REQ		0
#define QGS_MSG_GET_QUOTE_RESP		1

#define QGS_MSG_SUCCESS			0x0000
#define QGS_MSG_ERROR_UNEXPECTED	0x12001
#define QGS_MSG_ERROR_OUT_OF_MEMORY	0x12002
#define QGS_MSG_ERROR_INVALID_PARAMETER	0x12003
#define QGS_MSG_ERROR_INVALID_VERSION	0x12004
#define QGS_MSG_ERROR_INVALID_TYPE	0x12005
#define QGS_MSG_ERROR_INVALID_SIZE	0x12006
#define QGS_MSG_ERROR_INVALID_CODE	0x12007

/**
 * struct qgs_msg_header - header of every QGS message
 * @major_version: 1
 * @minor_version: 1
 * @type: QGS_MSG_GET_QUOTE_REQ, QGS_MSG_GET_QUOTE_RESP, ...
 * @size: whole message including this header, excluding the BE32 prefix
 * @error_code: QGS_MSG_ERROR_* in responses, 0 in requests
 */
struct qgs_msg_header {
	u8 major_version[2];
	u8 minor_version[2];
	u8 type[4];
	u8 size[4];
	u8 error_code[4];
} __packed;

/**
 * struct qgs_msg_get_quote_req - GET_QUOTE_REQ fixed part
 * @header: type QGS_MSG_GET_QUOTE_REQ
 * @report_size: bytes of TDREPORT following
 * @id_list_size: bytes of QE id list following the report
 */
struct qgs_msg_get_quote_req {
	struct qgs_msg_header header;
	u8 report_size[4];
	u8 id_list_size[4];
} __packed;

/**
 * struct qgs_msg_get_quote_resp - GET_QUOTE_RESP fixed part
 * @header: type QGS_MSG_GET_QUOTE_RESP
 * @selected_id_size: bytes of selected QE id following
 * @quote_size: bytes of quote following the selected id
 */
struct qgs_msg_get_quote_resp {
	struct qgs_msg_header header;
	u8 selected_id_size[4];
	u8 quote_size[4];
} __packed;

static_assert(sizeof(struct qgs_msg_header) == 16, "QGS header");
static_assert(sizeof(struct qgs_msg_get_quote_req) == 24, "GET_QUOTE_REQ");
static_assert(sizeof(struct qgs_msg_get_quote_resp) == 24, "GET_QUOTE_RESP");

#define QGS_PREFIX_SIZE		4	/* big-endian message length */

#endif /* TDXQ_LAYOUT_H */
