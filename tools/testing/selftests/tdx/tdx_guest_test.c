// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the tdx-guest driver: /dev/tdx_guest and the tdx_guest provider
 * of configfs-tsm, on a TDX guest or on the TDX platform emulator. The
 * fault cases drive the emulator's debugfs knobs and skip without it.
 *
 * Run as root with tsm.ko, tdx_emu.ko and tdx-guest.ko loaded; see
 * vm-suite.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/tdx-guest.h>

#include "kselftest_harness.h"
#include "../lib/attr_io.h"

#define DEVPATH		"/dev/tdx_guest"
#define REPORT_DIR	"/sys/kernel/config/tsm/report"
#define EMU_DIR		"/sys/kernel/debug/tdx_emu"
#define DRV_DEBUGFS	"/sys/kernel/debug/tdx_guest"
#define DRV_PARAMS	"/sys/module/tdx_guest/parameters"
#define DRV_SYSFS	"/sys/devices/virtual/misc/tdx_guest"
#define EMU_PARAMS	"/sys/module/tdx_emu/parameters"
#define QGS_SOCKET	"/run/tdx-qgs/qgs.socket"

/* TDREPORT_STRUCT offsets */
#define TDREPORT_TYPE		0
#define TDREPORT_REPORTDATA	128
#define TDREPORT_MRTD		528

/* GetQuote shared buffer: 128 KiB including a 24-byte header */
#define QUOTE_DATA_MAX		(128 * 1024 - 24)

/* TD quote v4 offsets */
#define QUOTE_BODY		48
#define QUOTE_MRSEAM		(QUOTE_BODY + 16)
#define QUOTE_MRTD		(QUOTE_BODY + 136)
#define QUOTE_MRCONFIGID	(QUOTE_BODY + 184)
#define QUOTE_MROWNER		(QUOTE_BODY + 232)
#define QUOTE_MROWNERCONFIG	(QUOTE_BODY + 280)
#define QUOTE_RTMR(i)		(QUOTE_BODY + 328 + (i) * 48)
#define QUOTE_REPORTDATA	(QUOTE_BODY + 520)
#define QUOTE_MIN_SIZE		(QUOTE_REPORTDATA + 64)

/* A quote request should complete promptly when it can */
#define QUICK_MS		3000

static int write_str(const char *path, const char *s)
{
	return attr_write(path, 0, s, strlen(s));
}

/*
 * A number the driver or the emulator shows (decimal or 0x). One that
 * cannot be read or is not a number fails the test, so that two missing
 * counters never compare equal and pass; it reads as LLONG_MIN, which no
 * counter holds.
 */
static long long read_num_at(struct __test_metadata *_metadata,
			     const char *path)
{
	char buf[64] = { 0 }, *end;
	long long v;
	ssize_t n;
	bool ok;

	n = attr_read(path, buf, sizeof(buf) - 1);
	EXPECT_LT(0, n) TH_LOG("read %s: %s", path,
			       n < 0 ? strerror(-n) : "empty");
	if (n <= 0)
		return LLONG_MIN;
	errno = 0;
	v = strtoll(buf, &end, 0);
	ok = !errno && end != buf && (*end == '\n' || !*end);
	EXPECT_TRUE(ok) TH_LOG("%s is not a number: %s", path, buf);
	return ok ? v : LLONG_MIN;
}

#define read_num(path)	read_num_at(_metadata, path)

static int set_knob(const char *name, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), EMU_DIR "/%s", name);
	return write_str(path, val);
}

static bool have_emu(void)
{
	return access(EMU_DIR "/mrtd", R_OK) == 0;
}

static bool have_qgs(void)
{
	struct stat st;

	return stat(QGS_SOCKET, &st) == 0 && S_ISSOCK(st.st_mode);
}

static bool interrupt_mode(void)
{
	char buf[32] = { 0 };

	attr_read(DRV_SYSFS "/completion_mode", buf, sizeof(buf) - 1);
	return !strcmp(buf, "interrupt\n");
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Restore every fault knob the tests use, so one failure does not cascade */
static void reset_faults(void)
{
	static const char * const bools[] = {
		"drop_irq", "irq_before_status", "force_status_enable",
		"force_out_len_enable", "rewrite_after_complete",
		"never_complete", "sync_unavailable",
	};
	unsigned int i;

	if (!have_emu())
		return;
	for (i = 0; i < ARRAY_SIZE(bools); i++)
		set_knob(bools[i], "0");
	set_knob("service_delay_ms", "0");
	set_knob("complete_held", "1");
	write_str(EMU_PARAMS "/qgs_socket", QGS_SOCKET);
}

/* Wait until the emulated host holds no request, at most @ms */
static bool wait_host_idle(struct __test_metadata *_metadata, int ms)
{
	long long end = now_ms() + ms;

	while (now_ms() < end) {
		if (read_num(EMU_DIR "/quotes_in_flight") == 0)
			return true;
		usleep(10000);
	}
	return false;
}

static void hex_encode(const unsigned char *bin, size_t len, char *hex)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", bin[i]);
}

