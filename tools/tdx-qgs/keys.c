// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulated quoting service's key material.
 *
 * On first start the state directory is filled with four P-256 keys
 * (attestation, PCK leaf, intermediate CA, root CA; mode 0600) and three
 * certificates forming the chain root -> intermediate -> PCK leaf. Later
 * starts load them, so quotes stay verifiable with the same root-ca.pem.
 * Every subject says "emulator" and "not Intel": real verifiers, which
 * trust only Intel's SGX root, reject these quotes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "qgs.h"
#include "../lib/tdx-quote/crypto.h"

#define CERT_DAYS	(20 * 365)

enum { ATT_KEY, PCK_KEY, INT_KEY, ROOT_KEY, NR_KEYS };
enum { PCK_CERT, INT_CERT, ROOT_CERT, NR_CERTS };

static const char *const key_files[NR_KEYS] = {
	"attestation-key.pem", "pck-key.pem", "intermediate-ca-key.pem",
	"root-ca-key.pem",
};

static const char *const cert_files[NR_CERTS] = {
	"pck-cert.pem", "intermediate-ca.pem", "root-ca.pem",
};

static const char *const cert_cns[NR_CERTS] = {
	"coco-tsm TDX emulator PCK certificate (not Intel)",
	"coco-tsm TDX emulator PCK platform CA (not Intel)",
	"coco-tsm TDX emulator root CA (not Intel, not for production)",
};

/* OpenSSL's typedef names spelled as structs, for checkpatch's parser. */
struct material {
	struct evp_pkey_st *keys[NR_KEYS];
	struct x509_st *certs[NR_CERTS];
};

static void material_free(struct material *m)
{
	int i;

	for (i = 0; i < NR_CERTS; i++)
		X509_free(m->certs[i]);
	for (i = 0; i < NR_KEYS; i++)
		EVP_PKEY_free(m->keys[i]);
}

static void ssl_err(const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256] = "";

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	qgs_log("tdx-qgs: %s failed%s%s", what, e ? ": " : "", buf);
	ERR_clear_error();
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok;

	if (!ext)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

static int random_serial(X509 *x)
{
	BIGNUM *bn = BN_new();
	int ok;

	/* 63 random bits: positive, unique enough for a private CA */
	ok = bn && BN_rand(bn, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
	     BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	return ok ? 0 : -1;
}

static X509_NAME *make_name(const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	if (!n)
		return NULL;
	if (!X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
					(const u8 *)"coco-tsm TDX emulator",
					-1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
					(const u8 *)cn, -1, -1, 0)) {
		X509_NAME_free(n);
		return NULL;
	}
	return n;
}

/*
 * Issue a certificate for @key named @cn, signed by @issuer_key; a NULL
 * @issuer makes it self-signed.
 */
static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer,
		       EVP_PKEY *issuer_key, bool ca)
{
	X509_NAME *name;
	X509V3_CTX v3;
	X509 *x;

	x = X509_new();
	if (!x)
		return NULL;
	name = make_name(cn);
	if (!name)
		goto err;
	if (!X509_set_version(x, X509_VERSION_3) || random_serial(x) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -24 * 3600) ||
	    !X509_time_adj_ex(X509_getm_notAfter(x), CERT_DAYS, 0, NULL) ||
	    !X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) :
				  name) ||
	    !X509_set_pubkey(x, key))
		goto err_name;
	X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
	if (add_ext(x, &v3, NID_basic_constraints,
		    ca ? "critical,CA:TRUE" : "critical,CA:FALSE") ||
	    add_ext(x, &v3, NID_key_usage,
		    ca ? "critical,keyCertSign,cRLSign" :
			 "critical,digitalSignature,nonRepudiation") ||
	    add_ext(x, &v3, NID_subject_key_identifier, "hash") ||
	    add_ext(x, &v3, NID_authority_key_identifier, "keyid:always"))
		goto err_name;
	if (!X509_sign(x, issuer_key, EVP_sha256()))
		goto err_name;
	X509_NAME_free(name);
	return x;

err_name:
	X509_NAME_free(name);
