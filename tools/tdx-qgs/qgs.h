/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tdx-qgs: an emulated TDX quote generation service.
 */
#ifndef TDX_QGS_H
#define TDX_QGS_H

#include "../lib/tdx-quote/build.h"

/* Bounds on what one connection may cost the service. */
#define QGS_IO_TIMEOUT_MS	10000
#define QGS_REQ_MAX		(16 * 1024)
#define QGS_MAX_CHILDREN	16

/**
 * struct qgs_config - command line
 * @socket_path: unix socket to listen on
 * @state_dir: keys and certificates
 * @verify_report: debugfs file that checks a TDREPORT's MAC
 * @no_report_check: skip the MAC check (host tests without the emulator)
 * @delay_ms: fixed service time of every request
 * @pidfile: where to write the pid, or NULL
 * @daemon: detach and log to syslog
 */
struct qgs_config {
	const char *socket_path;
	const char *state_dir;
	const char *verify_report;
	bool no_report_check;
	unsigned int delay_ms;
	const char *pidfile;
	bool daemon;
};

/**
 * struct qgs_keys - what the state directory holds, loaded
 * @att_key: attestation key
 * @pck_key: PCK leaf key
 * @chain: PEM chain PCK leaf || intermediate || root, malloc'ed
 * @chain_len: bytes in @chain
 */
struct qgs_keys {
	EVP_PKEY *att_key;
	EVP_PKEY *pck_key;
	u8 *chain;
	size_t chain_len;
};

int qgs_keys_load(const char *state_dir, struct qgs_keys *k);
void qgs_keys_free(struct qgs_keys *k);
int qgs_signer_init(struct tdxq_signer *s, const struct qgs_keys *k);

__printf(1, 2) void qgs_log(const char *fmt, ...);
void qgs_log_to_syslog(void);

void qgs_serve_conn(const struct qgs_config *cfg,
		    const struct tdxq_signer *s, int fd);

#endif /* TDX_QGS_H */
