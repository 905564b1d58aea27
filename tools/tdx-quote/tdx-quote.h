/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tdx-quote: dump and verify TDX quotes and TDREPORTs.
 */
#ifndef TDX_QUOTE_H
#define TDX_QUOTE_H

#include <stdio.h>

#include <openssl/x509.h>

#include "../lib/tdx-quote/parse.h"

/* Exit codes; documented in --help and tdx-quote.1. */
#define EXIT_VERIFY_FAILED	1
#define EXIT_BAD_INPUT		2
#define EXIT_USAGE		64

/**
 * struct emit - writes named fields as indented text or as JSON
 * @json: JSON instead of text
 * @depth: nesting level
 * @need_comma: per level, a value was already written at that level
 * @f: output stream
 */
struct emit {
	bool json;
	int depth;
	bool need_comma[8];
	FILE *f;
};

void emit_open(struct emit *e, const char *name, bool array);
void emit_close(struct emit *e, bool array);
void emit_hex(struct emit *e, const char *name, const u8 *p, size_t n);
void emit_uint(struct emit *e, const char *name, u64 v, int hex_width);
void emit_str(struct emit *e, const char *name, const char *s);
void emit_bool(struct emit *e, const char *name, bool v);

struct stack_st_X509 *load_pem_chain(const u8 *pem, size_t len);
bool pem_chain_canonical(const u8 *pem, size_t len,
			 struct stack_st_X509 *certs);

/* Run-time measurement registers: RTMR0..RTMR3, SHA-384 each */
#define RTMR_COUNT	4
#define RTMR_SIZE	48

/**
 * struct rtmr_expect - an RTMR value a quote must carry
 * @index: the register, 0..3
 * @log: the event log it was replayed from, for messages
 * @extends: how many digests the log held
 * @value: the replayed value
 */
struct rtmr_expect {
	int index;
	const char *log;
	size_t extends;
	u8 value[RTMR_SIZE];
};

int dump_quote(struct emit *e, const struct tdxq_quote *q);
int dump_tdreport(struct emit *e, const u8 *buf, size_t len);
int verify_quote(const struct tdxq_quote *q, const char *root_path,
		 const u8 *nonce, size_t nonce_len,
		 const struct rtmr_expect *rtmrs, int nr_rtmrs);

int hex_decode(const char *s, size_t n, u8 *out);
int rtmr_parse_hex(const char *s, u8 out[RTMR_SIZE]);
int rtmr_replay(const char *path, const u8 init[RTMR_SIZE],
		u8 out[RTMR_SIZE], size_t *count);

#endif /* TDX_QUOTE_H */
