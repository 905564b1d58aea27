// SPDX-License-Identifier: GPL-2.0-only
/*
 * OpenSSL 3 glue for TDX quotes.
 *
 * Quotes carry ECDSA signatures as 64 bytes r||s (big-endian, 32 bytes
 * each) and P-256 public keys as 64 bytes X||Y without the 0x04 prefix;
 * OpenSSL speaks DER signatures and SEC1 points, so these helpers convert.
 * All functions return 0 on success and -1 on failure (1 from
 * tdxq_ecdsa_verify() meaning "valid").
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/param_build.h>

#include "crypto.h"
#include "layout.h"

/**
 * tdxq_sha256() - SHA-256 of the concatenation of two buffers
 * @a: first buffer
 * @alen: its length
 * @b: second buffer, may be NULL when @blen is 0
 * @blen: its length
 * @out: digest
 *
 * Return: 0 or -1.
 */
int tdxq_sha256(const void *a, size_t alen, const void *b, size_t blen,
		u8 out[TDXQ_SHA256_SIZE])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (!ctx)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, a, alen) &&
	     (!blen || EVP_DigestUpdate(ctx, b, blen)) &&
	     EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

/**
 * tdxq_sha384() - SHA-384 of a buffer
 * @data: bytes
 * @len: number of bytes
 * @out: digest
 *
 * Return: 0 or -1.
 */
int tdxq_sha384(const void *data, size_t len, u8 out[TDXQ_SHA384_SIZE])
{
	return EVP_Digest(data, len, out, NULL, EVP_sha384(), NULL) ? 0 : -1;
}

/**
 * tdxq_tdreport_hashes() - compute the two hashes a TDREPORT must carry
 * @report: 1024-byte TDREPORT
 * @tcb_hash: SHA-384 over the 239 bytes of TEE_TCB_INFO
 * @info_hash: SHA-384 over the 512 bytes of TDINFO_STRUCT
 *
 * Return: 0 or -1.
 */
int tdxq_tdreport_hashes(const u8 *report, u8 tcb_hash[TDXQ_SHA384_SIZE],
			 u8 info_hash[TDXQ_SHA384_SIZE])
{
	if (tdxq_sha384(report + TDX_REPORT_OFF(tee_tcb_info),
			TDX_TEE_TCB_INFO_HASHED, tcb_hash))
		return -1;
	return tdxq_sha384(report + TDX_REPORT_OFF(td_info),
			   sizeof(struct tdx_td_info), info_hash);
}

/**
 * tdxq_tdreport_hashes_ok() - compare a TDREPORT's hashes with its contents
 * @report: 1024-byte TDREPORT
 * @tcb_ok: TEE_TCB_INFO_HASH matches
 * @info_ok: TEE_INFO_HASH matches
 *
 * Return: 0, or -1 if hashing failed.
 */
int tdxq_tdreport_hashes_ok(const u8 *report, bool *tcb_ok, bool *info_ok)
{
	u8 tcb[TDXQ_SHA384_SIZE], info[TDXQ_SHA384_SIZE];

	if (tdxq_tdreport_hashes(report, tcb, info))
		return -1;
	*tcb_ok = !memcmp(tcb, report +
			  TDX_REPORT_OFF(mac_struct.tee_tcb_info_hash),
			  sizeof(tcb));
	*info_ok = !memcmp(info, report +
			   TDX_REPORT_OFF(mac_struct.tee_info_hash),
			   sizeof(info));
	return 0;
}

/**
 * tdxq_tdreport_fix_hashes() - store the correct hashes into a TDREPORT
 * @report: 1024-byte TDREPORT, modified in place
 *
 * Used by tests that build TDREPORTs; the MAC is left as it is.
 *
 * Return: 0 or -1.
 */
int tdxq_tdreport_fix_hashes(u8 *report)
{
	return tdxq_tdreport_hashes(report,
				    report + TDX_REPORT_OFF(mac_struct.tee_tcb_info_hash),
				    report + TDX_REPORT_OFF(mac_struct.tee_info_hash));
}

/**
 * tdxq_p256_from_xy() - make a P-256 public key from a quote's X||Y
 * @xy: 64 bytes, big-endian X then Y
 *
 * OpenSSL checks that the point is on the curve.
 *
 * Return: a new key for EVP_PKEY_free(), or NULL.
 */
