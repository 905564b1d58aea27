// SPDX-License-Identifier: GPL-2.0-only
/*
 * Build a TDX Quote v4 from a TDREPORT, mapping the fields the way Intel's
 * TDQE does (tdx-interfaces.md section 4): the body copies TEE_TCB_INFO and
 * TDINFO fields, MRSIGNERSEAM and SEAM attributes stay zero, and the
 * certification data is type 6 (QE report) wrapping a type 5 PEM chain.
 * The caller has already checked the TDREPORT.
 */
#include <string.h>

#include "build.h"
#include "crypto.h"

#define COPY_FIELD(dst, dfield, src, sfield)				\
	do {								\
		static_assert(sizeof_field(struct tdxq_body, dfield) ==	\
			      sizeof_field(struct tdx_report, sfield),	\
			      #dfield);					\
		memcpy((dst) + offsetof(struct tdxq_body, dfield),	\
		       (src) + TDX_REPORT_OFF(sfield),			\
		       sizeof_field(struct tdxq_body, dfield));		\
	} while (0)

/**
 * tdxq_quote_size() - size of the quotes a signer produces
 * @s: signer
 *
 * Every field but the PEM chain has a fixed size.
 *
 * Return: bytes.
 */
size_t tdxq_quote_size(const struct tdxq_signer *s)
{
	return TDXQ_HEADER_SIZE + TDXQ_BODY_SIZE + 4 + TDXQ_SIG_DATA_FIXED +
	       TDXQ_QE_CERT_FIXED + TDXQ_AUTH_DATA_SIZE + s->chain_len;
}

static void build_header(const struct tdxq_signer *s, u8 *p)
{
	memset(p, 0, TDXQ_HEADER_SIZE);
	put_le16(p + offsetof(struct tdxq_header, version), TDXQ_VERSION_4);
	put_le16(p + offsetof(struct tdxq_header, att_key_type),
		 TDXQ_ATT_KEY_ECDSA_P256);
	put_le32(p + offsetof(struct tdxq_header, tee_type), TDXQ_TEE_TYPE_TDX);
	memcpy(p + offsetof(struct tdxq_header, qe_vendor_id), s->qe_vendor_id,
	       sizeof(s->qe_vendor_id));
	memcpy(p + offsetof(struct tdxq_header, user_data), s->user_data,
	       sizeof(s->user_data));
}

static void build_body(u8 *p, const u8 *r)
{
	memset(p, 0, TDXQ_BODY_SIZE);
	COPY_FIELD(p, tee_tcb_svn, r, tee_tcb_info.tee_tcb_svn);
	COPY_FIELD(p, mr_seam, r, tee_tcb_info.mr_seam);
	/* mrsigner_seam and seam_attributes: left zero, as the TDQE does */
	COPY_FIELD(p, td_attributes, r, td_info.attributes);
	COPY_FIELD(p, xfam, r, td_info.xfam);
	COPY_FIELD(p, mr_td, r, td_info.mr_td);
	COPY_FIELD(p, mr_config_id, r, td_info.mr_config_id);
	COPY_FIELD(p, mr_owner, r, td_info.mr_owner);
	COPY_FIELD(p, mr_owner_config, r, td_info.mr_owner_config);
	COPY_FIELD(p, rt_mr, r, td_info.rtmr);
	COPY_FIELD(p, report_data, r, mac_struct.report_data);
}

/* Certification data type 6: QE report, its signature, auth data, chain. */
static int build_qe_cert(const struct tdxq_signer *s, const u8 *att_xy,
			 u8 *p)
{
	struct tdxq_qe_report *qer = (struct tdxq_qe_report *)p;
	u8 *q;

	memcpy(qer, &s->qe_report, sizeof(*qer));
	memset(qer->report_data, 0, sizeof(qer->report_data));
	if (tdxq_sha256(att_xy, TDXQ_ECDSA_KEY_SIZE, s->auth_data,
			sizeof(s->auth_data), qer->report_data))
		return -1;
	q = p + TDXQ_QE_REPORT_SIZE;
	if (tdxq_ecdsa_sign(s->pck_key, p, TDXQ_QE_REPORT_SIZE, q))
		return -1;
	q += TDXQ_ECDSA_SIG_SIZE;
	put_le16(q, sizeof(s->auth_data));
	q += 2;
	memcpy(q, s->auth_data, sizeof(s->auth_data));
	q += sizeof(s->auth_data);
	put_le16(q, TDXQ_CERT_TYPE_PCK_CHAIN);
	put_le32(q + 2, (u32)s->chain_len);
	memcpy(q + 6, s->chain, s->chain_len);
	return 0;
}

/**
 * tdxq_build_quote() - sign a TDREPORT into a TDX Quote v4
 * @s: signer
 * @tdreport: 1024-byte TDREPORT, already checked
 * @out: output buffer
 * @cap: its size
 * @out_len: bytes written
 *
 * Return: 0, or -1 if the quote would not fit @cap or the 1021..8191 byte
 * range clients accept, or signing failed.
 */
int tdxq_build_quote(const struct tdxq_signer *s, const u8 *tdreport,
		     u8 *out, size_t cap, size_t *out_len)
{
	size_t size = tdxq_quote_size(s);
	size_t sig_off = TDXQ_HEADER_SIZE + TDXQ_BODY_SIZE + 4;
	u8 *p;

	if (size < TDXQ_QUOTE_MIN_SIZE || size > TDXQ_QUOTE_MAX_SIZE ||
	    size > cap)
		return -1;
	build_header(s, out);
	build_body(out + TDXQ_HEADER_SIZE, tdreport);
	put_le32(out + sig_off - 4, (u32)(size - sig_off));

	p = out + sig_off;
	if (tdxq_ecdsa_sign(s->att_key, out, sig_off - 4, p))
		return -1;
	p += TDXQ_ECDSA_SIG_SIZE;
	if (tdxq_p256_to_xy(s->att_key, p))
		return -1;
	p += TDXQ_ECDSA_KEY_SIZE;
	put_le16(p, TDXQ_CERT_TYPE_QE_REPORT);
	put_le32(p + 2, (u32)(size - sig_off - TDXQ_SIG_DATA_FIXED));
	if (build_qe_cert(s, p - TDXQ_ECDSA_KEY_SIZE, p + 6))
		return -1;
	*out_len = size;
	return 0;
}
