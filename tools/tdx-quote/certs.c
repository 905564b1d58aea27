// SPDX-License-Identifier: GPL-2.0-only
/*
 * PEM certificate chains as carried in certification data type 5.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "tdx-quote.h"

/**
 * load_pem_chain() - parse the certificates of a PEM chain
 * @pem: PEM text, not necessarily NUL-terminated
 * @len: bytes of @pem
 *
 * Reads certificates in order until the text holds no further PEM block.
 * Text outside PEM blocks (NUL padding) is ignored, but a block that does
 * not decode to a certificate makes the whole chain malformed: dropping it
 * silently would let a damaged chain pass as a shorter one.
 *
 * Return: a stack of at least one certificate, or NULL.
 */
struct stack_st_X509 *load_pem_chain(const u8 *pem, size_t len)
{
	struct stack_st_X509 *certs;
	unsigned long e;
	X509 *x;
	BIO *b;

	if (!len || len > TDXQ_INPUT_MAX)
		return NULL;
	b = BIO_new_mem_buf(pem, (int)len);
	if (!b)
		return NULL;
	certs = sk_X509_new_null();
	if (!certs)
		goto out_bio;
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		if (!sk_X509_push(certs, x)) {
			X509_free(x);
			break;
		}
	}
	/* Only "no further PEM block" is a clean end. */
	e = ERR_peek_last_error();
	ERR_clear_error();
	if (!sk_X509_num(certs) || ERR_GET_LIB(e) != ERR_LIB_PEM ||
	    ERR_GET_REASON(e) != PEM_R_NO_START_LINE) {
		sk_X509_pop_free(certs, X509_free);
		certs = NULL;
	}
out_bio:
	BIO_free(b);
	return certs;
}

/**
 * pem_chain_canonical() - is a PEM chain exactly the encoding of its certs?
 * @pem: PEM text from the quote
 * @len: bytes of @pem
 * @certs: what load_pem_chain() made of it
 *
 * PEM armour (BEGIN/END lines, line breaks) is not covered by any
 * signature and OpenSSL's reader tolerates some damage to it. Requiring
 * the canonical encoding (64-column base64, "\n" line ends), followed by
 * nothing but NUL padding, makes every byte of the chain matter. Intel's
 * chains are in this form.
 *
 * Return: true if canonical.
 */
bool pem_chain_canonical(const u8 *pem, size_t len,
			 struct stack_st_X509 *certs)
{
	BIO *b = BIO_new(BIO_s_mem());
	bool ok = false;
	char *data;
	long n;
	size_t i;
	int c;

	if (!b)
		return false;
	for (c = 0; c < sk_X509_num(certs); c++)
		if (!PEM_write_bio_X509(b, sk_X509_value(certs, c)))
			goto out;
	n = BIO_get_mem_data(b, &data);
	if (n <= 0 || (size_t)n > len || memcmp(pem, data, (size_t)n))
		goto out;
	ok = true;
	for (i = (size_t)n; i < len; i++)
		ok = ok && !pem[i];
out:
	BIO_free(b);
	return ok;
}
