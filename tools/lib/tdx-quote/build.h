/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TDX Quote v4 builder, the job of the TD quoting enclave.
 */
#ifndef TDXQ_BUILD_H
#define TDXQ_BUILD_H

#include <openssl/evp.h>

#include "layout.h"

#define TDXQ_AUTH_DATA_SIZE	32

/**
 * struct tdxq_signer - keys and constants an (emulated) QE signs with
 * @att_key: attestation key, P-256 private key; signs header and body
 * @pck_key: PCK leaf private key; signs the QE report
 * @chain: PEM chain PCK leaf || intermediate CA || root CA
 * @chain_len: bytes in @chain
 * @qe_vendor_id: header qe_vendor_id
 * @user_data: header user_data (the QE id)
 * @qe_report: QE report template; its REPORTDATA is filled per quote
 * @auth_data: QE authentication data
 */
struct tdxq_signer {
	EVP_PKEY *att_key;
	EVP_PKEY *pck_key;
	const u8 *chain;
	size_t chain_len;
	u8 qe_vendor_id[16];
	u8 user_data[20];
	struct tdxq_qe_report qe_report;
	u8 auth_data[TDXQ_AUTH_DATA_SIZE];
};

size_t tdxq_quote_size(const struct tdxq_signer *s);
int tdxq_build_quote(const struct tdxq_signer *s, const u8 *tdreport,
		     u8 *out, size_t cap, size_t *out_len);

#endif /* TDXQ_BUILD_H */
