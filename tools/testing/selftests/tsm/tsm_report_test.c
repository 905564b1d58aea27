// SPDX-License-Identifier: GPL-2.0-only
/*
 * kselftest of the configfs-tsm report core (tsm.ko), driven through the
 * test provider tsm_test_provider.ko.
 *
 * Needs both modules loaded. The unregister test also needs the path of
 * tsm_test_provider.ko in $TSM_TEST_PROVIDER_KO to unload and reload it.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../lib/attr_io.h"

#define REPORT_DIR	"/sys/kernel/config/tsm/report"
#define PARAM_DIR	"/sys/module/tsm_test_provider/parameters"
#define PROVIDER_MOD	"tsm_test_provider"
#define INBLOB_MAX	64
#define OUTBLOB_MAX	(16 << 20)

/* Bound for an attribute access that must not wait for a provider call. */
#define FAST_MS		250

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* snprintf() for paths: one that does not fit becomes "" and fails. */
static char *pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		buf[0] = '\0';
	return buf;
}

/* One write() of @len bytes, truncating as a shell's ">" does */
static int write_attr(const char *path, const void *buf, size_t len)
{
	return attr_write(path, O_TRUNC, buf, len);
}

static int write_str(const char *path, const char *s)
{
	return write_attr(path, s, strlen(s));
}

/* Read a text attribute into a NUL-terminated string. */
static ssize_t read_text(const char *path, char *buf, size_t size)
{
	ssize_t n = attr_read(path, buf, size - 1);

	buf[n < 0 ? 0 : n] = '\0';
	return n;
}

/* A "%lu\n" attribute; -errno on error, -EPROTO on bad format. */
static long long read_num(const char *path)
{
	char buf[32], *end;
	unsigned long long v;
	ssize_t n;

	n = read_text(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	if (n < 2 || buf[n - 1] != '\n' || buf[0] < '0' || buf[0] > '9')
		return -EPROTO;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || *end != '\n')
		return -EPROTO;
	return v;
}

static int set_param(const char *name, long long v)
{
	char path[PATH_MAX], buf[32];

	pathf(path, sizeof(path), PARAM_DIR "/%s", name);
	snprintf(buf, sizeof(buf), "%lld", v);
	return write_str(path, buf);
}

static long long get_param(const char *name)
{
	char path[PATH_MAX];

	pathf(path, sizeof(path), PARAM_DIR "/%s", name);
	return read_num(path);
}

static long long calls(void)
{
	return get_param("calls");
}

static void reset_params(void)
{
	set_param("delay_ms", 0);
	set_param("fail_errno", 0);
	set_param("outblob_size", 0);
	set_param("extra_blobs", 1);
	set_param("empty_outblob", 0);
	set_param("privlevel_floor", 0);
	set_param("calls", 0);
}

/* Wait until the provider has been entered @n times; false on timeout. */
static bool wait_calls(long long n, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	while (now_ms() < end) {
		if (calls() >= n)
			return true;
		usleep(2000);
	}
	return false;
}

static void hex(char *out, const unsigned char *in, size_t len)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
	out[2 * len] = '\0';
}

/*
 * The 6.1 harness runs the test body and teardown even when the setup
 * used SKIP(): every test and teardown starts by bailing out then.
 */

FIXTURE(entry) {
	char dir[PATH_MAX];	/* the entry under test */
};

/* Path of attribute @attr of entry @dir (8 live at a time). */
static const char *attr_path(const char *dir, const char *attr)
{
	static char path[8][PATH_MAX];
	static unsigned int next;
	char *p = path[next++ % 8];

	return pathf(p, PATH_MAX, "%s/%s", dir, attr);
}

#define ap(self, attr)	attr_path((self)->dir, attr)

FIXTURE_SETUP(entry)
{
	if (access(REPORT_DIR, F_OK))
		SKIP(return, "tsm.ko not loaded");
	if (access(PARAM_DIR, F_OK))
		SKIP(return, PROVIDER_MOD ".ko not loaded");
	reset_params();
	pathf(self->dir, sizeof(self->dir), REPORT_DIR "/kst-%d", getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0700)) TH_LOG("mkdir %s: %m", self->dir);
}

FIXTURE_TEARDOWN(entry)
{
	if (_metadata->skip)
		return;
	set_param("delay_ms", 0);
	if (rmdir(self->dir))
		EXPECT_EQ(ENOENT, errno);
	reset_params();
}

TEST_F(entry, attributes_and_modes)
{
	if (_metadata->skip)
		return;
	static const struct {
		const char *name;
		mode_t mode;
	} want[] = {
		{ "generation", 0444 }, { "provider", 0444 },
		{ "privlevel", 0200 }, { "privlevel_floor", 0444 },
		{ "service_provider", 0200 }, { "service_guid", 0200 },
		{ "service_manifest_version", 0200 }, { "inblob", 0200 },
		{ "outblob", 0444 }, { "auxblob", 0444 },
		{ "manifestblob", 0444 },
	};
	struct dirent *de;
	struct stat st;
	int entries = 0;
	DIR *d;

	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		ASSERT_EQ(0, stat(ap(self, want[i].name), &st))
			TH_LOG("%s missing", want[i].name);
		EXPECT_TRUE(S_ISREG(st.st_mode));
		EXPECT_EQ(want[i].mode, st.st_mode & 07777)
			TH_LOG("%s mode %o", want[i].name, st.st_mode & 07777);
	}
	d = opendir(self->dir);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			entries++;
	closedir(d);
	EXPECT_EQ((int)(ARRAY_SIZE(want)), entries);
}

