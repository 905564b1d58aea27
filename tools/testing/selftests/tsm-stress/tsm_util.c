// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the configfs-tsm stress and lifecycle tests, see
 * tsm_util.h. Every accessor returns 0 or a positive errno, so that tests
 * can compare it with what the ABI document promises.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tsm_util.h"

/*
 * An errno's name, "OK" for 0, for lines a shell compares with the ABI
 * document; either sign
 */
const char *tsm_errno_name(int err)
{
	static char buf[16];
	const char *name;

	if (!err)
		return "OK";
	name = strerrorname_np(err < 0 ? -err : err);
	if (name)
		return name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

uint64_t tsm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* xorshift64*: reproducible from a printed seed, which rand() is not across libcs */
uint64_t tsm_rand(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static uint32_t tsm_fnv1a(const uint8_t *p, size_t len)
{
	uint32_t h = 2166136261u;

	while (len--) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

void tsm_nonce_make(uint8_t *out, uint32_t entry, uint32_t seq,
		    uint64_t *rnd)
{
	struct tsm_nonce n;
	size_t i;

	memcpy(n.magic, "TSMn", 4);
	n.entry = entry;
	n.writer = (uint32_t)getpid();
	n.seq = seq;
	for (i = 0; i < sizeof(n.pad); i++)
		n.pad[i] = (uint8_t)tsm_rand(rnd);
	n.sum = tsm_fnv1a((const uint8_t *)&n, offsetof(struct tsm_nonce, sum));
	memcpy(out, &n, sizeof(n));
}

bool tsm_nonce_valid(const uint8_t *nonce, uint32_t entry)
{
	struct tsm_nonce n;

	memcpy(&n, nonce, sizeof(n));
	return !memcmp(n.magic, "TSMn", 4) && n.entry == entry &&
	       n.sum == tsm_fnv1a(nonce, offsetof(struct tsm_nonce, sum));
}

int tsm_path(char *buf, size_t len, const char *entry, const char *attr)
{
	int n;

	if (attr)
		n = snprintf(buf, len, "%s/%s/%s", TSM_REPORT_DIR, entry, attr);
	else
		n = snprintf(buf, len, "%s/%s", TSM_REPORT_DIR, entry);
	return n < 0 || (size_t)n >= len ? ENAMETOOLONG : 0;
}

int tsm_entry_create(const char *entry)
{
	char path[256];
	int rc = tsm_path(path, sizeof(path), entry, NULL);

	if (rc)
		return rc;
	return mkdir(path, 0755) ? errno : 0;
}

int tsm_entry_remove(const char *entry)
{
	char path[256];
	int rc = tsm_path(path, sizeof(path), entry, NULL);

	if (rc)
		return rc;
	return rmdir(path) ? errno : 0;
}

/*
 * One write() through one file descriptor: configfs stores binary
 * attributes at close(), whose error the ABI says is lost, so only the
 * write() error is returned.
 */
int tsm_write_attr(const char *entry, const char *attr, const void *data,
		   size_t len)
{
	char path[256];
	ssize_t n;
	int fd, rc;

	rc = tsm_path(path, sizeof(path), entry, attr);
	if (rc)
		return rc;
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	n = write(fd, data, len);
	rc = n < 0 ? errno : (size_t)n != len ? EIO : 0;
	if (close(fd) && !rc)
		rc = errno;
	return rc;
}

/* Reads until EOF; a report bigger than @cap is EFBIG */
int tsm_read_attr(const char *entry, const char *attr, void *buf,
		  size_t cap, size_t *len)
{
	char path[256];
	size_t got = 0;
	ssize_t n;
	int fd, rc;

	rc = tsm_path(path, sizeof(path), entry, attr);
	if (rc)
		return rc;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno;
	for (;;) {
		if (got == cap) {
			rc = EFBIG;
			break;
		}
		n = read(fd, (char *)buf + got, cap - got);
		if (n < 0) {
			rc = errno;
			break;
		}
		if (!n)
			break;
		got += n;
	}
	close(fd);
	*len = got;
	return rc;
}

int tsm_read_gen(const char *entry, unsigned long *gen)
{
	char buf[32], *end;
	size_t len;
	int rc;

	rc = tsm_read_attr(entry, "generation", buf, sizeof(buf) - 1, &len);
	if (rc)
		return rc;
	buf[len] = '\0';
	errno = 0;
	*gen = strtoul(buf, &end, 10);
	if (errno || end == buf || *end != '\n')
		return EPROTO;
	return 0;
}

enum tsm_kind tsm_entry_kind(const char *entry)
{
	char buf[64];
	size_t len;

	if (tsm_read_attr(entry, "provider", buf, sizeof(buf) - 1, &len))
		return TSM_KIND_UNKNOWN;
	buf[len] = '\0';
	if (!strcmp(buf, "tsm_test\n"))
		return TSM_KIND_TEST;
	if (!strcmp(buf, "tdx_guest\n"))
		return TSM_KIND_TDX;
	return TSM_KIND_UNKNOWN;
}

static int tsm_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* tsm_test's report is text with an "inblob=<hex>\n" line */
static int tsm_test_inblob(const uint8_t *blob, size_t len, uint8_t *inblob,
			   size_t *inblob_len)
{
	const char *p, *end = (const char *)blob + len;
	size_t n = 0;
	int hi, lo;

	p = memmem(blob, len, "\ninblob=", 8);
	if (!p)
		return EPROTO;
	for (p += 8; p < end && *p != '\n'; p += 2) {
		if (p + 1 >= end || n == TSM_NONCE_LEN)
			return EPROTO;
		hi = tsm_hexval(p[0]);
		lo = tsm_hexval(p[1]);
		if (hi < 0 || lo < 0)
			return EPROTO;
		inblob[n++] = (uint8_t)(hi << 4 | lo);
	}
	if (p == end)
		return EPROTO;
	*inblob_len = n;
	return 0;
}

/**
 * tsm_blob_inblob() - the inblob a report was made from
 * @kind: the provider's format
 * @blob: the report
 * @len: its length
 * @inblob: TSM_NONCE_LEN bytes for the result
 * @inblob_len: the length of the result
 *
 * Return: 0, or EPROTO when the report is not in the provider's format.
 */
int tsm_blob_inblob(enum tsm_kind kind, const uint8_t *blob, size_t len,
		    uint8_t *inblob, size_t *inblob_len)
{
	switch (kind) {
	case TSM_KIND_TEST:
		return tsm_test_inblob(blob, len, inblob, inblob_len);
	case TSM_KIND_TDX:
		if (len < TDX_QUOTE_SIG_LEN_OFF)
			return EPROTO;
		memcpy(inblob, blob + TDX_QUOTE_REPORTDATA_OFF, TSM_NONCE_LEN);
		*inblob_len = TSM_NONCE_LEN;
		return 0;
	default:
		return EPROTO;
	}
}

int tsm_read_file_u64(const char *path, uint64_t *val)
{
	char buf[64], *end;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? errno : EPROTO;
	buf[n] = '\0';
	errno = 0;
	*val = strtoull(buf, &end, 0);
	return errno ? errno : end == buf ? EPROTO : 0;
}

int tsm_write_file(const char *path, const char *val)
{
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		rc = errno;
	if (close(fd) && !rc)
		rc = errno;
	return rc;
}

/* @pid sleeps in the kernel in state 'D' (here: TASK_KILLABLE) */
bool tsm_pid_blocked(pid_t pid)
{
	char path[64], buf[512], *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'D';
}
