// SPDX-License-Identifier: GPL-2.0-only
/*
 * `tdx-quote dump`: every field of a TDX quote (v4, v5) or a TDREPORT,
 * named as in Intel's layouts (DCAP sgx_quote_4.h/sgx_quote_5.h,
 * sgx_report2.h, sgx_report.h).
 */
#include <string.h>

#include <openssl/pem.h>

#include "tdx-quote.h"
#include "../lib/tdx-quote/crypto.h"

#define HEX(e, base, type, field)					\
	emit_hex(e, #field, (base) + offsetof(type, field),		\
		 sizeof_field(type, field))

static const u8 intel_vendor_id[16] = {
	0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
	0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07,
};

static void dump_header(struct emit *e, const struct tdxq_quote *q)
{
	const u8 *h = q->buf;
	const u8 *vid = h + offsetof(struct tdxq_header, qe_vendor_id);

	emit_open(e, "header", false);
	emit_uint(e, "version", q->version, 0);
	emit_uint(e, "att_key_type", q->att_key_type, 0);
	emit_uint(e, "tee_type", q->tee_type, 8);
	HEX(e, h, struct tdxq_header, reserved);
	HEX(e, h, struct tdxq_header, qe_vendor_id);
	emit_str(e, "qe_vendor", memcmp(vid, intel_vendor_id, 16) ?
		 "not Intel" : "Intel");
	HEX(e, h, struct tdxq_header, user_data);
	emit_close(e, false);
}

static void dump_body(struct emit *e, const struct tdxq_quote *q)
{
	const u8 *b = tdxq_at(q, q->body_off);
	int i;

	emit_open(e, "td_quote_body", false);
	HEX(e, b, struct tdxq_body, tee_tcb_svn);
	HEX(e, b, struct tdxq_body, mr_seam);
	HEX(e, b, struct tdxq_body, mrsigner_seam);
	emit_uint(e, "seam_attributes",
		  get_le64(b + offsetof(struct tdxq_body, seam_attributes)), 16);
	emit_uint(e, "td_attributes",
		  get_le64(b + offsetof(struct tdxq_body, td_attributes)), 16);
	emit_uint(e, "xfam", get_le64(b + offsetof(struct tdxq_body, xfam)),
		  16);
	HEX(e, b, struct tdxq_body, mr_td);
	HEX(e, b, struct tdxq_body, mr_config_id);
	HEX(e, b, struct tdxq_body, mr_owner);
	HEX(e, b, struct tdxq_body, mr_owner_config);
	emit_open(e, "rt_mr", true);
	for (i = 0; i < 4; i++)
		emit_hex(e, NULL, b + offsetof(struct tdxq_body, rt_mr[i]),
			 sizeof_field(struct tdxq_body, rt_mr[i]));
	emit_close(e, true);
	HEX(e, b, struct tdxq_body, report_data);
	if (q->body_type == TDXQ_BODY_TYPE_TDX15) {
		HEX(e, b, struct tdxq_body15, tee_tcb_svn2);
		HEX(e, b, struct tdxq_body15, mr_servicetd);
	}
	emit_close(e, false);
}

static void dump_qe_report(struct emit *e, const struct tdxq_quote *q)
{
	const u8 *r = tdxq_at(q, q->qe_report_off);

	emit_open(e, "qe_report", false);
	HEX(e, r, struct tdxq_qe_report, cpu_svn);
	emit_uint(e, "misc_select",
		  get_le32(r + offsetof(struct tdxq_qe_report, misc_select)),
		  8);
	HEX(e, r, struct tdxq_qe_report, isv_ext_prod_id);
	HEX(e, r, struct tdxq_qe_report, attributes);
	HEX(e, r, struct tdxq_qe_report, mr_enclave);
	HEX(e, r, struct tdxq_qe_report, mr_signer);
	HEX(e, r, struct tdxq_qe_report, config_id);
	emit_uint(e, "isv_prod_id",
		  get_le16(r + offsetof(struct tdxq_qe_report, isv_prod_id)),
		  0);
	emit_uint(e, "isv_svn",
		  get_le16(r + offsetof(struct tdxq_qe_report, isv_svn)), 0);
	emit_uint(e, "config_svn",
		  get_le16(r + offsetof(struct tdxq_qe_report, config_svn)),
		  0);
	HEX(e, r, struct tdxq_qe_report, isv_family_id);
	HEX(e, r, struct tdxq_qe_report, report_data);
	emit_close(e, false);
}