TEST_F(entry, provider_name)
{
	if (_metadata->skip)
		return;
	char buf[64];

	ASSERT_EQ(9, read_text(ap(self, "provider"), buf, sizeof(buf)));
	EXPECT_STREQ("tsm_test\n", buf);
}

TEST_F(entry, privlevel_floor_format)
{
	if (_metadata->skip)
		return;
	char buf[32];

	ASSERT_EQ(2, read_text(ap(self, "privlevel_floor"), buf, sizeof(buf)));
	EXPECT_STREQ("0\n", buf);
	ASSERT_EQ(0, set_param("privlevel_floor", 2));
	ASSERT_EQ(2, read_text(ap(self, "privlevel_floor"), buf, sizeof(buf)));
	EXPECT_STREQ("2\n", buf);
}

TEST_F(entry, fresh_generation_is_zero)
{
	if (_metadata->skip)
		return;
	char buf[32];

	ASSERT_EQ(2, read_text(ap(self, "generation"), buf, sizeof(buf)));
	EXPECT_STREQ("0\n", buf);
}

TEST_F(entry, every_store_advances_generation)
{
	if (_metadata->skip)
		return;
	const char *guid = "7d3a2c4e-1b5f-4a6d-9e8c-0f1e2d3c4b5a";
	char buf[4096];
	int fd;

	ASSERT_EQ(0, write_str(ap(self, "inblob"), "abc"));
	EXPECT_EQ(1, read_num(ap(self, "generation")));
	/* identical data is a store too */
	ASSERT_EQ(0, write_str(ap(self, "inblob"), "abc"));
	EXPECT_EQ(2, read_num(ap(self, "generation")));
	ASSERT_EQ(0, write_str(ap(self, "privlevel"), "1"));
	EXPECT_EQ(3, read_num(ap(self, "generation")));
	ASSERT_EQ(0, write_str(ap(self, "service_provider"), "svsm\n"));
	EXPECT_EQ(4, read_num(ap(self, "generation")));
	ASSERT_EQ(0, write_str(ap(self, "service_guid"), guid));
	EXPECT_EQ(5, read_num(ap(self, "generation")));
	ASSERT_EQ(0, write_str(ap(self, "service_manifest_version"), "3"));
	EXPECT_EQ(6, read_num(ap(self, "generation")));

	/* opening, locking and closing without a write is no store */
	fd = open(ap(self, "inblob"), O_WRONLY | O_TRUNC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, flock(fd, LOCK_EX));
	EXPECT_EQ(0, flock(fd, LOCK_UN));
	close(fd);
	EXPECT_EQ(6, read_num(ap(self, "generation")));

	/* neither are reads */
	ASSERT_LT(0, attr_read(ap(self, "outblob"), buf, sizeof(buf)));
	ASSERT_LT(0, attr_read(ap(self, "auxblob"), buf, sizeof(buf)));
	EXPECT_EQ(6, read_num(ap(self, "generation")));
	EXPECT_EQ(6, read_num(ap(self, "generation")));

	/* rejected values are not stores ... */
	EXPECT_EQ(-EINVAL, write_str(ap(self, "privlevel"), "9"));
	EXPECT_EQ(-EINVAL, write_str(ap(self, "service_manifest_version"), "x"));
	EXPECT_EQ(6, read_num(ap(self, "generation")));
	/* ... except a malformed GUID, as upstream */
	EXPECT_EQ(-EINVAL, write_str(ap(self, "service_guid"), "not-a-guid"));
	EXPECT_EQ(7, read_num(ap(self, "generation")));
}

