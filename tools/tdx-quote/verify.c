// SPDX-License-Identifier: GPL-2.0-only
/*
 * `tdx-quote verify`: the cryptographic checks of a TDX quote, one
 * verdict line each. This is not a full attestation policy: TCB levels,
 * QE identity and revocation need Intel collateral and are out of scope.
 *
 * The certificate chain is checked without validity periods
 * (X509_V_FLAG_NO_CHECK_TIME): quotes are verified long after they were
 * made, the real sample quotes carry expired Intel chains, and guests of
 * the emulator often boot with a wrong clock. Freshness comes from the
 * nonce instead.
 */
#include <stdarg.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include "tdx-quote.h"
#include "../lib/tdx-quote/crypto.h"

static bool verdict(bool ok, const char *check, const char *fmt, ...)
{
	va_list ap;

	printf("%s: %s: ", ok ? "PASS" : "FAIL", check);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return ok;
}

static struct stack_st_X509 *load_roots(const char *path)
{
	struct stack_st_X509 *roots;
	X509 *x;
	BIO *b;

	b = BIO_new_file(path, "r");
	if (!b)
		return NULL;
	roots = sk_X509_new_null();
	while (roots && (x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		if (!sk_X509_push(roots, x)) {
			X509_free(x);
			break;
		}
	}
	ERR_clear_error();
	BIO_free(b);
	if (roots && !sk_X509_num(roots)) {
		sk_X509_free(roots);
		roots = NULL;
	}
	return roots;
}

static bool check_quote_sig(const struct tdxq_quote *q)
{
	EVP_PKEY *att;
	int ret;

	att = tdxq_p256_from_xy(tdxq_at(q, q->att_key_off));
	if (!att)
		return verdict(false, "quote-signature",
			       "attestation key is not a P-256 point");
	ret = tdxq_ecdsa_verify(att, q->buf, q->signed_len,
				tdxq_at(q, q->sig_off));
	EVP_PKEY_free(att);
	return verdict(ret == 1, "quote-signature",
		       "ECDSA-P256/SHA-256 over bytes [0,%zu) by the attestation key",
		       q->signed_len);
}

static bool check_binding(const struct tdxq_quote *q)
{
	const u8 *rd = tdxq_at(q, q->qe_report_off) +
		       offsetof(struct tdxq_qe_report, report_data);
	static const u8 zero[32];
	u8 h[TDXQ_SHA256_SIZE];

	if (tdxq_sha256(tdxq_at(q, q->att_key_off), TDXQ_ECDSA_KEY_SIZE,
			tdxq_at(q, q->auth_off), q->auth_len, h))
		return verdict(false, "qe-report-data", "SHA-256 failed");
	return verdict(!memcmp(rd, h, sizeof(h)) && !memcmp(rd + 32, zero, 32),
		       "qe-report-data",
		       "QE REPORTDATA = SHA-256(attestation key || %u bytes of QE auth data) || zeros",
		       q->auth_len);
}

/*
 * OpenSSL builds a path from the leaf to the trusted root and ignores
 * chain certificates it does not need, including the chain's own copy of
 * the root. They are part of the quote all the same: the embedded chain
 * must be exactly the verified path (its root copy may be left out).
 */
static bool chain_is_path(struct stack_st_X509 *certs,
			  struct stack_st_X509 *path)
{
	int i, n = sk_X509_num(certs);

	if (n != sk_X509_num(path) && n != sk_X509_num(path) - 1)
		return false;
	for (i = 0; i < n; i++)
		if (X509_cmp(sk_X509_value(certs, i), sk_X509_value(path, i)))
			return false;
	return true;
}

static bool check_chain(struct stack_st_X509 *certs, struct stack_st_X509 *roots,
			const char *root_path)
{
	struct stack_st_X509 *untrusted = NULL;
	X509_STORE_CTX *ctx = NULL;
	const char *why = "internal error";
	X509_STORE *store;
	bool ok = false;
	int i;

	store = X509_STORE_new();
	if (!store)
		goto out;
	for (i = 0; i < sk_X509_num(roots); i++)
		if (!X509_STORE_add_cert(store, sk_X509_value(roots, i)))
			goto out_store;
	untrusted = sk_X509_new_null();
	if (!untrusted)
		goto out_store;
	for (i = 1; i < sk_X509_num(certs); i++)
		if (!sk_X509_push(untrusted, sk_X509_value(certs, i)))
			goto out_untrusted;
	ctx = X509_STORE_CTX_new();
	if (!ctx ||
	    !X509_STORE_CTX_init(ctx, store, sk_X509_value(certs, 0),
				 untrusted))
		goto out_ctx;
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_CHECK_TIME);
	ok = X509_verify_cert(ctx) == 1;
	if (!ok) {
		why = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
	} else if (!chain_is_path(certs, X509_STORE_CTX_get0_chain(ctx))) {
		why = "the embedded chain holds certificates off the verified path";
		ok = false;
	}
out_ctx:
	X509_STORE_CTX_free(ctx);
out_untrusted:
	sk_X509_free(untrusted);	/* the certificates belong to @certs */
out_store:
	X509_STORE_free(store);
out:
	ERR_clear_error();
	if (ok)
		return verdict(true, "pck-chain",
			       "%d certificates chain up to %s (validity dates not checked)",
			       sk_X509_num(certs), root_path);
	return verdict(false, "pck-chain", "not signed up to %s: %s",
		       root_path, why);
}