/* Compare @len bytes at @bin with the emulator's hex value @name */
static bool emu_mr_equals(const char *name, const unsigned char *bin,
			  size_t len)
{
	char want[2 * 64 + 2] = { 0 }, got[2 * 64 + 1];
	char path[256];
	ssize_t n;

	snprintf(path, sizeof(path), EMU_DIR "/%s", name);
	n = attr_read(path, want, sizeof(want) - 1);
	if (n < (ssize_t)(2 * len))
		return false;
	hex_encode(bin, len, got);
	return !strncmp(want, got, 2 * len);
}

static void fill_nonce(unsigned char *nonce, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		nonce[i] = (unsigned char)(seed * 131 + i * 7 + 1);
}

/* /dev/tdx_guest */

/*
 * The 6.1 harness runs a test's body and teardown even when its setup used
 * SKIP(), and reports the test as skipped whatever the body does: every
 * body and teardown starts by bailing out then.
 */

FIXTURE(dev) {
	int fd;		/* /dev/tdx_guest, -1 when absent */
};

FIXTURE_SETUP(dev)
{
	self->fd = open(DEVPATH, O_RDWR);
	if (self->fd < 0)
		SKIP(return, DEVPATH " is absent (%s)", strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		EXPECT_EQ(0, close(self->fd));
}

TEST_F(dev, get_report0)
{
	if (_metadata->skip)
		return;
	struct tdx_report_req req;
	unsigned char nonce[TDX_REPORTDATA_LEN];

	fill_nonce(nonce, sizeof(nonce), 1);
	memcpy(req.reportdata, nonce, sizeof(nonce));
	memset(req.tdreport, 0, sizeof(req.tdreport));

	ASSERT_EQ(0, ioctl(self->fd, TDX_CMD_GET_REPORT0, &req))
		TH_LOG("GET_REPORT0: %s", strerror(errno));
	EXPECT_EQ(0x81, req.tdreport[TDREPORT_TYPE]);
	EXPECT_EQ(0, memcmp(req.tdreport + TDREPORT_REPORTDATA, nonce,
			    sizeof(nonce)));
	/* REPORTDATA is an input, never changed */
	EXPECT_EQ(0, memcmp(req.reportdata, nonce, sizeof(nonce)));
	if (have_emu())
		EXPECT_TRUE(emu_mr_equals("mrtd", req.tdreport + TDREPORT_MRTD,
					  48));
}

TEST_F(dev, get_report0_follows_reportdata)
{
	if (_metadata->skip)
		return;
	struct tdx_report_req a, b;

	fill_nonce(a.reportdata, sizeof(a.reportdata), 2);
	fill_nonce(b.reportdata, sizeof(b.reportdata), 3);
	ASSERT_EQ(0, ioctl(self->fd, TDX_CMD_GET_REPORT0, &a));
	ASSERT_EQ(0, ioctl(self->fd, TDX_CMD_GET_REPORT0, &b));
	EXPECT_EQ(0, memcmp(b.tdreport + TDREPORT_REPORTDATA, b.reportdata,
			    TDX_REPORTDATA_LEN));
	/* Same platform, different REPORTDATA: same MRTD, different MAC */
	EXPECT_EQ(0, memcmp(a.tdreport + TDREPORT_MRTD,
			    b.tdreport + TDREPORT_MRTD, 48));
	EXPECT_NE(0, memcmp(a.tdreport, b.tdreport, TDX_REPORT_LEN));
}

TEST_F(dev, get_report0_efault)
{
	if (_metadata->skip)
		return;
	long page = sysconf(_SC_PAGESIZE);
	struct tdx_report_req *req;
	void *map;

	EXPECT_EQ(-1, ioctl(self->fd, TDX_CMD_GET_REPORT0, NULL));
	EXPECT_EQ(EFAULT, errno);

	/* Readable REPORTDATA, read-only TDREPORT: the copy-out fails */
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	req = (struct tdx_report_req *)((char *)map + page -
					TDX_REPORTDATA_LEN);
	memset(req->reportdata, 0x5a, TDX_REPORTDATA_LEN);
	ASSERT_EQ(0, mprotect((char *)map + page, page, PROT_READ));
	EXPECT_EQ(-1, ioctl(self->fd, TDX_CMD_GET_REPORT0, req));
	EXPECT_EQ(EFAULT, errno);

	/* Unreadable REPORTDATA */
	ASSERT_EQ(0, mprotect(map, 2 * page, PROT_NONE));
	EXPECT_EQ(-1, ioctl(self->fd, TDX_CMD_GET_REPORT0, map));
	EXPECT_EQ(EFAULT, errno);
	munmap(map, 2 * page);
}

TEST_F(dev, unknown_ioctl_enotty)
{
	if (_metadata->skip)
		return;
	struct tdx_report_req req = { 0 };
	const unsigned long cmds[] = {
		_IOWR('T', 2, struct tdx_report_req),	/* old VERIFY_REPORT */
		_IOW('T', 3, struct tdx_report_req),	/* old EXTEND_RTMR */
		_IOWR('T', 4, struct tdx_report_req),	/* old GET_QUOTE */
		_IOR('T', 1, struct tdx_report_req),	/* wrong direction */
		0,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], &req))
			TH_LOG("cmd %#lx", cmds[i]);
		EXPECT_EQ(ENOTTY, errno);
	}
}

