/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the configfs-tsm stress and lifecycle tests: entry
 * and attribute access with errno results, the self-describing inblobs
 * the tests write, and the provider-specific way of finding the inblob a
 * report was made from (tsm_test spells it out, a TDX quote carries it as
 * REPORTDATA).
 */
#ifndef TSM_UTIL_H
#define TSM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TSM_REPORT_DIR		"/sys/kernel/config/tsm/report"
#define TSM_NONCE_LEN		64
/* Larger than any report the tests expect: TDX quotes are ~5-8 KiB */
#define TSM_BLOB_MAX		(64 * 1024)

/* Offset of REPORTDATA in a TDX quote v4 (header 48 + body offset 520) */
#define TDX_QUOTE_REPORTDATA_OFF	568
#define TDX_QUOTE_SIG_LEN_OFF		632

enum tsm_kind {
	TSM_KIND_UNKNOWN,
	TSM_KIND_TEST,		/* tsm_test: text report naming its inblob */
	TSM_KIND_TDX,		/* tdx_guest: TDX quote, REPORTDATA = inblob */
};

/**
 * struct tsm_nonce - layout of the 64-byte inblobs the tests write
 * @magic: "TSMn"
 * @entry: index of the entry it was written to
 * @writer: pid of the writer
 * @seq: the writer's sequence number
 * @pad: pseudo-random filler
 * @sum: checksum of everything before it
 *
 * A report whose inblob has a valid checksum and the right entry index
 * cannot be a torn mix of two stores nor come from another entry.
 */
struct tsm_nonce {
	char magic[4];
	uint32_t entry;
	uint32_t writer;
	uint32_t seq;
	uint8_t pad[44];
	uint32_t sum;
};

const char *tsm_errno_name(int err);
uint64_t tsm_now_ms(void);
uint64_t tsm_rand(uint64_t *state);

void tsm_nonce_make(uint8_t *out, uint32_t entry, uint32_t seq,
		    uint64_t *rnd);
bool tsm_nonce_valid(const uint8_t *nonce, uint32_t entry);

int tsm_path(char *buf, size_t len, const char *entry, const char *attr);
int tsm_entry_create(const char *entry);
int tsm_entry_remove(const char *entry);
int tsm_write_attr(const char *entry, const char *attr, const void *data,
		   size_t len);
int tsm_read_attr(const char *entry, const char *attr, void *buf,
		  size_t cap, size_t *len);
int tsm_read_gen(const char *entry, unsigned long *gen);
enum tsm_kind tsm_entry_kind(const char *entry);

int tsm_blob_inblob(enum tsm_kind kind, const uint8_t *blob, size_t len,
		    uint8_t *inblob, size_t *inblob_len);

int tsm_read_file_u64(const char *path, uint64_t *val);
int tsm_write_file(const char *path, const char *val);

bool tsm_pid_blocked(pid_t pid);

#endif /* TSM_UTIL_H */