TEST_F(entry, inblob_size_limit)
{
	if (_metadata->skip)
		return;
	unsigned char big[INBLOB_MAX + 1];
	char buf[4096], want[2 * INBLOB_MAX + 16];
	int fd;

	memset(big, 0xa5, sizeof(big));
	ASSERT_EQ(0, write_attr(ap(self, "inblob"), big, INBLOB_MAX));
	EXPECT_EQ(1, read_num(ap(self, "generation")));
	ASSERT_LT(0, read_text(ap(self, "outblob"), buf, sizeof(buf)));
	strcpy(want, "inblob=");
	hex(want + 7, big, INBLOB_MAX);
	EXPECT_NE(NULL, strstr(buf, want));

	EXPECT_EQ(-EFBIG, write_attr(ap(self, "inblob"), big, sizeof(big)));
	/*
	 * configfs commits the (empty) buffer of the failed fd at close(),
	 * exactly as with the in-kernel configfs-tsm.
	 */
	EXPECT_EQ(2, read_num(ap(self, "generation")));
	EXPECT_EQ(-EINVAL, attr_read(ap(self, "outblob"), buf, sizeof(buf)));

	/* several write()s on one fd make one store, at close() */
	fd = open(ap(self, "inblob"), O_WRONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(32, write(fd, big, 32));
	EXPECT_EQ(32, write(fd, big, 32));
	EXPECT_EQ(2, read_num(ap(self, "generation")));
	close(fd);
	EXPECT_EQ(3, read_num(ap(self, "generation")));
	ASSERT_LT(0, read_text(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "inblob_len=64\n"));
}

TEST_F(entry, read_without_inblob_is_einval)
{
	if (_metadata->skip)
		return;
	char buf[64];

	EXPECT_EQ(-EINVAL, attr_read(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, attr_read(ap(self, "auxblob"), buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, attr_read(ap(self, "manifestblob"), buf, sizeof(buf)));
	EXPECT_EQ(0, calls());
	/* other stores do not make up for the missing inblob */
	ASSERT_EQ(0, write_str(ap(self, "privlevel"), "1"));
	EXPECT_EQ(-EINVAL, attr_read(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_EQ(0, calls());
}

TEST_F(entry, report_reflects_inputs)
{
	if (_metadata->skip)
		return;
	const char *guid = "7d3a2c4e-1b5f-4a6d-9e8c-0f1e2d3c4b5a";
	unsigned char in[INBLOB_MAX];
	char buf[4096], want[256];

	for (int i = 0; i < INBLOB_MAX; i++)
		in[i] = i * 7;
	ASSERT_EQ(0, write_attr(ap(self, "inblob"), in, sizeof(in)));
	ASSERT_EQ(0, write_str(ap(self, "privlevel"), "2"));
	ASSERT_EQ(0, write_str(ap(self, "service_provider"), "svsm\n"));
	ASSERT_EQ(0, write_str(ap(self, "service_guid"), guid));
	ASSERT_EQ(0, write_str(ap(self, "service_manifest_version"), "0x7"));

	ASSERT_LT(0, read_text(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, "provider=tsm_test\ncall=1\ninblob_len=64\n", 39));
	strcpy(want, "inblob=");
	hex(want + 7, in, sizeof(in));
	EXPECT_NE(NULL, strstr(buf, want));
	EXPECT_NE(NULL, strstr(buf, "\nprivlevel=2\n"));
	/* The newline echo appends is not part of the name */
	EXPECT_NE(NULL, strstr(buf, "\nservice_provider=svsm\nservice_guid="));
	snprintf(want, sizeof(want), "\nservice_guid=%s\n", guid);
	EXPECT_NE(NULL, strstr(buf, want));
	EXPECT_NE(NULL, strstr(buf, "\nservice_manifest_version=7\n"));

	ASSERT_LT(0, read_text(ap(self, "auxblob"), buf, sizeof(buf)));
	EXPECT_STREQ("tsm_test aux call=1\n", buf);
	ASSERT_LT(0, read_text(ap(self, "manifestblob"), buf, sizeof(buf)));
	EXPECT_STREQ("tsm_test manifest call=1\n", buf);
	EXPECT_EQ(1, calls());
}

TEST_F(entry, report_cached_until_store)
{
	if (_metadata->skip)
		return;
	char a[4096], b[4096];

	ASSERT_EQ(0, write_str(ap(self, "inblob"), "nonce"));
	ASSERT_LT(0, read_text(ap(self, "outblob"), a, sizeof(a)));
	for (int i = 0; i < 3; i++) {
		ASSERT_LT(0, read_text(ap(self, "outblob"), b, sizeof(b)));
		EXPECT_STREQ(a, b);
	}
	ASSERT_LT(0, read_text(ap(self, "auxblob"), b, sizeof(b)));
	ASSERT_LT(0, read_text(ap(self, "manifestblob"), b, sizeof(b)));
	EXPECT_EQ(1, calls());
	EXPECT_EQ(1, read_num(ap(self, "generation")));

	/* the same data again is a new generation, hence a new report */
	ASSERT_EQ(0, write_str(ap(self, "inblob"), "nonce"));
	ASSERT_LT(0, read_text(ap(self, "outblob"), b, sizeof(b)));
	EXPECT_EQ(2, calls());
	EXPECT_NE(NULL, strstr(b, "\ncall=2\n"));

	/* any store invalidates, and auxblob alone regenerates too */
	ASSERT_EQ(0, write_str(ap(self, "service_manifest_version"), "1"));
	ASSERT_LT(0, read_text(ap(self, "auxblob"), b, sizeof(b)));
	EXPECT_STREQ("tsm_test aux call=3\n", b);
	ASSERT_LT(0, read_text(ap(self, "outblob"), b, sizeof(b)));
	EXPECT_NE(NULL, strstr(b, "\ncall=3\n"));
	EXPECT_EQ(3, calls());
}

TEST_F(entry, service_manifest_version_range)
{
	if (_metadata->skip)
		return;
	char buf[4096];

	ASSERT_EQ(0, write_str(ap(self, "inblob"), "x"));
	EXPECT_EQ(0, write_str(ap(self, "service_manifest_version"),
			       "4294967295"));
	EXPECT_EQ(2, read_num(ap(self, "generation")));
	/* the ABI keeps the upstream 32-bit field: wider is ERANGE */
	EXPECT_EQ(-ERANGE, write_str(ap(self, "service_manifest_version"),
				     "4294967296"));
	EXPECT_EQ(-ERANGE, write_str(ap(self, "service_manifest_version"),
				     "0x100000000"));
	/* and no store: the version stays, the generation too */
	EXPECT_EQ(2, read_num(ap(self, "generation")));
	ASSERT_LT(0, read_text(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "\nservice_manifest_version=4294967295\n"));
}

TEST_F(entry, privlevel_rules)
{
	if (_metadata->skip)
		return;
	char buf[4096];

	ASSERT_EQ(0, write_str(ap(self, "inblob"), "x"));
	EXPECT_EQ(0, write_str(ap(self, "privlevel"), "0x3\n"));
	EXPECT_EQ(-EINVAL, write_str(ap(self, "privlevel"), "4"));
	EXPECT_EQ(-EINVAL, write_str(ap(self, "privlevel"), "-1"));
	EXPECT_EQ(-EINVAL, write_str(ap(self, "privlevel"), "abc"));
	EXPECT_EQ(-ERANGE, write_str(ap(self, "privlevel"), "99999999999"));
	ASSERT_LT(0, read_text(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "\nprivlevel=3\n"));

	ASSERT_EQ(0, set_param("privlevel_floor", 2));
	EXPECT_EQ(-EINVAL, write_str(ap(self, "privlevel"), "1"));
	EXPECT_EQ(0, write_str(ap(self, "privlevel"), "2"));
	EXPECT_EQ(3, read_num(ap(self, "generation")));
}

TEST_F(entry, service_attributes)
{
	if (_metadata->skip)
		return;
	char buf[4096];

	ASSERT_EQ(0, write_str(ap(self, "inblob"), "x"));
	ASSERT_EQ(0, write_str(ap(self, "service_provider"), "svsm"));
	ASSERT_EQ(0, write_str(ap(self, "service_guid"),
			       "7d3a2c4e-1b5f-4a6d-9e8c-0f1e2d3c4b5a\n"));
	ASSERT_LT(0, read_text(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "\nservice_provider=svsm\n"));
	EXPECT_NE(NULL, strstr(buf, "service_guid=7d3a2c4e-1b5f-4a6d-9e8c-0f1e2d3c4b5a"));

	/* a malformed GUID clears the GUID */
	EXPECT_EQ(-EINVAL, write_str(ap(self, "service_guid"), "7d3a2c4e"));
	ASSERT_LT(0, read_text(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "service_guid=00000000-0000-0000-0000-000000000000"));

	ASSERT_EQ(0, write_str(ap(self, "service_provider"), "other\n"));
	EXPECT_EQ(-EINVAL, write_str(ap(self, "service_manifest_version"), "-2"));
	ASSERT_LT(0, read_text(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "\nservice_provider=other\nservice_guid="));
	EXPECT_NE(NULL, strstr(buf, "\nservice_manifest_version=0\n"));
}

TEST_F(entry, provider_error_is_not_cached)
{
	if (_metadata->skip)
		return;
	char buf[4096];

	ASSERT_EQ(0, write_str(ap(self, "inblob"), "x"));
	ASSERT_EQ(0, set_param("fail_errno", EIO));
	EXPECT_EQ(-EIO, attr_read(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_EQ(1, calls());
	ASSERT_EQ(0, set_param("fail_errno", EBUSY));
	EXPECT_EQ(-EBUSY, attr_read(ap(self, "auxblob"), buf, sizeof(buf)));
	EXPECT_EQ(2, calls());
	EXPECT_EQ(1, read_num(ap(self, "generation")));

	ASSERT_EQ(0, set_param("fail_errno", 0));
	ASSERT_LT(0, read_text(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "\ncall=3\n"));
	ASSERT_LT(0, read_text(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_EQ(3, calls());
}

TEST_F_TIMEOUT(entry, outblob_size_limit, 120)
{
	if (_metadata->skip)
		return;
	size_t size = OUTBLOB_MAX + 4096;
	char *buf = malloc(size);

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, write_str(ap(self, "inblob"), "big"));
	ASSERT_EQ(0, set_param("outblob_size", OUTBLOB_MAX));
	EXPECT_EQ(OUTBLOB_MAX, attr_read(ap(self, "outblob"), buf, size));
	EXPECT_EQ(0, strncmp(buf, "provider=tsm_test\ncall=1\n", 25));

	ASSERT_EQ(0, write_str(ap(self, "inblob"), "bigger"));
	ASSERT_EQ(0, set_param("outblob_size", OUTBLOB_MAX + 1));
	EXPECT_EQ(-EFBIG, attr_read(ap(self, "outblob"), buf, size));
	free(buf);
}

/* libtdx_attest and dstack read the whole report with one read(8192). */
TEST_F(entry, one_read_gets_whole_report)
{
	if (_metadata->skip)
		return;
	char buf[8192];
	ssize_t n;
	int fd;

	ASSERT_EQ(0, set_param("outblob_size", 5000));
	ASSERT_EQ(0, write_str(ap(self, "inblob"), "x"));
	fd = open(ap(self, "outblob"), O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf));
	EXPECT_EQ(5000, n);
	EXPECT_EQ(0, read(fd, buf, sizeof(buf)));
	close(fd);
}

TEST_F(entry, open_modes_enforced)
{
	if (_metadata->skip)
		return;
	int fd;

	fd = open(ap(self, "inblob"), O_RDONLY);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EACCES, errno);
	fd = open(ap(self, "outblob"), O_WRONLY);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EACCES, errno);
	fd = open(ap(self, "generation"), O_WRONLY);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EACCES, errno);
	fd = open(ap(self, "privlevel"), O_RDONLY);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EACCES, errno);
	/* shells open with O_CREAT | O_TRUNC */
	fd = open(ap(self, "inblob"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
}

TEST_F(entry, unlink_and_removed_entry)
{
	if (_metadata->skip)
		return;
	char buf[64];
	int fd;

	EXPECT_EQ(-1, unlink(self->dir));
	EXPECT_EQ(EISDIR, errno);
	EXPECT_EQ(-1, unlink(ap(self, "outblob")));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, mkdir(self->dir, 0700));
	EXPECT_EQ(EEXIST, errno);

	fd = open(ap(self, "generation"), O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, rmdir(self->dir));
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(ENOENT, errno);
	close(fd);
	EXPECT_EQ(-1, access(self->dir, F_OK));
}

TEST_F(entry, second_provider_is_ebusy)
{
	if (_metadata->skip)
		return;
	EXPECT_EQ(-EBUSY, set_param("register_second", 1));
}

struct writer {
	const char *dir;
	int id;
	int stores;
	int errors;
};

#define WRITERS		8
#define WRITES		150

static void *writer_fn(void *arg)
{
	struct writer *w = arg;
	char path[3][PATH_MAX], buf[32];

	pathf(path[0], PATH_MAX, "%s/inblob", w->dir);
	pathf(path[1], PATH_MAX, "%s/privlevel", w->dir);
	pathf(path[2], PATH_MAX, "%s/service_manifest_version", w->dir);
	for (int i = 0; i < WRITES; i++) {
		snprintf(buf, sizeof(buf), "%d", (w->id + i) % 4);
		if (write_str(path[(w->id + i) % 3], buf))
			w->errors++;
		else
			w->stores++;
	}
	return NULL;
}

static void *reader_fn(void *arg)
{
	const char *path = arg;
	char buf[4096];
	long n = 0;

	for (int i = 0; i < WRITES; i++)
		if (attr_read(path, buf, sizeof(buf)) > 0)
			n++;
	return (void *)n;
}

TEST_F(entry, generation_under_concurrent_writers)
{
	if (_metadata->skip)
		return;
	struct writer w[WRITERS];
	pthread_t t[WRITERS], r;
	char outblob[PATH_MAX];
	int stores = 0;

	ASSERT_EQ(0, write_str(ap(self, "inblob"), "seed"));
	pathf(outblob, sizeof(outblob), "%s", ap(self, "outblob"));
	ASSERT_EQ(0, pthread_create(&r, NULL, reader_fn, outblob));
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){ .dir = self->dir, .id = i };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, writer_fn, &w[i]));
	}
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, w[i].errors);
		stores += w[i].stores;
	}
	pthread_join(r, NULL);
	EXPECT_EQ(WRITERS * WRITES, stores);
	EXPECT_EQ(1 + WRITERS * WRITES, read_num(ap(self, "generation")));
}

