// SPDX-License-Identifier: GPL-2.0-only
/*
 * Robustness test of the quote parser on real quotes: every truncation,
 * lying values in every length field, and random byte mutations. Each
 * input is copied into a buffer of exactly its size, so an out-of-bounds
 * read shows up under -fsanitize=address or valgrind. A parse that
 * succeeds must describe regions inside the buffer.
 *
 *   tdxq-parse-test QUOTE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/tdx-quote/parse.h"

static int failures;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			printf("# FAIL %s:%d: ", __FILE__, __LINE__);	\
			printf(__VA_ARGS__);				\
			putchar('\n');					\
			failures++;					\
		}							\
	} while (0)

static bool inside(const struct tdxq_quote *q, size_t off, size_t len)
{
	return off <= q->buf_len && len <= q->buf_len - off;
}

/* What a successful parse promises its users. */
static bool sane(const struct tdxq_quote *q)
{
	return inside(q, 0, q->quote_len) &&
	       q->quote_len + q->trailing_len == q->buf_len &&
	       inside(q, q->body_off, q->body_len) &&
	       q->signed_len == q->body_off + q->body_len &&
	       inside(q, q->sig_off, TDXQ_ECDSA_SIG_SIZE) &&
	       inside(q, q->att_key_off, TDXQ_ECDSA_KEY_SIZE) &&
	       inside(q, q->qe_report_off, TDXQ_QE_REPORT_SIZE) &&
	       inside(q, q->qe_report_sig_off, TDXQ_ECDSA_SIG_SIZE) &&
	       inside(q, q->auth_off, q->auth_len) &&
	       inside(q, q->chain_off, q->chain_len) &&
	       q->chain_off + q->chain_len == q->quote_len;
}

/* Parse an exact-size private copy of @buf[0..len). */
static int parse_copy(const u8 *buf, size_t len, struct tdxq_quote *q)
{
	u8 *copy = malloc(len ? len : 1);
	int ret;

	if (!copy)
		abort();
	memcpy(copy, buf, len);
	ret = tdxq_parse_quote(copy, len, q);
	if (!ret && !sane(q)) {
		printf("# FAIL parse succeeded with out-of-bounds regions (len %zu)\n",
		       len);
		failures++;
	}
	free(copy);
	return ret;
}

static void test_truncation(const u8 *buf, const struct tdxq_quote *full)
{
	struct tdxq_quote q;
	size_t len;

	for (len = 0; len < full->quote_len; len++)
		CHECK(parse_copy(buf, len, &q) < 0,
		      "truncated to %zu of %zu bytes but parsed", len,
		      full->quote_len);
	CHECK(!parse_copy(buf, full->quote_len, &q),
	      "quote without its padding does not parse: %s", q.msg);
}

static void test_lying_lengths(const u8 *orig, size_t len,
			       const struct tdxq_quote *full)
{
	static const u32 lies[] = {
		0, 1, 2, 63, 64, 134, 0x7fff, 0xffff, 0x10000, 0x7fffffff,
		0x80000000, 0xfffffffe, 0xffffffff,
	};
	/* Offsets of u32 length fields that must match exactly. */
	size_t fields32[4] = {
		full->signed_len,			/* signature_data_len */
		full->att_key_off + TDXQ_ECDSA_KEY_SIZE + 2,	/* cert size */
		full->chain_off - 4,			/* chain size */
		full->version == 5 ? 50 : 0,		/* v5 body size */
	};
	size_t auth_field = full->qe_report_sig_off + TDXQ_ECDSA_SIG_SIZE;
	struct tdxq_quote q;
	u8 *buf = malloc(len);
	size_t f, i, nfields = full->version == 5 ? 4 : 3;
	int ret;

	if (!buf)
		abort();
	for (f = 0; f < nfields; f++) {
		for (i = 0; i < ARRAY_SIZE(lies); i++) {
			memcpy(buf, orig, len);
			if (get_le32(buf + fields32[f]) == lies[i])
				continue;
			put_le32(buf + fields32[f], lies[i]);
			ret = parse_copy(buf, len, &q);
			CHECK(ret < 0, "length field at %zu = 0x%x accepted",
			      fields32[f], lies[i]);
		}
	}
	/* The u16 auth data size: any value must be survived. */
	for (i = 0; i <= 0xffff; i += 7) {
		memcpy(buf, orig, len);
		put_le16(buf + auth_field, (u16)i);
		parse_copy(buf, len, &q);
	}
	free(buf);
}

static void test_mutations(const u8 *orig, size_t len, unsigned int seed)
{
	struct tdxq_quote q;
	u8 *buf = malloc(len);
	size_t limit = len < 1400 ? len : 1400;	/* the structured part */
	int i, j, n;

	if (!buf)
		abort();
	srand(seed);
	for (i = 0; i < 20000; i++) {
		memcpy(buf, orig, len);
		n = 1 + rand() % 4;
		for (j = 0; j < n; j++)
			buf[(size_t)rand() % limit] = (u8)rand();
		parse_copy(buf, (size_t)rand() % (len + 1), &q);
		parse_copy(buf, len, &q);
	}
	free(buf);
}

static u8 *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	u8 *buf;

	if (!f)
		return NULL;
	buf = malloc(TDXQ_INPUT_MAX);
	if (buf)
		*len = fread(buf, 1, TDXQ_INPUT_MAX, f);
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	struct tdxq_quote full;
	size_t len;
	u8 *buf;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: tdxq-parse-test QUOTE...\n");
		return 64;
	}
	for (i = 1; i < argc; i++) {
		buf = slurp(argv[i], &len);
		if (!buf) {
			printf("# FAIL cannot read %s\n", argv[i]);
			return 1;
		}
		if (parse_copy(buf, len, &full)) {
			printf("# FAIL %s does not parse: %s\n", argv[i],
			       full.msg);
			failures++;
			free(buf);
			continue;
		}
		test_truncation(buf, &full);
		test_lying_lengths(buf, len, &full);
		test_mutations(buf, len, (unsigned int)i);
		printf("# %s: v%u, %zu-byte quote, survived\n", argv[i],
		       full.version, full.quote_len);
		free(buf);
	}
	return failures ? 1 : 0;
}