/* configfs-tsm report entries */

/* Creates the entry; the caller SKIPs when it returns 1 */
static int entry_create(struct __test_metadata *_metadata, char *dir,
			size_t len)
{
	dir[0] = '\0';
	if (access(REPORT_DIR, F_OK))
		return 1;
	snprintf(dir, len, REPORT_DIR "/kst-%d", getpid());
	ASSERT_EQ(0, mkdir(dir, 0755))
		TH_LOG("mkdir %s: %s", dir, strerror(errno));
	reset_faults();
	/* Small enough for the timeout cases, large enough for the others */
	write_str(DRV_PARAMS "/quote_timeout_ms", "2000");
	/* The default status check schedule, whatever a test left */
	write_str(DRV_PARAMS "/poll_min_ms", "1");
	write_str(DRV_PARAMS "/poll_max_ms", "100");
	return 0;
}

static void entry_remove(struct __test_metadata *_metadata, const char *dir)
{
	/* the setup skipped: nothing was made */
	if (_metadata->skip)
		return;
	reset_faults();
	/* Held requests were released: the host must give the buffer back */
	if (have_emu())
		EXPECT_TRUE(wait_host_idle(_metadata, 5000));
	if (dir[0])
		EXPECT_EQ(0, rmdir(dir));
}

FIXTURE(report) {
	char dir[128];		/* the report entry, "" until created */
	bool emu;		/* the emulator's knobs are available */
};

FIXTURE_SETUP(report)
{
	self->emu = have_emu();
	if (entry_create(_metadata, self->dir, sizeof(self->dir)))
		SKIP(return, "configfs-tsm is not available");
}

FIXTURE_TEARDOWN(report)
{
	entry_remove(_metadata, self->dir);
}

static int entry_path(char *path, size_t len, const char *dir,
		      const char *attr)
{
	return snprintf(path, len, "%s/%s", dir, attr);
}

/* Write @nonce as inblob, read outblob: its length, or -errno */
static ssize_t get_quote(const char *dir, const void *nonce, size_t nonce_len,
			 unsigned char *out, size_t max)
{
	char path[256];
	int ret;

	entry_path(path, sizeof(path), dir, "inblob");
	ret = attr_write(path, 0, nonce, nonce_len);
	if (ret)
		return ret;
	entry_path(path, sizeof(path), dir, "outblob");
	return attr_read(path, out, max);
}

TEST_F(report, provider_and_attributes)
{
	if (_metadata->skip)
		return;
	static const char * const shown[] = {
		"generation", "provider", "inblob", "outblob",
	};
	static const char * const hidden[] = {
		"privlevel", "privlevel_floor", "auxblob", "manifestblob",
		"service_provider", "service_guid", "service_manifest_version",
	};
	char path[256], buf[64] = { 0 };
	unsigned int i;

	entry_path(path, sizeof(path), self->dir, "provider");
	ASSERT_LT(0, attr_read(path, buf, sizeof(buf) - 1));
	EXPECT_STREQ("tdx_guest\n", buf);
	for (i = 0; i < ARRAY_SIZE(shown); i++) {
		entry_path(path, sizeof(path), self->dir, shown[i]);
		EXPECT_EQ(0, access(path, F_OK)) TH_LOG("%s", shown[i]);
	}
	for (i = 0; i < ARRAY_SIZE(hidden); i++) {
		entry_path(path, sizeof(path), self->dir, hidden[i]);
		EXPECT_NE(0, access(path, F_OK)) TH_LOG("%s", hidden[i]);
	}
}