err:
	X509_free(x);
	return NULL;
}

static int generate(struct material *m)
{
	int i;

	for (i = 0; i < NR_KEYS; i++) {
		m->keys[i] = EVP_EC_gen("P-256");
		if (!m->keys[i])
			return -1;
	}
	m->certs[ROOT_CERT] = make_cert(cert_cns[ROOT_CERT], m->keys[ROOT_KEY],
					NULL, m->keys[ROOT_KEY], true);
	if (!m->certs[ROOT_CERT])
		return -1;
	m->certs[INT_CERT] = make_cert(cert_cns[INT_CERT], m->keys[INT_KEY],
				       m->certs[ROOT_CERT], m->keys[ROOT_KEY],
				       true);
	if (!m->certs[INT_CERT])
		return -1;
	m->certs[PCK_CERT] = make_cert(cert_cns[PCK_CERT], m->keys[PCK_KEY],
				       m->certs[INT_CERT], m->keys[INT_KEY],
				       false);
	return m->certs[PCK_CERT] ? 0 : -1;
}

/* Write a PEM file atomically (temporary file, then rename). */
static int write_pem(const char *dir, const char *name, EVP_PKEY *key,
		     X509 *cert)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	FILE *f;
	int fd, ok;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name) >=
	    (int)sizeof(tmp))
		return -1;
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		  key ? 0600 : 0644);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		goto err_unlink;
	}
	if (key)
		ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	else
		ok = PEM_write_X509(f, cert);
	if (fflush(f) || fsync(fileno(f)))
		ok = 0;
	if (fclose(f) || !ok)
		goto err_unlink;
	if (rename(tmp, path))
		goto err_unlink;
	return 0;

err_unlink:
	unlink(tmp);
	return -1;
}

static int store(const char *dir, struct material *m)
{
	int i;

	for (i = 0; i < NR_KEYS; i++)
		if (write_pem(dir, key_files[i], m->keys[i], NULL))
			return -1;
	/* root-ca.pem last: its presence means the set is complete */
	for (i = 0; i < NR_CERTS; i++)
		if (write_pem(dir, cert_files[i], NULL, m->certs[i]))
			return -1;
	return 0;
}

static FILE *open_in(const char *dir, const char *name)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return NULL;
	return fopen(path, "re");
}

static int load(const char *dir, struct material *m)
{
	FILE *f;
	int i;

	for (i = 0; i < NR_KEYS; i++) {
		f = open_in(dir, key_files[i]);
		if (!f)
			return -1;
		m->keys[i] = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
		if (!m->keys[i])
			return -1;
	}
	for (i = 0; i < NR_CERTS; i++) {
		f = open_in(dir, cert_files[i]);
		if (!f)
			return -1;
		m->certs[i] = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
		if (!m->certs[i])
			return -1;
	}
	if (X509_check_private_key(m->certs[PCK_CERT], m->keys[PCK_KEY]) != 1)
		return -1;
	return 0;
}

/* How many of the state files exist: 0 means "first start". */
static int count_existing(const char *dir)
{
	char path[PATH_MAX];
	int i, n = 0;

	for (i = 0; i < NR_KEYS + NR_CERTS; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir,
			 i < NR_KEYS ? key_files[i] : cert_files[i - NR_KEYS]);
		if (!access(path, F_OK))
			n++;
	}
	return n;
}

static int chain_pem(struct material *m, struct qgs_keys *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int i;

	if (!b)
		return -1;
	for (i = 0; i < NR_CERTS; i++)
		if (!PEM_write_bio_X509(b, m->certs[i]))
			goto err;
	n = BIO_get_mem_data(b, &data);
	if (n <= 0)
		goto err;
	k->chain = malloc((size_t)n);
	if (!k->chain)
		goto err;
	memcpy(k->chain, data, (size_t)n);
	k->chain_len = (size_t)n;
	BIO_free(b);
	return 0;
err:
	BIO_free(b);
	return -1;
}