EVP_PKEY *tdxq_p256_from_xy(const u8 xy[64])
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	u8 point[65];

	if (!bld)
		return NULL;
	point[0] = 0x04;	/* SEC1 uncompressed point */
	memcpy(point + 1, xy, 64);
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     "prime256v1", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					      point, sizeof(point)))
		goto out_bld;
	params = OSSL_PARAM_BLD_to_param(bld);
	if (!params)
		goto out_bld;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx)
		goto out_params;
	if (EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
out_params:
	OSSL_PARAM_free(params);
out_bld:
	OSSL_PARAM_BLD_free(bld);
	return key;
}

/**
 * tdxq_p256_to_xy() - export a P-256 public key as a quote's X||Y
 * @key: EC key on P-256
 * @xy: 64 bytes output
 *
 * Return: 0 or -1 (not P-256, or not exportable).
 */
int tdxq_p256_to_xy(EVP_PKEY *key, u8 xy[64])
{
	BIGNUM *x = NULL, *y = NULL;
	char group[32];
	int ret = -1;

	if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
					    group, sizeof(group), NULL) ||
	    strcmp(group, "prime256v1"))
		return -1;
	if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) ||
	    !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y))
		goto out;
	if (BN_bn2binpad(x, xy, 32) == 32 && BN_bn2binpad(y, xy + 32, 32) == 32)
		ret = 0;
out:
	BN_free(y);
	BN_free(x);
	return ret;
}

/**
 * tdxq_ecdsa_sign() - ECDSA-P256 with SHA-256, raw r||s output
 * @key: private key
 * @msg: message
 * @len: message length
 * @sig: 64-byte signature output
 *
 * Return: 0 or -1.
 */
int tdxq_ecdsa_sign(EVP_PKEY *key, const void *msg, size_t len, u8 sig[64])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const BIGNUM *r, *s;
	ECDSA_SIG *esig = NULL;
	const u8 *p;
	u8 der[80];
	size_t dlen = sizeof(der);
	int ret = -1;

	if (!ctx)
		return -1;
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) <= 0 ||
	    EVP_DigestSign(ctx, der, &dlen, msg, len) <= 0)
		goto out_ctx;
	p = der;
	esig = d2i_ECDSA_SIG(NULL, &p, (long)dlen);
	if (!esig)
		goto out_ctx;
	ECDSA_SIG_get0(esig, &r, &s);
	if (BN_bn2binpad(r, sig, 32) == 32 && BN_bn2binpad(s, sig + 32, 32) == 32)
		ret = 0;
	ECDSA_SIG_free(esig);
out_ctx:
	EVP_MD_CTX_free(ctx);
	return ret;
}

/**
 * tdxq_ecdsa_verify() - verify a raw r||s ECDSA-P256/SHA-256 signature
 * @key: public key
 * @msg: message
 * @len: message length
 * @sig: 64-byte signature
 *
 * Return: 1 if valid, 0 if not, -1 on an internal error.
 */
int tdxq_ecdsa_verify(EVP_PKEY *key, const void *msg, size_t len,
		      const u8 sig[64])
{
	ECDSA_SIG *esig = ECDSA_SIG_new();
	BIGNUM *r = NULL, *s = NULL;
	EVP_MD_CTX *ctx = NULL;
	u8 *der = NULL;
	int dlen, ret = -1;

	if (!esig)
		return -1;
	r = BN_bin2bn(sig, 32, NULL);
	s = BN_bin2bn(sig + 32, 32, NULL);
	if (!r || !s || !ECDSA_SIG_set0(esig, r, s)) {
		BN_free(s);
		BN_free(r);
		goto out_sig;
	}
	dlen = i2d_ECDSA_SIG(esig, &der);
	if (dlen <= 0)
		goto out_sig;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		goto out_der;
	if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) <= 0)
		goto out_ctx;
	ret = EVP_DigestVerify(ctx, der, (size_t)dlen, msg, len) == 1 ? 1 : 0;
out_ctx:
	EVP_MD_CTX_free(ctx);
out_der:
	OPENSSL_free(der);
out_sig:
	ECDSA_SIG_free(esig);
	return ret;
}