TEST_F_TIMEOUT(report, quote_end_to_end, 60)
{
	if (_metadata->skip)
		return;
	static unsigned char quote[128 * 1024];
	unsigned char nonce[64];
	char name[16];
	ssize_t len;
	int i;

	if (!have_qgs())
		SKIP(return, "no quoting service at " QGS_SOCKET);
	fill_nonce(nonce, sizeof(nonce), 4);
	len = get_quote(self->dir, nonce, sizeof(nonce), quote, sizeof(quote));
	ASSERT_LE(QUOTE_MIN_SIZE, len) TH_LOG("outblob: %zd", len);
	EXPECT_EQ(4, quote[0] | quote[1] << 8);		/* version */
	EXPECT_EQ(0x81, quote[4]);			/* tee_type TDX */
	EXPECT_EQ(0, memcmp(quote + QUOTE_REPORTDATA, nonce, sizeof(nonce)));
	if (self->emu) {
		EXPECT_TRUE(emu_mr_equals("mrseam", quote + QUOTE_MRSEAM, 48));
		EXPECT_TRUE(emu_mr_equals("mrtd", quote + QUOTE_MRTD, 48));
		EXPECT_TRUE(emu_mr_equals("mrconfigid",
					  quote + QUOTE_MRCONFIGID, 48));
		EXPECT_TRUE(emu_mr_equals("mrowner", quote + QUOTE_MROWNER, 48));
		EXPECT_TRUE(emu_mr_equals("mrownerconfig",
					  quote + QUOTE_MROWNERCONFIG, 48));
		for (i = 0; i < 4; i++) {
			snprintf(name, sizeof(name), "rtmr%d", i);
			EXPECT_TRUE(emu_mr_equals(name, quote + QUOTE_RTMR(i),
						  48));
		}
	}
}

TEST_F_TIMEOUT(report, quote_survives_host_rewrite, 60)
{
	if (_metadata->skip)
		return;
	static unsigned char a[128 * 1024], b[128 * 1024];
	unsigned char nonce[64];
	char path[256];
	ssize_t la, lb;
	int i;

	if (!self->emu)
		SKIP(return, "the TDX platform emulator is not loaded");
	if (!have_qgs())
		SKIP(return, "no quoting service at " QGS_SOCKET);
	ASSERT_EQ(0, set_knob("rewrite_after_complete", "1"));
	/*
	 * Checks 1 ms apart, so that the driver's copy usually beats the
	 * rewrite 10 ms after completion; when it does not, the rewritten
	 * REPORTDATA is refused (EBADMSG), never handed out: try again
	 */
	ASSERT_EQ(0, write_str(DRV_PARAMS "/poll_max_ms", "1"));
	for (i = 0; i < 5; i++) {
		fill_nonce(nonce, sizeof(nonce), 5 + i);
		la = get_quote(self->dir, nonce, sizeof(nonce), a, sizeof(a));
		if (la != -EBADMSG)
			break;
	}
	ASSERT_EQ(0, write_str(DRV_PARAMS "/poll_max_ms", "100"));
	ASSERT_LE(QUOTE_MIN_SIZE, la);
	usleep(50000);	/* the host rewrites 10 ms after completing */
	entry_path(path, sizeof(path), self->dir, "outblob");
	lb = attr_read(path, b, sizeof(b));
	/*
	 * The driver copied the quote out once: later host writes to the
	 * shared buffer do not reach the outblob. (Whether the copy beat the
	 * rewrite depends on how soon the driver saw the completion, so the
	 * content itself is not checked here.)
	 */
	ASSERT_EQ(la, lb);
	EXPECT_EQ(0, memcmp(a, b, la));
}

TEST_F(report, inblob_not_64_bytes_einval)
{
	if (_metadata->skip)
		return;
	unsigned char nonce[64] = { 1 }, out[16];

	EXPECT_EQ(-EINVAL, get_quote(self->dir, nonce, 63, out, sizeof(out)));
	EXPECT_EQ(-EINVAL, get_quote(self->dir, nonce, 1, out, sizeof(out)));
}