/**
 * qgs_keys_load() - load the keys, generating them on first start
 * @state_dir: directory, created 0700 if missing
 * @k: result, for qgs_keys_free()
 *
 * A directory holding only some of the files is refused rather than
 * silently re-keyed, because verifiers may already trust its root.
 *
 * Return: 0 or -1 (logged).
 */
int qgs_keys_load(const char *state_dir, struct qgs_keys *k)
{
	struct material m = { 0 };
	int n;

	memset(k, 0, sizeof(*k));
	if (mkdir(state_dir, 0700) && errno != EEXIST) {
		qgs_log("tdx-qgs: %s: %s", state_dir, strerror(errno));
		return -1;
	}
	n = count_existing(state_dir);
	if (n == 0) {
		if (generate(&m)) {
			ssl_err("key generation");
			goto err;
		}
		if (store(state_dir, &m)) {
			qgs_log("tdx-qgs: cannot write keys to %s: %s",
				state_dir, strerror(errno));
			goto err;
		}
		qgs_log("tdx-qgs: generated keys and certificates in %s",
			state_dir);
	} else if (n != NR_KEYS + NR_CERTS || load(state_dir, &m)) {
		qgs_log("tdx-qgs: %s: incomplete or unreadable state (%d of %d files), remove it",
			state_dir, n, NR_KEYS + NR_CERTS);
		ERR_clear_error();
		goto err;
	}
	if (chain_pem(&m, k))
		goto err;
	k->att_key = m.keys[ATT_KEY];
	k->pck_key = m.keys[PCK_KEY];
	m.keys[ATT_KEY] = NULL;
	m.keys[PCK_KEY] = NULL;
	material_free(&m);
	return 0;

err:
	material_free(&m);
	return -1;
}

/**
 * qgs_keys_free() - release what qgs_keys_load() returned
 * @k: keys
 */
void qgs_keys_free(struct qgs_keys *k)
{
	free(k->chain);
	EVP_PKEY_free(k->pck_key);
	EVP_PKEY_free(k->att_key);
	memset(k, 0, sizeof(*k));
}

static void label_hash(const char *label, u8 *out)
{
	tdxq_sha256(label, strlen(label), NULL, 0, out);
}

/**
 * qgs_signer_init() - the emulated QE's identity
 * @s: signer to fill
 * @k: loaded keys, must outlive @s
 *
 * The vendor id spells "coco-tsm TDX emu" instead of Intel's, user_data
 * (where the TDQE puts its QE id) is derived from the attestation key, the
 * QE auth data is 0x00..0x1f as in Intel's reference TDQE, and MRENCLAVE
 * and MRSIGNER are hashes of labels naming the emulator.
 *
 * Return: 0 or -1.
 */
int qgs_signer_init(struct tdxq_signer *s, const struct qgs_keys *k)
{
	static const char vendor[16] = "coco-tsm TDX emu";
	u8 xy[TDXQ_ECDSA_KEY_SIZE], h[TDXQ_SHA256_SIZE];
	struct tdxq_qe_report *r = &s->qe_report;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->att_key = k->att_key;
	s->pck_key = k->pck_key;
	s->chain = k->chain;
	s->chain_len = k->chain_len;
	memcpy(s->qe_vendor_id, vendor, sizeof(s->qe_vendor_id));
	if (tdxq_p256_to_xy(k->att_key, xy) ||
	    tdxq_sha256(xy, sizeof(xy), NULL, 0, h))
		return -1;
	memcpy(s->user_data, h, 16);
	for (i = 0; i < sizeof(s->auth_data); i++)
		s->auth_data[i] = (u8)i;
	r->attributes[0] = 0x15;	/* INIT | MODE64BIT | PROVISIONKEY */
	r->attributes[8] = 0xe7;	/* XFRM: x87, SSE, AVX, AVX-512 */
	label_hash("coco-tsm emulated TD quoting enclave", r->mr_enclave);
	label_hash("coco-tsm TDX emulator, not Intel", r->mr_signer);
	put_le16(r->isv_prod_id, 2);	/* the TDQE's product id */
	put_le16(r->isv_svn, 1);
	return tdxq_quote_size(s) <= TDXQ_QUOTE_MAX_SIZE ? 0 : -1;
}