struct reader {
	const char *path;
	pthread_barrier_t *start;
	char buf[4096];
	ssize_t len;
	int done;
};

static void *blob_reader_fn(void *arg)
{
	struct reader *r = arg;

	pthread_barrier_wait(r->start);
	r->len = read_text(r->path, r->buf, sizeof(r->buf));
	return NULL;
}

#define READERS		8

TEST_F(entry, concurrent_readers_coalesce)
{
	if (_metadata->skip)
		return;
	struct reader r[READERS];
	pthread_t t[READERS];
	pthread_barrier_t start;

	ASSERT_EQ(0, write_str(ap(self, "inblob"), "coalesce"));
	ASSERT_EQ(0, set_param("delay_ms", 1000));
	pthread_barrier_init(&start, NULL, READERS);
	for (int i = 0; i < READERS; i++) {
		r[i].path = ap(self, i % 2 ? "auxblob" : "outblob");
		r[i].start = &start;
		/* ap() recycles its buffers: keep a private copy */
		r[i].path = strdup(r[i].path);
		ASSERT_EQ(0, pthread_create(&t[i], NULL, blob_reader_fn, &r[i]));
	}
	for (int i = 0; i < READERS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);

	EXPECT_EQ(1, calls());
	for (int i = 0; i < READERS; i++) {
		EXPECT_LT(0, r[i].len);
		EXPECT_STREQ(r[i % 2].buf, r[i].buf);
		free((void *)r[i].path);
	}
	EXPECT_NE(NULL, strstr(r[0].buf, "\ncall=1\n"));
}