static bool check_qe_sig(const struct tdxq_quote *q, X509 *leaf)
{
	EVP_PKEY *pck = leaf ? X509_get0_pubkey(leaf) : NULL;
	int ret;

	if (!pck)
		return verdict(false, "qe-report-signature",
			       "no PCK leaf public key");
	ret = tdxq_ecdsa_verify(pck, tdxq_at(q, q->qe_report_off),
				TDXQ_QE_REPORT_SIZE,
				tdxq_at(q, q->qe_report_sig_off));
	ERR_clear_error();
	return verdict(ret == 1, "qe-report-signature",
		       "ECDSA-P256/SHA-256 over the QE report by the PCK leaf key");
}

static bool check_nonce(const struct tdxq_quote *q, const u8 *nonce,
			size_t nonce_len)
{
	const u8 *rd = tdxq_at(q, q->body_off) +
		       offsetof(struct tdxq_body, report_data);
	u8 want[64] = { 0 };

	memcpy(want, nonce, nonce_len);
	return verdict(!memcmp(rd, want, sizeof(want)), "nonce",
		       "REPORTDATA %s the %zu-byte nonce (zero-padded to 64)",
		       memcmp(rd, want, sizeof(want)) ? "differs from" :
		       "equals", nonce_len);
}

static bool check_rtmr(const struct tdxq_quote *q,
		       const struct rtmr_expect *r)
{
	const u8 *mr = tdxq_at(q, q->body_off) +
		       offsetof(struct tdxq_body, rt_mr[r->index]);
	char name[8];

	snprintf(name, sizeof(name), "rtmr%d", r->index);
	return verdict(!memcmp(mr, r->value, RTMR_SIZE), name,
		       "RTMR%d %s the replay of the %zu extends in %s",
		       r->index, memcmp(mr, r->value, RTMR_SIZE) ?
		       "differs from" : "equals", r->extends, r->log);
}

/**
 * verify_quote() - run every check and print a verdict line for each
 * @q: parsed quote
 * @root_path: PEM file with the trusted root CA certificate(s)
 * @nonce: expected REPORTDATA prefix, or NULL
 * @nonce_len: bytes of @nonce, at most 64
 * @rtmrs: RTMR values the quote must carry
 * @nr_rtmrs: how many in @rtmrs
 *
 * Return: 0 if every check passed, EXIT_VERIFY_FAILED if one failed,
 * EXIT_BAD_INPUT if the root file holds no certificate.
 */
int verify_quote(const struct tdxq_quote *q, const char *root_path,
		 const u8 *nonce, size_t nonce_len,
		 const struct rtmr_expect *rtmrs, int nr_rtmrs)
{
	struct stack_st_X509 *roots, *certs;
	bool ok = true;
	int i;

	roots = load_roots(root_path);
	if (!roots) {
		fprintf(stderr, "tdx-quote: %s: no PEM certificate\n",
			root_path);
		return EXIT_BAD_INPUT;
	}
	if (q->trailing_nonzero)
		printf("NOTE: %zu bytes after the quote are not zero; no signature covers them\n",
		       q->trailing_len);
	certs = load_pem_chain(tdxq_at(q, q->chain_off), q->chain_len);

	ok &= check_quote_sig(q);
	ok &= check_binding(q);
	if (certs && !pem_chain_canonical(tdxq_at(q, q->chain_off),
					  q->chain_len, certs))
		ok &= verdict(false, "pck-chain",
			      "PEM chain is not in canonical form (damaged armour or trailing text)");
	else if (certs)
		ok &= check_chain(certs, roots, root_path);
	else
		ok &= verdict(false, "pck-chain", "malformed PEM chain");
	ok &= check_qe_sig(q, certs ? sk_X509_value(certs, 0) : NULL);
	if (nonce)
		ok &= check_nonce(q, nonce, nonce_len);
	for (i = 0; i < nr_rtmrs; i++)
		ok &= check_rtmr(q, &rtmrs[i]);
	printf("%s\n", ok ? "OK: quote verified" :
	       "FAILED: quote did not verify");

	if (certs)
		sk_X509_pop_free(certs, X509_free);
	sk_X509_pop_free(roots, X509_free);
	return ok ? 0 : EXIT_VERIFY_FAILED;
}