TEST_F(report, sync_unavailable_econnrefused)
{
	if (_metadata->skip)
		return;
	unsigned char nonce[64] = { 2 }, out[16];
	long long irqs = read_num(DRV_DEBUGFS "/interrupts");
	long long t0;

	if (!self->emu)
		SKIP(return, "the TDX platform emulator is not loaded");
	ASSERT_EQ(0, set_knob("sync_unavailable", "1"));
	t0 = now_ms();
	EXPECT_EQ(-ECONNREFUSED, get_quote(self->dir, nonce, sizeof(nonce),
					   out, sizeof(out)));
	/* Answered during the TDVMCALL: no wait, no interrupt */
	EXPECT_GT(1000, now_ms() - t0);
	EXPECT_EQ(irqs, read_num(DRV_DEBUGFS "/interrupts"));
}

TEST_F(report, no_quoting_service_econnrefused)
{
	if (_metadata->skip)
		return;
	unsigned char nonce[64] = { 3 }, out[16];

	if (!self->emu)
		SKIP(return, "the TDX platform emulator is not loaded");
	ASSERT_EQ(0, write_str(EMU_PARAMS "/qgs_socket",
			       "/run/tdx-qgs/no-such.socket"));
	EXPECT_EQ(-ECONNREFUSED, get_quote(self->dir, nonce, sizeof(nonce),
					   out, sizeof(out)));
}

/* Hostile host answers: forced status and out_len */
FIXTURE(hostile) {
	char dir[128];		/* the report entry, "" until created */
};

FIXTURE_VARIANT(hostile) {
	const char *status;	/* status the host writes */
	const char *out_len;	/* out_len the host writes, NULL for real */
	int err;		/* expected errno, 0 for success */
};

FIXTURE_SETUP(hostile)
{
	if (!have_emu())
		SKIP(return, "the TDX platform emulator is not loaded");
	if (entry_create(_metadata, self->dir, sizeof(self->dir)))
		SKIP(return, "configfs-tsm is not available");
}

FIXTURE_TEARDOWN(hostile)
{
	entry_remove(_metadata, self->dir);
}

FIXTURE_VARIANT_ADD(hostile, status_error) {
	.status = "0x8000000000000000", .err = EIO,
};

FIXTURE_VARIANT_ADD(hostile, status_unknown) {
	.status = "0x1234", .out_len = "1000", .err = EIO,
};

FIXTURE_VARIANT_ADD(hostile, status_unavailable) {
	.status = "0x8000000000000001", .out_len = "1000",
	.err = ECONNREFUSED,
};

FIXTURE_VARIANT_ADD(hostile, out_len_zero) {
	.status = "0", .out_len = "0", .err = EIO,
};

FIXTURE_VARIANT_ADD(hostile, out_len_too_big) {
	.status = "0", .out_len = "131049", .err = EFBIG,
};

FIXTURE_VARIANT_ADD(hostile, out_len_huge) {
	.status = "0", .out_len = "0xffffffff", .err = EFBIG,
};

/*
 * The largest answer the buffer holds, with nothing written by the host:
 * the data area holds the TDREPORT the driver put there, then zeros. That
 * is not a quote of the request's REPORTDATA, so it never reaches the
 * reader.
 */
FIXTURE_VARIANT_ADD(hostile, out_len_max) {
	.status = "0", .out_len = "131048", .err = EBADMSG,
};

TEST_F(hostile, answer)
{
	if (_metadata->skip)
		return;
	static unsigned char out[256 * 1024];
	unsigned char nonce[64];
	ssize_t len;

	/* No quoting service: the buffer holds only what the TD wrote */
	ASSERT_EQ(0, write_str(EMU_PARAMS "/qgs_socket",
			       "/run/tdx-qgs/no-such.socket"));
	ASSERT_EQ(0, set_knob("force_status", variant->status));
	ASSERT_EQ(0, set_knob("force_status_enable", "1"));
	if (variant->out_len) {
		ASSERT_EQ(0, set_knob("force_out_len", variant->out_len));
		ASSERT_EQ(0, set_knob("force_out_len_enable", "1"));
	}
	fill_nonce(nonce, sizeof(nonce), 6);
	len = get_quote(self->dir, nonce, sizeof(nonce), out, sizeof(out));
	EXPECT_EQ(-variant->err, len);
}

/* TDX_QUOTE_MAX_ABANDONED: buffers the driver leaves to the host */
#define MAX_ABANDONED	4

/*
 * A request the host never answers times out on time and leaves its buffer
 * to the host; each next request gets another of the pool's buffers, or a
 * fresh one, until the host has the whole pool and at least four: then
 * EBUSY at once. Once the host answers, requests work again and the driver
 * takes the buffers back.
 */
