// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bounds-checked TDX quote and TDREPORT parser.
 *
 * Every length field in a quote is attacker-controlled. A cursor walks the
 * buffer and each step first checks that the bytes it is about to consume
 * are inside the buffer (or inside the enclosing length-delimited region),
 * with arithmetic that cannot overflow. Nested size fields must add up
 * exactly, so a quote has exactly one interpretation.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

struct cursor {
	const u8 *buf;
	size_t pos;
	size_t end;	/* end of the current region, <= buffer length */
};

static bool cur_has(const struct cursor *c, size_t n)
{
	return c->pos <= c->end && n <= c->end - c->pos;
}

static int fail(struct tdxq_quote *q, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q->msg, sizeof(q->msg), fmt, ap);
	va_end(ap);
	return -err;
}

/**
 * tdxq_detect() - guess what a buffer holds
 * @buf: bytes
 * @len: number of bytes
 *
 * A quote starts with a u16 version of 4 or 5. A TDREPORT is exactly 1024
 * bytes; its first byte is REPORTTYPE.type, so its first u16 is never 4
 * or 5 when the type is 0x81.
 *
 * Return: the format, TDXQ_FMT_UNKNOWN when neither fits.
 */
enum tdxq_format tdxq_detect(const u8 *buf, size_t len)
{
	u16 version;

	if (len < 2)
		return TDXQ_FMT_UNKNOWN;
	version = get_le16(buf);
	if (version == TDXQ_VERSION_4 || version == TDXQ_VERSION_5)
		return TDXQ_FMT_QUOTE;
	if (len == TDX_REPORT_SIZE)
		return TDXQ_FMT_TDREPORT;
	return TDXQ_FMT_UNKNOWN;
}

static int parse_header(struct cursor *c, struct tdxq_quote *q)
{
	if (!cur_has(c, TDXQ_HEADER_SIZE))
		return fail(q, TDXQ_E_TRUNCATED,
			    "truncated: %zu bytes, the quote header alone is %zu",
			    q->buf_len, TDXQ_HEADER_SIZE);
	q->version = get_le16(c->buf + offsetof(struct tdxq_header, version));
	q->att_key_type = get_le16(c->buf +
				   offsetof(struct tdxq_header, att_key_type));
	q->tee_type = get_le32(c->buf + offsetof(struct tdxq_header, tee_type));
	if (q->version != TDXQ_VERSION_4 && q->version != TDXQ_VERSION_5)
		return fail(q, TDXQ_E_VERSION,
			    "unsupported quote version %u (want 4 or 5)",
			    q->version);
	if (q->att_key_type != TDXQ_ATT_KEY_ECDSA_P256)
		return fail(q, TDXQ_E_ATT_KEY_TYPE,
			    "unsupported attestation key type %u (want 2, ECDSA-P256)",
			    q->att_key_type);
	if (q->tee_type != TDXQ_TEE_TYPE_TDX)
		return fail(q, TDXQ_E_TEE_TYPE,
			    "TEE type 0x%x is not TDX (0x81)", q->tee_type);
	c->pos += TDXQ_HEADER_SIZE;
	return 0;
}

static int parse_body(struct cursor *c, struct tdxq_quote *q)
{
	u32 size;

	if (q->version == TDXQ_VERSION_4) {
		q->body_type = TDXQ_BODY_TYPE_TDX10;
		q->body_len = TDXQ_BODY_SIZE;
	} else {
		if (!cur_has(c, TDXQ_V5_BODY_DESC_SIZE))
			return fail(q, TDXQ_E_TRUNCATED,
				    "truncated in the v5 body descriptor");
		q->body_type = get_le16(c->buf + c->pos);
		size = get_le32(c->buf + c->pos + 2);
		if (q->body_type == TDXQ_BODY_TYPE_TDX10)
			q->body_len = TDXQ_BODY_SIZE;
		else if (q->body_type == TDXQ_BODY_TYPE_TDX15)
			q->body_len = TDXQ_BODY15_SIZE;
		else
			return fail(q, TDXQ_E_BODY_TYPE,
				    "unsupported v5 body type %u (want 2 or 3)",
				    q->body_type);
		if (size != q->body_len)
			return fail(q, TDXQ_E_BODY_SIZE,
				    "v5 body size %u does not match body type %u (%zu)",
				    size, q->body_type, q->body_len);
		c->pos += TDXQ_V5_BODY_DESC_SIZE;
	}
	if (!cur_has(c, q->body_len))
		return fail(q, TDXQ_E_TRUNCATED,
			    "truncated in the TD quote body (%zu bytes at %zu, have %zu)",
			    q->body_len, c->pos, q->buf_len);
	q->body_off = c->pos;
	c->pos += q->body_len;
	q->signed_len = c->pos;
	return 0;
}

