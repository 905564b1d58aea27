/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * OpenSSL helpers shared by the quoting service and the quote tool: the
 * raw r||s ECDSA-P256 signatures and X||Y public keys quotes carry, and
 * the TDREPORT SHA-384 hashes.
 */
#ifndef TDXQ_CRYPTO_H
#define TDXQ_CRYPTO_H

#include <openssl/evp.h>

#include "types.h"

#define TDXQ_SHA256_SIZE	32
#define TDXQ_SHA384_SIZE	48

int tdxq_sha256(const void *a, size_t alen, const void *b, size_t blen,
		u8 out[TDXQ_SHA256_SIZE]);
int tdxq_sha384(const void *data, size_t len, u8 out[TDXQ_SHA384_SIZE]);

int tdxq_tdreport_hashes(const u8 *report, u8 tcb_hash[TDXQ_SHA384_SIZE],
			 u8 info_hash[TDXQ_SHA384_SIZE]);
int tdxq_tdreport_hashes_ok(const u8 *report, bool *tcb_ok, bool *info_ok);
int tdxq_tdreport_fix_hashes(u8 *report);

EVP_PKEY *tdxq_p256_from_xy(const u8 xy[64]);
int tdxq_p256_to_xy(EVP_PKEY *key, u8 xy[64]);
int tdxq_ecdsa_sign(EVP_PKEY *key, const void *msg, size_t len, u8 sig[64]);
int tdxq_ecdsa_verify(EVP_PKEY *key, const void *msg, size_t len,
		      const u8 sig[64]);

#endif /* TDXQ_CRYPTO_H */