TEST_F_TIMEOUT(report, timeout_then_fresh_buffers_then_ebusy, 60)
{
	if (_metadata->skip)
		return;
	unsigned char nonce[64] = { 7 }, out[16];
	long long t0, dt, pool, kept;
	ssize_t ret;
	int i;

	if (!self->emu)
		SKIP(return, "the TDX platform emulator is not loaded");
	ASSERT_EQ(0, write_str(EMU_PARAMS "/qgs_socket",
			       "/run/tdx-qgs/no-such.socket"));
	ASSERT_EQ(0, set_knob("never_complete", "1"));
	t0 = now_ms();
	EXPECT_EQ(-ETIMEDOUT, get_quote(self->dir, nonce, sizeof(nonce),
					out, sizeof(out)));
	dt = now_ms() - t0;
	/* quote_timeout_ms is 2000: the timeout really fires, on time */
	EXPECT_LE(1900, dt);
	EXPECT_GT(2000 + QUICK_MS, dt);
	EXPECT_EQ(1, read_num(DRV_DEBUGFS "/abandoned_buffers"));

	/*
	 * The next ones go to the host on the pool's other buffers, then on
	 * fresh ones while fewer than MAX_ABANDONED are with the host, and
	 * time out too
	 */
	pool = read_num(DRV_PARAMS "/quote_buffers");
	ASSERT_LE(1, pool);
	kept = pool > MAX_ABANDONED ? pool : MAX_ABANDONED;
	ASSERT_EQ(0, write_str(DRV_PARAMS "/quote_timeout_ms", "200"));
	for (i = 2; i <= kept; i++) {
		nonce[0] = 7 + i;
		EXPECT_EQ(-ETIMEDOUT, get_quote(self->dir, nonce,
						sizeof(nonce), out,
						sizeof(out)));
	}
	EXPECT_EQ(kept, read_num(EMU_DIR "/quotes_in_flight"));
	EXPECT_EQ(kept, read_num(DRV_DEBUGFS "/abandoned_buffers"));

	/* Then the host has them all: EBUSY, at once */
	nonce[0] = 30;
	t0 = now_ms();
	EXPECT_EQ(-EBUSY, get_quote(self->dir, nonce, sizeof(nonce), out,
				    sizeof(out)));
	EXPECT_GT(1000, now_ms() - t0);
	EXPECT_EQ(kept, read_num(EMU_DIR "/quotes_in_flight"));

	/* Once the host answers, requests work again */
	ASSERT_EQ(0, set_knob("never_complete", "0"));
	ASSERT_EQ(0, set_knob("complete_held", "1"));
	ASSERT_TRUE(wait_host_idle(_metadata, QUICK_MS));
	nonce[0] = 21;
	ret = get_quote(self->dir, nonce, sizeof(nonce), out, sizeof(out));
	EXPECT_EQ(-ECONNREFUSED, ret);
	EXPECT_EQ(0, read_num(DRV_DEBUGFS "/abandoned_buffers"));

	if (!have_qgs())
		return;
	ASSERT_EQ(0, write_str(EMU_PARAMS "/qgs_socket", QGS_SOCKET));
	nonce[0] = 22;
	{
		static unsigned char quote[128 * 1024];

		ret = get_quote(self->dir, nonce, sizeof(nonce), quote,
				sizeof(quote));
		ASSERT_LE(QUOTE_MIN_SIZE, ret);
		EXPECT_EQ(0, memcmp(quote + QUOTE_REPORTDATA, nonce,
				    sizeof(nonce)));
	}
}

/*
 * SIGKILL ends a wait for the host at once; the request stays with the
 * host, and the next one proceeds on a fresh buffer.
 */