/* Outer certification data: QE report, its signature, auth data, chain. */
static int parse_qe_cert(struct cursor *c, struct tdxq_quote *q)
{
	if (!cur_has(c, TDXQ_QE_REPORT_SIZE + TDXQ_ECDSA_SIG_SIZE + 2))
		return fail(q, TDXQ_E_CERT_SIZE,
			    "certification data (%u bytes) too short for a QE report",
			    q->cert_size);
	q->qe_report_off = c->pos;
	c->pos += TDXQ_QE_REPORT_SIZE;
	q->qe_report_sig_off = c->pos;
	c->pos += TDXQ_ECDSA_SIG_SIZE;
	q->auth_len = get_le16(c->buf + c->pos);
	c->pos += 2;
	if (!cur_has(c, q->auth_len))
		return fail(q, TDXQ_E_AUTH_SIZE,
			    "QE auth data size %u exceeds the certification data",
			    q->auth_len);
	q->auth_off = c->pos;
	c->pos += q->auth_len;
	if (!cur_has(c, 6))
		return fail(q, TDXQ_E_CERT_SIZE,
			    "certification data ends before the PCK chain header");
	q->chain_type = get_le16(c->buf + c->pos);
	q->chain_len = get_le32(c->buf + c->pos + 2);
	c->pos += 6;
	if (q->chain_type != TDXQ_CERT_TYPE_PCK_CHAIN)
		return fail(q, TDXQ_E_CHAIN_TYPE,
			    "unsupported inner certification data type %u (want 5, PCK chain)",
			    q->chain_type);
	if (!cur_has(c, q->chain_len))
		return fail(q, TDXQ_E_CHAIN_SIZE,
			    "PCK chain size %u exceeds the certification data (%zu left)",
			    q->chain_len, c->end - c->pos);
	q->chain_off = c->pos;
	c->pos += q->chain_len;
	if (c->pos != c->end)
		return fail(q, TDXQ_E_CERT_SIZE,
			    "certification data size %u leaves %zu unused bytes",
			    q->cert_size, c->end - c->pos);
	return 0;
}

static int parse_sig_data(struct cursor *c, struct tdxq_quote *q)
{
	if (!cur_has(c, 4))
		return fail(q, TDXQ_E_TRUNCATED,
			    "truncated before signature_data_len");
	q->sig_data_len = get_le32(c->buf + c->pos);
	c->pos += 4;
	if (!cur_has(c, q->sig_data_len))
		return fail(q, TDXQ_E_SIG_DATA_LEN,
			    "signature_data_len %u exceeds the %zu bytes left",
			    q->sig_data_len, c->end - c->pos);
	/* From here on the region ends where signature_data_len says. */
	c->end = c->pos + q->sig_data_len;
	if (!cur_has(c, TDXQ_SIG_DATA_FIXED))
		return fail(q, TDXQ_E_SIG_DATA_LEN,
			    "signature_data_len %u is below the minimum %d",
			    q->sig_data_len, TDXQ_SIG_DATA_FIXED);
	q->sig_off = c->pos;
	c->pos += TDXQ_ECDSA_SIG_SIZE;
	q->att_key_off = c->pos;
	c->pos += TDXQ_ECDSA_KEY_SIZE;
	q->cert_type = get_le16(c->buf + c->pos);
	q->cert_size = get_le32(c->buf + c->pos + 2);
	c->pos += 6;
	if (q->cert_type != TDXQ_CERT_TYPE_QE_REPORT)
		return fail(q, TDXQ_E_CERT_TYPE,
			    "unsupported certification data type %u (want 6, QE report)",
			    q->cert_type);
	if (q->cert_size != c->end - c->pos)
		return fail(q, TDXQ_E_CERT_SIZE,
			    "certification data size %u does not match signature_data_len (%zu left)",
			    q->cert_size, c->end - c->pos);
	return parse_qe_cert(c, q);
}

/**
 * tdxq_parse_quote() - parse a TDX quote v4 or v5
 * @buf: untrusted bytes
 * @len: number of bytes in @buf
 * @q: result; on failure @q->msg says why
 *
 * Bytes after the quote are allowed (a quote read from a fixed-size buffer
 * is padded); they are reported in @q->trailing_len, and
 * @q->trailing_nonzero tells whether they were all zero.
 *
 * Return: 0, or a negative enum tdxq_err.
 */
int tdxq_parse_quote(const u8 *buf, size_t len, struct tdxq_quote *q)
{
	struct cursor c = { .buf = buf, .pos = 0, .end = len };
	size_t i;
	int ret;

	memset(q, 0, sizeof(*q));
	q->buf = buf;
	q->buf_len = len;
	if (len > TDXQ_INPUT_MAX)
		return fail(q, TDXQ_E_OVERSIZED,
			    "oversized: %zu bytes, limit %d", len,
			    TDXQ_INPUT_MAX);
	ret = parse_header(&c, q);
	if (ret)
		return ret;
	ret = parse_body(&c, q);
	if (ret)
		return ret;
	ret = parse_sig_data(&c, q);
	if (ret)
		return ret;
	q->quote_len = c.pos;
	q->trailing_len = len - c.pos;
	for (i = c.pos; i < len; i++) {
		if (buf[i]) {
			q->trailing_nonzero = true;
			break;
		}
	}
	return 0;
}

/**
 * tdxq_check_tdreport() - check the framing of a TDREPORT
 * @buf: untrusted bytes
 * @len: number of bytes
 * @msg: buffer for the reason of a failure
 * @msglen: size of @msg
 *
 * Checks the size and REPORTTYPE (type 0x81, subtype 0, version 0 or 1).
 * The SHA-384 hashes are checked by tdxq_tdreport_hashes_ok(); the MAC can
 * only be checked by the platform.
 *
 * Return: 0, or a negative enum tdxq_err.
 */
int tdxq_check_tdreport(const u8 *buf, size_t len, char *msg, size_t msglen)
{
	const struct tdx_report_mac_struct *m = (const void *)buf;

	if (len != TDX_REPORT_SIZE) {
		snprintf(msg, msglen, "TDREPORT is %zu bytes, want %d", len,
			 TDX_REPORT_SIZE);
		return -TDXQ_E_REPORT_SIZE;
	}
	if (m->type != TDX_REPORT_TYPE_TDX || m->subtype != 0 ||
	    m->version > 1) {
		snprintf(msg, msglen,
			 "REPORTTYPE %02x/%02x/%02x is not a TDX report (want 81/00/00 or 81/00/01)",
			 m->type, m->subtype, m->version);
		return -TDXQ_E_VERSION;
	}
	return 0;
}