TEST_F(entry, empty_blobs_are_cached_too)
{
	if (_metadata->skip)
		return;
	struct reader r[READERS];
	pthread_t t[READERS];
	pthread_barrier_t start;
	char buf[64];

	ASSERT_EQ(0, set_param("extra_blobs", 0));
	ASSERT_EQ(0, write_str(ap(self, "inblob"), "noaux"));
	ASSERT_EQ(0, set_param("delay_ms", 500));
	pthread_barrier_init(&start, NULL, READERS);
	for (int i = 0; i < READERS; i++) {
		r[i].path = strdup(ap(self, i % 2 ? "auxblob" : "manifestblob"));
		r[i].start = &start;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, blob_reader_fn, &r[i]));
	}
	for (int i = 0; i < READERS; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, r[i].len);
		free((void *)r[i].path);
	}
	pthread_barrier_destroy(&start);
	EXPECT_EQ(1, calls());

	ASSERT_EQ(0, set_param("delay_ms", 0));
	EXPECT_EQ(0, attr_read(ap(self, "auxblob"), buf, sizeof(buf)));
	EXPECT_LT(0, attr_read(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_EQ(1, calls());
}

/*
 * As upstream, the cache is keyed on the outblob: a provider that succeeds
 * without one is asked again on every read, so a host that answered
 * nothing once is not stuck with that answer until the next store.
 */
TEST_F(entry, missing_outblob_is_not_cached)
{
	if (_metadata->skip)
		return;
	char buf[64];

	ASSERT_EQ(0, set_param("empty_outblob", 1));
	ASSERT_EQ(0, write_str(ap(self, "inblob"), "empty"));
	EXPECT_EQ(0, attr_read(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_EQ(1, calls());
	EXPECT_EQ(0, attr_read(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_EQ(0, attr_read(ap(self, "auxblob"), buf, sizeof(buf)));
	EXPECT_EQ(3, calls());
	EXPECT_EQ(1, read_num(ap(self, "generation")));

	/* once the provider gives a report, that one is cached */
	ASSERT_EQ(0, set_param("empty_outblob", 0));
	EXPECT_LT(0, attr_read(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_LT(0, attr_read(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_EQ(4, calls());
}

static void *slow_reader_fn(void *arg)
{
	struct reader *r = arg;

	r->len = read_text(r->path, r->buf, sizeof(r->buf));
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

#define ELAPSED(stmt) ({ long long __t = now_ms(); stmt; now_ms() - __t; })

TEST_F_TIMEOUT(entry, responsive_during_provider_call, 60)
{
	if (_metadata->skip)
		return;
	char other[PATH_MAX], path[PATH_MAX], buf[4096];
	struct reader slow = {};
	long long t, worst = 0;
	pthread_t th;

	pathf(other, sizeof(other), "%s-other", self->dir);
	ASSERT_EQ(0, mkdir(other, 0700));
	ASSERT_EQ(0, write_str(ap(self, "inblob"), "first"));
	ASSERT_EQ(0, set_param("delay_ms", 4000));
	slow.path = strdup(ap(self, "outblob"));
	ASSERT_EQ(0, pthread_create(&th, NULL, slow_reader_fn, &slow));
	ASSERT_TRUE(wait_calls(1, 2000));

	/* the other entry: every attribute access is immediate */
#define OTHER(attr) (pathf(path, sizeof(path), "%s/%s", other, attr), path)
	t = ELAPSED(EXPECT_EQ(0, read_num(OTHER("generation"))));
	worst = t > worst ? t : worst;
	t = ELAPSED(EXPECT_EQ(9, read_text(OTHER("provider"), buf, sizeof(buf))));
	worst = t > worst ? t : worst;
	t = ELAPSED(EXPECT_EQ(0, write_str(OTHER("inblob"), "other")));
	worst = t > worst ? t : worst;
	t = ELAPSED(EXPECT_EQ(0, write_str(OTHER("privlevel"), "1")));
	worst = t > worst ? t : worst;
	t = ELAPSED(EXPECT_EQ(2, read_text(OTHER("privlevel_floor"), buf, sizeof(buf))));
	worst = t > worst ? t : worst;
	/* and its report is made while the first call still sleeps */
	ASSERT_EQ(0, set_param("delay_ms", 0));
	t = ELAPSED(EXPECT_LT(0, read_text(OTHER("outblob"), buf, sizeof(buf))));
	worst = t > worst ? t : worst;
	EXPECT_NE(NULL, strstr(buf, "\ncall=2\n"));

	/* the busy entry itself takes stores and reads meanwhile */
	t = ELAPSED(EXPECT_EQ(1, read_num(ap(self, "generation"))));
	worst = t > worst ? t : worst;
	t = ELAPSED(EXPECT_EQ(0, write_str(ap(self, "inblob"), "second")));
	worst = t > worst ? t : worst;
	t = ELAPSED(EXPECT_EQ(2, read_num(ap(self, "generation"))));
	worst = t > worst ? t : worst;
	EXPECT_GT(FAST_MS, worst) TH_LOG("slowest access took %lld ms", worst);
	EXPECT_EQ(0, __atomic_load_n(&slow.done, __ATOMIC_ACQUIRE))
		TH_LOG("the delayed read ended early");

	pthread_join(th, NULL);
	/* the slow read returns the report of the inputs it was asked for */
	EXPECT_LT(0, slow.len);
	EXPECT_NE(NULL, strstr(slow.buf, "\ncall=1\n"));
	EXPECT_NE(NULL, strstr(slow.buf, "\ninblob=6669727374\n"));
	free((void *)slow.path);
	/* which is stale now: the next read makes the report of "second" */
	ASSERT_LT(0, read_text(ap(self, "outblob"), buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "\ncall=3\n"));
	EXPECT_NE(NULL, strstr(buf, "\ninblob=7365636f6e64\n"));
	EXPECT_EQ(0, rmdir(other));
#undef OTHER
}

TEST_F_TIMEOUT(entry, entries_generate_in_parallel, 60)
{
	if (_metadata->skip)
		return;
	char other[PATH_MAX];
	struct reader r[2] = {};
	pthread_barrier_t start;
	pthread_t t[2];
	long long took;

	pathf(other, sizeof(other), "%s-par", self->dir);
	ASSERT_EQ(0, mkdir(other, 0700));
	ASSERT_EQ(0, write_str(ap(self, "inblob"), "a"));
	r[0].path = strdup(ap(self, "outblob"));
	r[1].path = malloc(PATH_MAX);
	pathf((char *)r[1].path, PATH_MAX, "%s/inblob", other);
	ASSERT_EQ(0, write_str(r[1].path, "b"));
	pathf((char *)r[1].path, PATH_MAX, "%s/outblob", other);

	ASSERT_EQ(0, set_param("delay_ms", 2000));
	pthread_barrier_init(&start, NULL, 2);
	took = now_ms();
	for (int i = 0; i < 2; i++) {
		r[i].start = &start;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, blob_reader_fn, &r[i]));
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	took = now_ms() - took;
	pthread_barrier_destroy(&start);

	EXPECT_EQ(2, calls());
	EXPECT_LT(0, r[0].len);
	EXPECT_LT(0, r[1].len);
	/* serialised calls would take 4 s */
	EXPECT_GT(3500, took) TH_LOG("two reports took %lld ms", took);
	free((void *)r[0].path);
	free((void *)r[1].path);
	EXPECT_EQ(0, rmdir(other));
}

static pid_t spawn_reader(const char *path)
{
	pid_t pid = fork();

	if (!pid) {
		char buf[4096];

		_exit(attr_read(path, buf, sizeof(buf)) > 0 ? 0 : 1);
	}
	return pid;
}

/* Kill @pid and wait for it; how long that took, or -1. */
static long long kill_and_reap(pid_t pid)
{
	long long start = now_ms();
	int status;

	if (kill(pid, SIGKILL))
		return -1;
	while (now_ms() - start < 5000) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFSIGNALED(status) &&
			       WTERMSIG(status) == SIGKILL ?
			       now_ms() - start : -1;
		usleep(1000);
	}
	return -1;
}

TEST_F_TIMEOUT(entry, sigkill_blocked_reader, 60)
{
	if (_metadata->skip)
		return;
	char path[PATH_MAX], buf[4096];
	pid_t in_provider, waiting;
	long long t;

	ASSERT_EQ(0, write_str(ap(self, "inblob"), "kill"));
	ASSERT_EQ(0, set_param("delay_ms", 30000));
	pathf(path, sizeof(path), "%s", ap(self, "outblob"));

	in_provider = spawn_reader(path);
	ASSERT_LT(0, in_provider);
	ASSERT_TRUE(wait_calls(1, 2000));
	/* this one queues behind the call in flight */
	waiting = spawn_reader(path);
	ASSERT_LT(0, waiting);
	usleep(300000);

	t = kill_and_reap(waiting);
	EXPECT_LE(0, t);
	EXPECT_GT(1000, t) TH_LOG("queued reader took %lld ms to die", t);
	t = kill_and_reap(in_provider);
	EXPECT_LE(0, t);
	EXPECT_GT(1000, t) TH_LOG("reader in provider took %lld ms to die", t);
	EXPECT_EQ(1, calls());

	/* nothing is left behind: the next read generates normally */
	ASSERT_EQ(0, set_param("delay_ms", 0));
	ASSERT_LT(0, read_text(path, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "\ncall=2\n"));
}

TEST_F_TIMEOUT(entry, mkdir_rmdir_cycles, 300)
{
	if (_metadata->skip)
		return;
	char dir[PATH_MAX], path[PATH_MAX], buf[4096];
	int failures = 0;

	for (int i = 0; i < 1000; i++) {
		pathf(dir, sizeof(dir), "%s-cycle.%d", self->dir, i);
		if (mkdir(dir, 0700)) {
			failures++;
			continue;
		}
		/* every other entry dies with a cached report and options */
		if (i % 2) {
			pathf(path, sizeof(path), "%s/inblob", dir);
			failures += !!write_str(path, "cycle");
			pathf(path, sizeof(path), "%s/service_provider", dir);
			failures += !!write_str(path, "svsm");
			pathf(path, sizeof(path), "%s/outblob", dir);
			failures += attr_read(path, buf, sizeof(buf)) <= 0;
		}
		failures += !!rmdir(dir);
	}
	EXPECT_EQ(0, failures);
	EXPECT_EQ(500, calls());
}

static int load_provider(const char *ko)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -errno;
	rc = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return rc;
}

static int unload_provider(void)
{
	return syscall(SYS_delete_module, PROVIDER_MOD, O_NONBLOCK) ? -errno : 0;
}

FIXTURE(unregister) {
	char dir[PATH_MAX];
	const char *ko;
};

FIXTURE_SETUP(unregister)
{
	self->ko = getenv("TSM_TEST_PROVIDER_KO");
	if (!self->ko)
		SKIP(return, "TSM_TEST_PROVIDER_KO not set");
	if (access(PARAM_DIR, F_OK))
		SKIP(return, PROVIDER_MOD ".ko not loaded");
	reset_params();
	pathf(self->dir, sizeof(self->dir), REPORT_DIR "/.kst-unreg-%d",
	      getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0700));
}

FIXTURE_TEARDOWN(unregister)
{
	if (_metadata->skip)
		return;
	if (rmdir(self->dir))
		EXPECT_EQ(ENOENT, errno);
	/* leave the provider loaded for whatever runs next */
	if (access(PARAM_DIR, F_OK))
		EXPECT_EQ(0, load_provider(self->ko));
}

TEST_F(unregister, entries_outlive_provider)
{
	if (_metadata->skip)
		return;
	char path[PATH_MAX], cached[4096], buf[4096], other[PATH_MAX];

#define P(attr) (pathf(path, sizeof(path), "%s/%s", self->dir, attr), path)
	ASSERT_EQ(0, write_str(P("inblob"), "before"));
	ASSERT_LT(0, read_text(P("outblob"), cached, sizeof(cached)));

	ASSERT_EQ(0, unload_provider());
	ASSERT_NE(0, access(PARAM_DIR, F_OK));

	/* the cached report stays readable, as upstream */
	ASSERT_LT(0, read_text(P("outblob"), buf, sizeof(buf)));
	EXPECT_STREQ(cached, buf);
	EXPECT_EQ(-ENXIO, read_text(P("provider"), buf, sizeof(buf)));
	EXPECT_EQ(-ENXIO, read_text(P("privlevel_floor"), buf, sizeof(buf)));
	EXPECT_EQ(-ENXIO, write_str(P("privlevel"), "0"));
	EXPECT_EQ(1, read_num(P("generation")));
	/* options can still be written, but a new report needs a provider */
	EXPECT_EQ(0, write_str(P("inblob"), "after"));
	EXPECT_EQ(0, write_str(P("service_manifest_version"), "2"));
	EXPECT_EQ(3, read_num(P("generation")));
	EXPECT_EQ(-ENXIO, read_text(P("outblob"), buf, sizeof(buf)));
	EXPECT_EQ(-ENXIO, read_text(P("auxblob"), buf, sizeof(buf)));

	pathf(other, sizeof(other), "%s-new", self->dir);
	EXPECT_EQ(-1, mkdir(other, 0700));
	EXPECT_EQ(ENXIO, errno);

	/* no provider may register while entries of the old one exist */
	EXPECT_EQ(-EBUSY, load_provider(self->ko));
	ASSERT_EQ(0, rmdir(self->dir));
	ASSERT_EQ(0, load_provider(self->ko));
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	EXPECT_EQ(0, read_num(P("generation")));
	ASSERT_EQ(0, write_str(P("inblob"), "again"));
	ASSERT_LT(0, read_text(P("outblob"), buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "\ncall=1\n"));
#undef P
}

static pid_t spawn_unload(void)
{
	pid_t pid = fork();

	if (!pid)
		_exit(unload_provider() ? 1 : 0);
	return pid;
}

static bool running(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0;
}

TEST_F_TIMEOUT(unregister, waits_for_calls_in_flight, 60)
{
	if (_metadata->skip)
		return;
	char path[PATH_MAX], buf[64];
	pid_t reader, unload, blocked;
	long long t;
	int status;

#define P(attr) (pathf(path, sizeof(path), "%s/%s", self->dir, attr), path)
	ASSERT_EQ(0, write_str(P("inblob"), "inflight"));
	ASSERT_EQ(0, set_param("delay_ms", 30000));
	reader = spawn_reader(P("outblob"));
	ASSERT_LT(0, reader);
	ASSERT_TRUE(wait_calls(1, 2000));

	/* the provider cannot go while its report_new() runs */
	unload = spawn_unload();
	ASSERT_LT(0, unload);
	usleep(300000);
	EXPECT_TRUE(running(unload));

	/* the entry's options stay usable meanwhile */
	t = ELAPSED(EXPECT_EQ(1, read_num(P("generation"))));
	EXPECT_GT(FAST_MS, t);

	/* a reader of the provider slot queued behind it can be killed */
	blocked = fork();
	ASSERT_LE(0, blocked);
	if (!blocked)
		_exit(read_text(P("provider"), buf, sizeof(buf)) > 0 ? 0 : 1);
	usleep(300000);
	EXPECT_TRUE(running(blocked));
	t = kill_and_reap(blocked);
	EXPECT_LE(0, t);
	EXPECT_GT(1000, t) TH_LOG("blocked reader took %lld ms to die", t);

	/* killing the reader ends the call, and the provider goes */
	t = kill_and_reap(reader);
	EXPECT_LE(0, t);
	EXPECT_GT(1000, t) TH_LOG("reader took %lld ms to die", t);
	ASSERT_EQ(unload, waitpid(unload, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_NE(0, access(PARAM_DIR, F_OK));
	EXPECT_EQ(-ENXIO, read_text(P("outblob"), buf, sizeof(buf)));
#undef P
}

TEST_HARNESS_MAIN