TEST_F_TIMEOUT(report, fatal_signal_eintr_then_fresh_buffer, 60)
{
	if (_metadata->skip)
		return;
	unsigned char nonce[64] = { 11 }, out[16];
	long long t0;
	int status;
	pid_t pid;

	if (!self->emu)
		SKIP(return, "the TDX platform emulator is not loaded");
	ASSERT_EQ(0, write_str(EMU_PARAMS "/qgs_socket",
			       "/run/tdx-qgs/no-such.socket"));
	ASSERT_EQ(0, write_str(DRV_PARAMS "/quote_timeout_ms", "20000"));
	ASSERT_EQ(0, set_knob("never_complete", "1"));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		get_quote(self->dir, nonce, sizeof(nonce), out, sizeof(out));
		_exit(0);
	}
	/* Let the child reach the wait, then kill it */
	t0 = now_ms();
	while (read_num(EMU_DIR "/quotes_in_flight") < 1 &&
	       now_ms() - t0 < QUICK_MS)
		usleep(10000);
	ASSERT_EQ(1, read_num(EMU_DIR "/quotes_in_flight"));
	t0 = now_ms();
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	/* Killable: the child did not sit out the 20 s timeout */
	EXPECT_GT(QUICK_MS, now_ms() - t0);
	EXPECT_EQ(1, read_num(DRV_DEBUGFS "/abandoned_buffers"));

	/* The host still has the first request: this one gets a new buffer */
	ASSERT_EQ(0, set_knob("never_complete", "0"));
	nonce[0] = 12;
	EXPECT_EQ(-ECONNREFUSED, get_quote(self->dir, nonce, sizeof(nonce),
					   out, sizeof(out)));
	/*
	 * The VMM lets go of that one just after its answer: then only the
	 * first is left with the host
	 */
	t0 = now_ms();
	while (read_num(EMU_DIR "/quotes_in_flight") > 1 &&
	       now_ms() - t0 < QUICK_MS)
		usleep(10000);
	EXPECT_EQ(1, read_num(EMU_DIR "/quotes_in_flight"));
	ASSERT_EQ(0, set_knob("complete_held", "1"));
	ASSERT_TRUE(wait_host_idle(_metadata, QUICK_MS));
}

TEST_F(report, completion_by_interrupt)
{
	if (_metadata->skip)
		return;
	unsigned char nonce[64] = { 13 }, out[16];
	long long irqs, raised, t0;

	if (!self->emu)
		SKIP(return, "the TDX platform emulator is not loaded");
	if (!interrupt_mode())
		SKIP(return, "the driver polls");
	/* The driver registered its vector on the CPU it chose */
	EXPECT_EQ(read_num(DRV_DEBUGFS "/event_cpu"),
		  read_num(EMU_DIR "/event_cpu"));
	EXPECT_EQ(read_num(DRV_DEBUGFS "/event_vector"),
		  read_num(EMU_DIR "/event_vector"));

	ASSERT_EQ(0, write_str(EMU_PARAMS "/qgs_socket",
			       "/run/tdx-qgs/no-such.socket"));
	ASSERT_EQ(0, set_knob("service_delay_ms", "300"));
	irqs = read_num(DRV_DEBUGFS "/interrupts");
	raised = read_num(EMU_DIR "/irqs_raised");
	t0 = now_ms();
	EXPECT_EQ(-ECONNREFUSED, get_quote(self->dir, nonce, sizeof(nonce),
					   out, sizeof(out)));
	/* Woken by the interrupt, not by the 1 s safety net */
	EXPECT_GT(900, now_ms() - t0);
	EXPECT_LT(irqs, read_num(DRV_DEBUGFS "/interrupts"));
	/* The host counts the interrupt after sending it: give it time */
	t0 = now_ms();
	while (read_num(EMU_DIR "/irqs_raised") <= raised &&
	       now_ms() - t0 < QUICK_MS)
		usleep(10000);
	EXPECT_LT(raised, read_num(EMU_DIR "/irqs_raised"));
}

TEST_F(report, spurious_interrupts_counted)
{
	if (_metadata->skip)
		return;
	long long spurious;

	if (!self->emu)
		SKIP(return, "the TDX platform emulator is not loaded");
	if (!interrupt_mode())
		SKIP(return, "the driver polls");
	spurious = read_num(DRV_DEBUGFS "/spurious_interrupts");
	ASSERT_EQ(0, set_knob("spurious_irq", "5"));
	usleep(100000);
	/* Interrupts raised back to back may coalesce in the local APIC */
	EXPECT_LT(spurious, read_num(DRV_DEBUGFS "/spurious_interrupts"));
	EXPECT_GE(spurious + 5, read_num(DRV_DEBUGFS "/spurious_interrupts"));
}

TEST_F_TIMEOUT(report, spurious_interrupt_storm_keeps_line, 120)
{
	if (_metadata->skip)
		return;
	unsigned char nonce[64] = { 14 }, out[16];
	long long irqs, t0;
	int i;

	if (!self->emu)
		SKIP(return, "the TDX platform emulator is not loaded");
	if (!interrupt_mode())
		SKIP(return, "the driver polls");
	/* More than the 100000 the spurious-IRQ detector judges a line by */
	for (i = 0; i < 11; i++)
		ASSERT_EQ(0, set_knob("spurious_irq", "10000"));
	ASSERT_EQ(0, write_str(EMU_PARAMS "/qgs_socket",
			       "/run/tdx-qgs/no-such.socket"));
	ASSERT_EQ(0, set_knob("service_delay_ms", "300"));
	irqs = read_num(DRV_DEBUGFS "/interrupts");
	t0 = now_ms();
	EXPECT_EQ(-ECONNREFUSED, get_quote(self->dir, nonce, sizeof(nonce),
					   out, sizeof(out)));
	EXPECT_GT(900, now_ms() - t0);
	EXPECT_LT(irqs, read_num(DRV_DEBUGFS "/interrupts"));
}

