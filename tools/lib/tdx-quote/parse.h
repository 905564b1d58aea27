/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bounds-checked parser for TDX quotes (v4, v5) and TDREPORTs.
 *
 * The parser takes (buf, len) of untrusted bytes, never reads outside
 * them, allocates nothing and needs no crypto library, so libFuzzer
 * harnesses can link it alone. It records offsets into the caller's
 * buffer; every offset it returns has been checked against len.
 */
#ifndef TDXQ_PARSE_H
#define TDXQ_PARSE_H

#include "layout.h"

/* Largest input any tool accepts; real quotes are well under 16 KiB. */
#define TDXQ_INPUT_MAX		(64 * 1024)

enum tdxq_format {
	TDXQ_FMT_UNKNOWN,
	TDXQ_FMT_QUOTE,
	TDXQ_FMT_TDREPORT,
};

enum tdxq_err {
	TDXQ_OK = 0,
	TDXQ_E_TRUNCATED,
	TDXQ_E_OVERSIZED,
	TDXQ_E_VERSION,
	TDXQ_E_ATT_KEY_TYPE,
	TDXQ_E_TEE_TYPE,
	TDXQ_E_BODY_TYPE,
	TDXQ_E_BODY_SIZE,
	TDXQ_E_SIG_DATA_LEN,
	TDXQ_E_CERT_TYPE,
	TDXQ_E_CERT_SIZE,
	TDXQ_E_AUTH_SIZE,
	TDXQ_E_CHAIN_TYPE,
	TDXQ_E_CHAIN_SIZE,
	TDXQ_E_REPORT_SIZE,
};

/**
 * struct tdxq_quote - a parsed quote; offsets are into @buf
 * @buf: the caller's buffer (not copied, must outlive this struct)
 * @buf_len: bytes in @buf
 * @version: header version, 4 or 5
 * @att_key_type: header attestation key type (always 2 once parsed)
 * @tee_type: header TEE type (always 0x81 once parsed)
 * @body_type: v5 body type; 2 for v4 quotes (TDX 1.0 body)
 * @body_off: offset of the TD quote body
 * @body_len: 584 (TDX 1.0 body) or 648 (TDX 1.5 body)
 * @signed_len: bytes [0, signed_len) are covered by the quote signature
 * @sig_data_len: the signature_data_len field
 * @sig_off: ECDSA signature r||s
 * @att_key_off: attestation public key X||Y
 * @cert_type: outer certification data type (6)
 * @cert_size: outer certification data size
 * @qe_report_off: QE report (SGX report body)
 * @qe_report_sig_off: QE report signature r||s
 * @auth_len: QE authentication data size
 * @auth_off: QE authentication data
 * @chain_type: inner certification data type (5)
 * @chain_len: bytes of PEM chain
 * @chain_off: PEM chain PCK leaf || intermediate || root
 * @quote_len: end of the quote proper
 * @trailing_len: bytes after @quote_len (padding from a fixed-size read)
 * @trailing_nonzero: some trailing byte is not zero
 * @msg: human-readable reason when parsing failed
 */
struct tdxq_quote {
	const u8 *buf;
	size_t buf_len;
	u16 version;
	u16 att_key_type;
	u32 tee_type;
	u16 body_type;
	size_t body_off;
	size_t body_len;
	size_t signed_len;
	u32 sig_data_len;
	size_t sig_off;
	size_t att_key_off;
	u16 cert_type;
	u32 cert_size;
	size_t qe_report_off;
	size_t qe_report_sig_off;
	u16 auth_len;
	size_t auth_off;
	u16 chain_type;
	u32 chain_len;
	size_t chain_off;
	size_t quote_len;
	size_t trailing_len;
	bool trailing_nonzero;
	char msg[160];
};

enum tdxq_format tdxq_detect(const u8 *buf, size_t len);
int tdxq_parse_quote(const u8 *buf, size_t len, struct tdxq_quote *q);
int tdxq_check_tdreport(const u8 *buf, size_t len, char *msg, size_t msglen);

/**
 * tdxq_at() - pointer to a parsed offset
 * @q: parsed quote
 * @off: one of the *_off members of @q
 *
 * Return: @q->buf + @off; valid because the parser checked @off.
 */
static inline const u8 *tdxq_at(const struct tdxq_quote *q, size_t off)
{
	return q->buf + off;
}

#endif /* TDXQ_PARSE_H */
