// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness over the TDX quote and TDREPORT parser of
 * tools/lib/tdx-quote (parse.c), the code tdx-quote runs on quotes it did
 * not produce.
 *
 * Beyond what AddressSanitizer and UBSan catch, a parse that succeeds must
 * describe the buffer consistently: every region it returns lies inside
 * the input, the regions follow each other without gaps or overlap, and
 * the quote plus its trailing bytes are exactly the input. The harness
 * reads every byte of every region, so that an offset the parser did not
 * bound shows up as an out-of-bounds read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static void fuzz_fail(const struct tdxq_quote *q, const char *why)
{
	fprintf(stderr, "inconsistent parse of %zu bytes: %s\n", q->buf_len,
		why);
	abort();
}

/* Sum the bytes of a region: the read itself is the check */
static unsigned int fuzz_touch(const struct tdxq_quote *q, size_t off,
			       size_t len)
{
	const u8 *p = tdxq_at(q, off);
	unsigned int sum = 0;
	size_t i;

	if (off > q->buf_len || len > q->buf_len - off)
		fuzz_fail(q, "region outside the input");
	for (i = 0; i < len; i++)
		sum += p[i];
	return sum;
}

static void fuzz_check_quote(const struct tdxq_quote *q, size_t len)
{
	unsigned int sink = 0;
	bool nonzero;
	size_t i;

	if (q->version != TDXQ_VERSION_4 && q->version != TDXQ_VERSION_5)
		fuzz_fail(q, "version");
	if (q->att_key_type != TDXQ_ATT_KEY_ECDSA_P256 ||
	    q->tee_type != TDXQ_TEE_TYPE_TDX)
		fuzz_fail(q, "header fields");
	if (q->body_len != TDXQ_BODY_SIZE && q->body_len != TDXQ_BODY15_SIZE)
		fuzz_fail(q, "body length");
	if (q->signed_len != q->body_off + q->body_len)
		fuzz_fail(q, "signed length");
	if (q->sig_off != q->signed_len + 4)
		fuzz_fail(q, "signature offset");
	if (q->att_key_off != q->sig_off + TDXQ_ECDSA_SIG_SIZE)
		fuzz_fail(q, "attestation key offset");
	if (q->qe_report_off != q->att_key_off + TDXQ_ECDSA_KEY_SIZE + 6)
		fuzz_fail(q, "QE report offset");
	if (q->qe_report_sig_off != q->qe_report_off + TDXQ_QE_REPORT_SIZE)
		fuzz_fail(q, "QE report signature offset");
	if (q->auth_off != q->qe_report_sig_off + TDXQ_ECDSA_SIG_SIZE + 2)
		fuzz_fail(q, "auth data offset");
	if (q->chain_off != q->auth_off + q->auth_len + 6)
		fuzz_fail(q, "chain offset");
	if (q->quote_len != q->chain_off + q->chain_len)
		fuzz_fail(q, "quote length");
	if (q->quote_len != q->signed_len + 4 + q->sig_data_len)
		fuzz_fail(q, "signature_data_len does not end the quote");
	if (q->quote_len > len || q->quote_len + q->trailing_len != len)
		fuzz_fail(q, "quote and trailing bytes are not the input");

	sink += fuzz_touch(q, 0, q->signed_len);
	sink += fuzz_touch(q, q->body_off, q->body_len);
	sink += fuzz_touch(q, q->sig_off, TDXQ_ECDSA_SIG_SIZE);
	sink += fuzz_touch(q, q->att_key_off, TDXQ_ECDSA_KEY_SIZE);
	sink += fuzz_touch(q, q->qe_report_off, TDXQ_QE_REPORT_SIZE);
	sink += fuzz_touch(q, q->qe_report_sig_off, TDXQ_ECDSA_SIG_SIZE);
	sink += fuzz_touch(q, q->auth_off, q->auth_len);
	sink += fuzz_touch(q, q->chain_off, q->chain_len);

	nonzero = false;
	for (i = q->quote_len; i < len && !nonzero; i++)
		nonzero = q->buf[i];
	if (q->trailing_nonzero != nonzero)
		fuzz_fail(q, "trailing_nonzero");
	/* Keep the reads: the compiler may not drop what "uses" the sum */
	__asm__ __volatile__("" : : "r"(sink));
}

/* FUZZ_ENTRY is libFuzzer's entry point, named by the Makefile */
int FUZZ_ENTRY(const u8 *data, size_t size);

int FUZZ_ENTRY(const u8 *data, size_t size)
{
	struct tdxq_quote q;
	char msg[160];
	int ret;

	switch (tdxq_detect(data, size)) {
	case TDXQ_FMT_QUOTE:
		if (size < 2 || (get_le16(data) != TDXQ_VERSION_4 &&
				 get_le16(data) != TDXQ_VERSION_5))
			abort();
		break;
	case TDXQ_FMT_TDREPORT:
		if (size != TDX_REPORT_SIZE)
			abort();
		break;
	default:
		break;
	}

	ret = tdxq_parse_quote(data, size, &q);
	if (ret > 0)
		abort();
	if (!ret)
		fuzz_check_quote(&q, size);
	else if (!memchr(q.msg, '\0', sizeof(q.msg)) || !q.msg[0])
		fuzz_fail(&q, "failure without a reason");

	msg[0] = '\0';
	ret = tdxq_check_tdreport(data, size, msg, sizeof(msg));
	if (ret > 0 || (!ret && size != TDX_REPORT_SIZE) ||
	    (ret && !memchr(msg, '\0', sizeof(msg))))
		abort();
	return 0;
}