TEST_F(report, dropped_or_early_interrupt_still_completes)
{
	if (_metadata->skip)
		return;
	unsigned char nonce[64] = { 15 }, out[16];
	long long t0, by_check;

	if (!self->emu)
		SKIP(return, "the TDX platform emulator is not loaded");
	ASSERT_EQ(0, write_str(EMU_PARAMS "/qgs_socket",
			       "/run/tdx-qgs/no-such.socket"));
	/*
	 * quote_timeout_ms is 2000: the status checks (at most 100 ms
	 * apart) must find the completion long before the timeout would
	 */
	by_check = read_num(DRV_DEBUGFS "/completions_by_check");
	ASSERT_EQ(0, set_knob("drop_irq", "1"));
	t0 = now_ms();
	EXPECT_EQ(-ECONNREFUSED, get_quote(self->dir, nonce, sizeof(nonce),
					   out, sizeof(out)));
	EXPECT_GT(1500, now_ms() - t0);
	/* In interrupt mode, the completion the interrupt did not announce */
	if (interrupt_mode())
		EXPECT_EQ(by_check + 1,
			  read_num(DRV_DEBUGFS "/completions_by_check"));

	ASSERT_EQ(0, set_knob("drop_irq", "0"));
	ASSERT_EQ(0, set_knob("irq_before_status", "1"));
	nonce[0] = 16;
	t0 = now_ms();
	EXPECT_EQ(-ECONNREFUSED, get_quote(self->dir, nonce, sizeof(nonce),
					   out, sizeof(out)));
	EXPECT_GT(1500, now_ms() - t0);
}

TEST_F(report, polling_completes_quickly)
{
	if (_metadata->skip)
		return;
	unsigned char nonce[64] = { 17 }, out[16];
	long long irqs, t0;

	if (!self->emu)
		SKIP(return, "the TDX platform emulator is not loaded");
	if (interrupt_mode())
		SKIP(return, "the driver uses the interrupt");
	EXPECT_EQ(-1, read_num(DRV_DEBUGFS "/event_cpu"));
	EXPECT_EQ(0, read_num(DRV_DEBUGFS "/event_vector"));
	ASSERT_EQ(0, write_str(EMU_PARAMS "/qgs_socket",
			       "/run/tdx-qgs/no-such.socket"));
	ASSERT_EQ(0, set_knob("service_delay_ms", "20"));
	irqs = read_num(DRV_DEBUGFS "/interrupts");
	t0 = now_ms();
	EXPECT_EQ(-ECONNREFUSED, get_quote(self->dir, nonce, sizeof(nonce),
					   out, sizeof(out)));
	/* Backoff from 1 ms, never a fixed 1 s sleep */
	EXPECT_GT(500, now_ms() - t0);
	EXPECT_EQ(irqs, read_num(DRV_DEBUGFS "/interrupts"));
}

TEST_F_TIMEOUT(report, get_report0_does_not_wait_for_quote, 60)
{
	if (_metadata->skip)
		return;
	unsigned char nonce[64] = { 18 }, out[16];
	struct tdx_report_req req = { 0 };
	long long t0;
	int fd, status;
	pid_t pid;

	if (!self->emu)
		SKIP(return, "the TDX platform emulator is not loaded");
	fd = open(DEVPATH, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, write_str(EMU_PARAMS "/qgs_socket",
			       "/run/tdx-qgs/no-such.socket"));
	ASSERT_EQ(0, set_knob("service_delay_ms", "1500"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(get_quote(self->dir, nonce, sizeof(nonce), out,
				sizeof(out)) == -ECONNREFUSED ? 0 : 1);
	t0 = now_ms();
	while (read_num(EMU_DIR "/quotes_in_flight") < 1 &&
	       now_ms() - t0 < QUICK_MS)
		usleep(5000);
	t0 = now_ms();
	EXPECT_EQ(0, ioctl(fd, TDX_CMD_GET_REPORT0, &req));
	EXPECT_GT(500, now_ms() - t0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd);
}

TEST_HARNESS_MAIN