static void name_line(X509_NAME *n, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int got;

	buf[0] = '\0';
	if (!b)
		return;
	X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253);
	got = BIO_read(b, buf, (int)len - 1);
	buf[got > 0 ? got : 0] = '\0';
	BIO_free(b);
}

static void time_line(const ASN1_TIME *t, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int got;

	buf[0] = '\0';
	if (!b)
		return;
	ASN1_TIME_print(b, t);
	got = BIO_read(b, buf, (int)len - 1);
	buf[got > 0 ? got : 0] = '\0';
	BIO_free(b);
}

static void dump_cert(struct emit *e, X509 *x)
{
	char line[512];
	BIO *b;
	char *pem;
	long n;

	emit_open(e, NULL, false);
	name_line(X509_get_subject_name(x), line, sizeof(line));
	emit_str(e, "subject", line);
	name_line(X509_get_issuer_name(x), line, sizeof(line));
	emit_str(e, "issuer", line);
	time_line(X509_get0_notBefore(x), line, sizeof(line));
	emit_str(e, "not_before", line);
	time_line(X509_get0_notAfter(x), line, sizeof(line));
	emit_str(e, "not_after", line);
	if (e->json) {
		b = BIO_new(BIO_s_mem());
		if (b && PEM_write_bio_X509(b, x)) {
			BIO_write(b, "", 1);
			n = BIO_get_mem_data(b, &pem);
			if (n > 0)
				emit_str(e, "pem", pem);
		}
		BIO_free(b);
	}
	emit_close(e, false);
}

static void dump_chain(struct emit *e, const struct tdxq_quote *q)
{
	struct stack_st_X509 *certs;
	int i;

	emit_open(e, "certification_data", false);
	emit_uint(e, "cert_data_type", q->chain_type, 0);
	emit_uint(e, "size", q->chain_len, 0);
	certs = load_pem_chain(tdxq_at(q, q->chain_off), q->chain_len);
	if (!certs) {
		emit_str(e, "error", "malformed PEM chain");
	} else {
		emit_open(e, "certs", true);
		for (i = 0; i < sk_X509_num(certs); i++)
			dump_cert(e, sk_X509_value(certs, i));
		emit_close(e, true);
		sk_X509_pop_free(certs, X509_free);
	}
	emit_close(e, false);
}

/**
 * dump_quote() - print every field of a parsed quote
 * @e: writer
 * @q: parsed quote
 *
 * Return: 0.
 */
int dump_quote(struct emit *e, const struct tdxq_quote *q)
{
	emit_open(e, NULL, false);
	emit_str(e, "format", "tdx_quote");
	dump_header(e, q);
	if (q->version == TDXQ_VERSION_5) {
		emit_uint(e, "body_type", q->body_type, 0);
		emit_uint(e, "body_size", q->body_len, 0);
	}
	dump_body(e, q);
	emit_uint(e, "signature_data_len", q->sig_data_len, 0);
	emit_open(e, "signature_data", false);
	emit_hex(e, "signature", tdxq_at(q, q->sig_off), TDXQ_ECDSA_SIG_SIZE);
	emit_hex(e, "ecdsa_attestation_key", tdxq_at(q, q->att_key_off),
		 TDXQ_ECDSA_KEY_SIZE);
	emit_open(e, "certification_data", false);
	emit_uint(e, "cert_data_type", q->cert_type, 0);
	emit_uint(e, "size", q->cert_size, 0);
	dump_qe_report(e, q);
	emit_hex(e, "qe_report_signature", tdxq_at(q, q->qe_report_sig_off),
		 TDXQ_ECDSA_SIG_SIZE);
	emit_open(e, "qe_auth_data", false);
	emit_uint(e, "size", q->auth_len, 0);
	emit_hex(e, "data", tdxq_at(q, q->auth_off), q->auth_len);
	emit_close(e, false);
	dump_chain(e, q);
	emit_close(e, false);
	emit_close(e, false);
	emit_open(e, "layout", false);
	emit_uint(e, "file_size", q->buf_len, 0);
	emit_uint(e, "quote_size", q->quote_len, 0);
	emit_uint(e, "body_offset", q->body_off, 0);
	emit_uint(e, "signed_size", q->signed_len, 0);
	emit_uint(e, "signature_data_offset", q->sig_off, 0);
	emit_uint(e, "qe_report_offset", q->qe_report_off, 0);
	emit_uint(e, "pck_chain_offset", q->chain_off, 0);
	emit_uint(e, "trailing_bytes", q->trailing_len, 0);
	emit_bool(e, "trailing_nonzero", q->trailing_nonzero);
	emit_close(e, false);
	emit_close(e, false);
	return 0;
}

static void dump_tee_tcb_info(struct emit *e, const u8 *r)
{
	const u8 *t = r + TDX_REPORT_OFF(tee_tcb_info);

	emit_open(e, "tee_tcb_info", false);
	emit_uint(e, "valid",
		  get_le64(t + offsetof(struct tdx_tee_tcb_info, valid)), 16);
	HEX(e, t, struct tdx_tee_tcb_info, tee_tcb_svn);
	HEX(e, t, struct tdx_tee_tcb_info, mr_seam);
	HEX(e, t, struct tdx_tee_tcb_info, mr_signer_seam);
	emit_uint(e, "attributes",
		  get_le64(t + offsetof(struct tdx_tee_tcb_info, attributes)),
		  16);
	HEX(e, t, struct tdx_tee_tcb_info, tee_tcb_svn2);
	emit_close(e, false);
}

static void dump_td_info(struct emit *e, const u8 *r)
{
	const u8 *t = r + TDX_REPORT_OFF(td_info);
	int i;

	emit_open(e, "td_info", false);
	emit_uint(e, "attributes",
		  get_le64(t + offsetof(struct tdx_td_info, attributes)), 16);
	emit_uint(e, "xfam", get_le64(t + offsetof(struct tdx_td_info, xfam)),
		  16);
	HEX(e, t, struct tdx_td_info, mr_td);
	HEX(e, t, struct tdx_td_info, mr_config_id);
	HEX(e, t, struct tdx_td_info, mr_owner);
	HEX(e, t, struct tdx_td_info, mr_owner_config);
	emit_open(e, "rtmr", true);
	for (i = 0; i < 4; i++)
		emit_hex(e, NULL, t + offsetof(struct tdx_td_info, rtmr[i]),
			 sizeof_field(struct tdx_td_info, rtmr[i]));
	emit_close(e, true);
	HEX(e, t, struct tdx_td_info, servtd_hash);
	emit_close(e, false);
}

/**
 * dump_tdreport() - print every field of a TDREPORT
 * @e: writer
 * @r: bytes
 * @len: number of bytes, must be 1024
 *
 * A wrong REPORTTYPE or hash is shown (and warned about on stderr) rather
 * than refused: dump is for looking at what a platform produced.
 *
 * Return: 0, or EXIT_BAD_INPUT for a wrong size.
 */
int dump_tdreport(struct emit *e, const u8 *r, size_t len)
{
	const u8 *m = r + TDX_REPORT_OFF(mac_struct);
	bool type_ok, tcb_ok = false, info_ok = false;
	char msg[160];

	if (len != TDX_REPORT_SIZE) {
		fprintf(stderr, "tdx-quote: a TDREPORT is %d bytes, not %zu\n",
			TDX_REPORT_SIZE, len);
		return EXIT_BAD_INPUT;
	}
	type_ok = !tdxq_check_tdreport(r, len, msg, sizeof(msg));
	if (!type_ok)
		fprintf(stderr, "tdx-quote: warning: %s\n", msg);
	if (tdxq_tdreport_hashes_ok(r, &tcb_ok, &info_ok))
		fprintf(stderr, "tdx-quote: warning: cannot compute SHA-384\n");

	emit_open(e, NULL, false);
	emit_str(e, "format", "tdreport");
	emit_open(e, "report_mac_struct", false);
	emit_open(e, "report_type", false);
	emit_uint(e, "type", m[0], 2);
	emit_uint(e, "subtype", m[1], 0);
	emit_uint(e, "version", m[2], 0);
	emit_uint(e, "reserved", m[3], 0);
	emit_close(e, false);
	HEX(e, m, struct tdx_report_mac_struct, cpu_svn);
	HEX(e, m, struct tdx_report_mac_struct, tee_tcb_info_hash);
	HEX(e, m, struct tdx_report_mac_struct, tee_info_hash);
	HEX(e, m, struct tdx_report_mac_struct, report_data);
	HEX(e, m, struct tdx_report_mac_struct, mac);
	emit_close(e, false);
	dump_tee_tcb_info(e, r);
	dump_td_info(e, r);
	emit_open(e, "checks", false);
	emit_bool(e, "report_type_ok", type_ok);
	emit_bool(e, "tee_tcb_info_hash_ok", tcb_ok);
	emit_bool(e, "tee_info_hash_ok", info_ok);
	emit_close(e, false);
	emit_close(e, false);
	return 0;
}
