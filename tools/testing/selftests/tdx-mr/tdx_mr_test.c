// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest of the tdx_guest measurements files on the TDX platform
 * emulator: the ABI (names, modes, sizes, write rules, errnos), the extend
 * arithmetic against OpenSSL's SHA-384, the agreement of sysfs, the
 * emulator and the TDREPORT of the ioctl, the emulator's fault knobs, and
 * concurrent extends replayed from the emulator's record of their order.
 *
 * Run by vm-suite.sh with the report core, tdx_emu.ko and tdx-guest.ko
 * loaded. The TDREPORT offsets are written out here from the TDX module's
 * ABI, independently of the driver's header.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/tdx-guest.h>
#include <openssl/evp.h>

#include "kselftest_harness.h"
#include "../lib/attr_io.h"

#define MRS		"/sys/devices/virtual/misc/tdx_guest/measurements"
#define EMU		"/sys/kernel/debug/tdx_emu"
#define DEV		"/dev/tdx_guest"
#define MR_SIZE		48

/* TDREPORT_STRUCT: REPORTDATA, and the registers in TDINFO (at 512) */
#define OFF_REPORTDATA	128
#define OFF_MRTD	528
#define OFF_MRCONFIGID	576
#define OFF_MROWNER	624
#define OFF_MROWNERCONFIG 672
#define OFF_RTMR(i)	(720 + (i) * MR_SIZE)

/* Concurrent extends: WORKERS processes of PER_WORKER extends each */
#define WORKERS		4
#define PER_WORKER	250
#define READS		100
#define LOG_MAX		(64 * 1024 * 4)

struct mr_file {
	const char *name;	/* in measurements/ */
	const char *emu;	/* the emulator's debugfs file */
	mode_t mode;
	size_t tdreport_off;
};

static const struct mr_file mr_files[] = {
	{ "mrtd:sha384", "mrtd", 0444, OFF_MRTD },
	{ "mrconfigid", "mrconfigid", 0444, OFF_MRCONFIGID },
	{ "mrowner", "mrowner", 0444, OFF_MROWNER },
	{ "mrownerconfig", "mrownerconfig", 0444, OFF_MROWNERCONFIG },
	{ "rtmr0:sha384", "rtmr0", 0644, OFF_RTMR(0) },
	{ "rtmr1:sha384", "rtmr1", 0644, OFF_RTMR(1) },
	{ "rtmr2:sha384", "rtmr2", 0644, OFF_RTMR(2) },
	{ "rtmr3:sha384", "rtmr3", 0644, OFF_RTMR(3) },
};

#define NR_MR_FILES	ARRAY_SIZE(mr_files)

static const char *mr_path(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), MRS "/%s", name);
	return path;
}

static const char *rtmr_name(int i)
{
	return mr_files[4 + i].name;
}

static const char *emu_path(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), EMU "/%s", name);
	return path;
}

/* The 48 bytes of a measurements file, or -errno */
static int mr_read(const char *name, unsigned char *mr)
{
	unsigned char buf[4096];
	ssize_t n;

	n = attr_read(mr_path(name), buf, sizeof(buf));
	if (n < 0)
		return n;
	if (n != MR_SIZE)
		return -EMSGSIZE;
	memcpy(mr, buf, MR_SIZE);
	return 0;
}

/* One write() of @len bytes at @off to a measurements file: 0 or -errno */
static ssize_t mr_pwrite(const char *name, const void *buf, size_t len,
			 off_t off)
{
	ssize_t n;
	int fd;

	fd = open(mr_path(name), O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pwrite(fd, buf, len, off);
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

static int mr_extend(int rtmr, const unsigned char *data)
{
	ssize_t n = mr_pwrite(rtmr_name(rtmr), data, MR_SIZE, 0);

	return n < 0 ? (int)n : n == MR_SIZE ? 0 : -EIO;
}

static int hex_decode(const char *hex, unsigned char *out, size_t len)
{
	unsigned int b;
	size_t i;

	for (i = 0; i < len; i++) {
		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = b;
	}
	return 0;
}

/* The emulator's value of a register (96 hex digits in debugfs) */
static int emu_mr(const char *name, unsigned char *mr)
{
	char hex[2 * MR_SIZE + 2];
	ssize_t n;

	n = attr_read(emu_path(name), hex, sizeof(hex));
	if (n < 2 * MR_SIZE)
		return -EIO;
	return hex_decode(hex, mr, MR_SIZE) ? -EIO : 0;
}

static int emu_set_mr(const char *name, const unsigned char *mr)
{
	char hex[2 * MR_SIZE + 1];
	int i;

	for (i = 0; i < MR_SIZE; i++)
		sprintf(hex + 2 * i, "%02x", mr[i]);
	return attr_write(emu_path(name), 0, hex, 2 * MR_SIZE);
}

static int knob_set(const char *knob, long val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", val);
	return attr_write(emu_path(knob), 0, buf, strlen(buf));
}

static long knob_get(const char *knob)
{
	char buf[32] = "";

	if (attr_read(emu_path(knob), buf, sizeof(buf) - 1) <= 0)
		return -1;
	return strtol(buf, NULL, 0);
}

/* SHA-384(@a || @b), the extend, by OpenSSL */
static void sha384_extend(const unsigned char *a, const unsigned char *b,
			  unsigned char *out)
{
	unsigned char in[2 * MR_SIZE];

	memcpy(in, a, MR_SIZE);
	memcpy(in + MR_SIZE, b, MR_SIZE);
	EVP_Digest(in, sizeof(in), out, NULL, EVP_sha384(), NULL);
}

/* TDX_CMD_GET_REPORT0 with @reportdata: 0 or -errno */
static int get_tdreport(const unsigned char *reportdata, unsigned char *report)
{
	struct tdx_report_req req;
	int fd, rc = 0;

	memcpy(req.reportdata, reportdata, sizeof(req.reportdata));
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, TDX_CMD_GET_REPORT0, &req))
		rc = -errno;
	else
		memcpy(report, req.tdreport, sizeof(req.tdreport));
	close(fd);
	return rc;
}

static void fill(unsigned char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(seed * 131 + i * 7 + 1);
}

TEST(files_names_modes_and_sizes)
{
	unsigned int seen = 0;
	struct dirent *d;
	struct stat st;
	size_t i;
	DIR *dir;

	dir = opendir(MRS);
	ASSERT_NE(NULL, dir) TH_LOG("no " MRS);
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		for (i = 0; i < NR_MR_FILES; i++)
			if (!strcmp(d->d_name, mr_files[i].name))
				break;
		EXPECT_LT(i, NR_MR_FILES) TH_LOG("unexpected file %s", d->d_name);
		if (i == NR_MR_FILES)
			continue;
		seen |= 1u << i;
		ASSERT_EQ(0, stat(mr_path(d->d_name), &st));
		EXPECT_TRUE(S_ISREG(st.st_mode));
		EXPECT_EQ(mr_files[i].mode, st.st_mode & 07777)
			TH_LOG("%s has mode %o", d->d_name, st.st_mode & 07777);
		EXPECT_EQ(MR_SIZE, st.st_size) TH_LOG("%s", d->d_name);
	}
	closedir(dir);
	EXPECT_EQ((1u << NR_MR_FILES) - 1, seen) TH_LOG("files missing");
}

/*
 * Every file shows its own register: distinct values in the emulator,
 * then the sysfs files, the emulator and the ioctl's TDREPORT agree.
 */
TEST(files_are_the_registers_of_the_tdreport)
{
	unsigned char mr[MR_SIZE], want[MR_SIZE], data[MR_SIZE];
	unsigned char reportdata[64], report[1024];
	size_t i;

	for (i = 1; i < 4; i++) {
		fill(want, sizeof(want), 0x40 + i);
		ASSERT_EQ(0, emu_set_mr(mr_files[i].emu, want));
	}
	/* An extend makes the driver take a new TDREPORT */
	fill(data, sizeof(data), 0x77);
	ASSERT_EQ(0, mr_extend(3, data));
	fill(reportdata, sizeof(reportdata), 0x99);
	ASSERT_EQ(0, get_tdreport(reportdata, report));
	EXPECT_EQ(0, memcmp(report + OFF_REPORTDATA, reportdata, 64));

	for (i = 0; i < NR_MR_FILES; i++) {
		ASSERT_EQ(0, mr_read(mr_files[i].name, mr))
			TH_LOG("%s", mr_files[i].name);
		ASSERT_EQ(0, emu_mr(mr_files[i].emu, want));
		EXPECT_EQ(0, memcmp(mr, want, MR_SIZE))
			TH_LOG("%s is not the emulator's %s", mr_files[i].name,
			       mr_files[i].emu);
		EXPECT_EQ(0, memcmp(mr, report + mr_files[i].tdreport_off,
				    MR_SIZE))
			TH_LOG("%s is not in the TDREPORT at %zu",
			       mr_files[i].name, mr_files[i].tdreport_off);
	}
}

TEST(reads_at_an_offset)
{
	unsigned char mr[MR_SIZE], buf[128];
	ssize_t n;
	int fd;

	ASSERT_EQ(0, mr_read("mrtd:sha384", mr));
	fd = open(mr_path("mrtd:sha384"), O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	n = pread(fd, buf, sizeof(buf), 40);
	EXPECT_EQ(8, n);
	EXPECT_EQ(0, memcmp(buf, mr + 40, 8));
	EXPECT_EQ(0, pread(fd, buf, sizeof(buf), MR_SIZE));
	close(fd);
}

TEST(read_only_files_refuse_writes)
{
	unsigned char before[MR_SIZE], after[MR_SIZE];
	size_t i;

	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, mr_read(mr_files[i].name, before));
		EXPECT_EQ(-EACCES, mr_pwrite(mr_files[i].name, before,
					     MR_SIZE, 0))
			TH_LOG("%s", mr_files[i].name);
		ASSERT_EQ(0, mr_read(mr_files[i].name, after));
		EXPECT_EQ(0, memcmp(before, after, MR_SIZE));
	}
}

/*
 * Only one whole digest at offset 0 extends. sysfs cuts a longer write at
 * offset 0 to the file's 48 bytes (upstream does the same), and passes a
 * write of nothing through as 0.
 */
TEST(write_sizes_and_offsets)
{
	unsigned char before[MR_SIZE], after[MR_SIZE], want[MR_SIZE];
	unsigned char data[MR_SIZE + 16];
	const char *rtmr2 = rtmr_name(2);

	fill(data, sizeof(data), 5);
	ASSERT_EQ(0, mr_read(rtmr2, before));

	EXPECT_EQ(-EINVAL, mr_pwrite(rtmr2, data, MR_SIZE - 1, 0));
	EXPECT_EQ(-EINVAL, mr_pwrite(rtmr2, data, 1, 0));
	EXPECT_EQ(-EINVAL, mr_pwrite(rtmr2, data, MR_SIZE, 1));
	EXPECT_EQ(-EINVAL, mr_pwrite(rtmr2, data, MR_SIZE - 1, 1));
	EXPECT_EQ(-EINVAL, mr_pwrite(rtmr2, data, 1, MR_SIZE - 1));
	EXPECT_EQ(-EFBIG, mr_pwrite(rtmr2, data, MR_SIZE, MR_SIZE));
	EXPECT_EQ(0, mr_pwrite(rtmr2, data, 0, 0));
	ASSERT_EQ(0, mr_read(rtmr2, after));
	EXPECT_EQ(0, memcmp(before, after, MR_SIZE))
		TH_LOG("a refused write changed RTMR2");

	/* 49 bytes: the first 48 extend, write() says 48 */
	EXPECT_EQ(MR_SIZE, mr_pwrite(rtmr2, data, MR_SIZE + 1, 0));
	sha384_extend(before, data, want);
	ASSERT_EQ(0, mr_read(rtmr2, after));
	EXPECT_EQ(0, memcmp(want, after, MR_SIZE));
}

TEST(extend_is_sha384_of_register_and_data)
{
	unsigned char before[MR_SIZE], after[MR_SIZE], want[MR_SIZE];
	unsigned char data[MR_SIZE], emu[MR_SIZE], report[1024];
	unsigned char reportdata[64] = { 0 };
	int i, round;

	for (i = 0; i < 4; i++) {
		for (round = 0; round < 2; round++) {
			ASSERT_EQ(0, mr_read(rtmr_name(i), before));
			fill(data, sizeof(data), 16 * i + round);
			ASSERT_EQ(0, mr_extend(i, data)) TH_LOG("RTMR%d", i);
			sha384_extend(before, data, want);
			ASSERT_EQ(0, mr_read(rtmr_name(i), after));
			EXPECT_EQ(0, memcmp(want, after, MR_SIZE))
				TH_LOG("RTMR%d is not SHA-384(RTMR || data)", i);
			ASSERT_EQ(0, emu_mr(mr_files[4 + i].emu, emu));
			EXPECT_EQ(0, memcmp(want, emu, MR_SIZE));
			ASSERT_EQ(0, get_tdreport(reportdata, report));
			EXPECT_EQ(0, memcmp(want, report + OFF_RTMR(i),
					    MR_SIZE))
				TH_LOG("the TDREPORT's RTMR%d differs", i);
		}
	}
}

/* Each extend fault of the TDX module: its errno, and no extend */
TEST(extend_faults_give_their_errno)
{
	static const struct {
		const char *knob;
		int err;
	} faults[] = {
		{ "extend_busy", -EBUSY },
		{ "extend_invalid", -ENXIO },
		{ "extend_error", -EIO },
	};
	unsigned char before[MR_SIZE], after[MR_SIZE], want[MR_SIZE];
	unsigned char data[MR_SIZE];
	size_t i;

	fill(data, sizeof(data), 3);
	for (i = 0; i < ARRAY_SIZE(faults); i++) {
		ASSERT_EQ(0, mr_read(rtmr_name(1), before));
		ASSERT_EQ(0, knob_set(faults[i].knob, 1));
		EXPECT_EQ(faults[i].err, mr_extend(1, data))
			TH_LOG("%s", faults[i].knob);
		EXPECT_EQ(0, knob_get(faults[i].knob));
		ASSERT_EQ(0, mr_read(rtmr_name(1), after));
		EXPECT_EQ(0, memcmp(before, after, MR_SIZE))
			TH_LOG("%s extended", faults[i].knob);
		/* and the next one works */
		EXPECT_EQ(0, mr_extend(1, data));
		sha384_extend(before, data, want);
		ASSERT_EQ(0, mr_read(rtmr_name(1), after));
		EXPECT_EQ(0, memcmp(want, after, MR_SIZE));
	}
}

/*
 * TDG.MR.REPORT's busy answer, as the driver sees it: EBUSY, retried a few
 * times; or, through the helper of 6.7 - 6.15 kernels, EIO at once
 * (TDX_REPORT_ERRNOS=old, set by the suite from the kernel's exports).
 */
static int report_busy_errno(void)
{
	const char *e = getenv("TDX_REPORT_ERRNOS");

	return e && !strcmp(e, "old") ? -EIO : -EBUSY;
}

/* TDG.MR.REPORT busy: retried a few times, then EBUSY (or EIO at once) */
TEST(report_busy_is_retried_then_ebusy)
{
	unsigned char reportdata[64] = { 0 }, report[1024];
	unsigned char data[MR_SIZE], mr[MR_SIZE], want[MR_SIZE];
	const int busy = report_busy_errno();
	const long many = 1000000;
	long left;

	/* The cache is fresh: reads need no TDREPORT */
	ASSERT_EQ(0, mr_read(rtmr_name(0), mr));

	ASSERT_EQ(0, knob_set("report_busy", 2));
	if (busy == -EBUSY) {
		EXPECT_EQ(0, get_tdreport(reportdata, report))
			TH_LOG("two busy answers were not retried");
		EXPECT_EQ(0, knob_get("report_busy"));
	} else {
		EXPECT_EQ(-EIO, get_tdreport(reportdata, report));
		EXPECT_EQ(1, knob_get("report_busy"))
			TH_LOG("an EIO was retried");
		ASSERT_EQ(0, knob_set("report_busy", 0));
	}

	ASSERT_EQ(0, knob_set("report_busy", many));
	EXPECT_EQ(busy, get_tdreport(reportdata, report));
	left = knob_get("report_busy");
	if (busy == -EBUSY) {
		EXPECT_LT(left, many - 1) TH_LOG("no retry: %ld left", left);
		EXPECT_GT(left, many - 1000)
			TH_LOG("unbounded: %ld left", left);
	} else {
		EXPECT_EQ(many - 1, left);
	}

	/* The measurements files say the same when they need a TDREPORT */
	ASSERT_EQ(0, mr_read(rtmr_name(0), mr));
	EXPECT_EQ(many - left, many - knob_get("report_busy"))
		TH_LOG("a fresh cache took a TDREPORT");
	fill(data, sizeof(data), 9);
	ASSERT_EQ(0, mr_extend(0, data));
	EXPECT_EQ(busy, mr_read(rtmr_name(0), mr));

	ASSERT_EQ(0, knob_set("report_busy", 0));
	ASSERT_EQ(0, emu_mr("rtmr0", want));
	ASSERT_EQ(0, mr_read(rtmr_name(0), mr));
	EXPECT_EQ(0, memcmp(want, mr, MR_SIZE));
	EXPECT_EQ(0, get_tdreport(reportdata, report));
}

/* What one worker extends: its number, its sequence number, a pattern */
static void worker_data(unsigned char *data, int worker, int seq)
{
	fill(data, MR_SIZE, worker * PER_WORKER + seq);
	data[0] = worker;
	data[1] = seq >> 8;
	data[2] = seq & 0xff;
}

static int extend_worker(int worker)
{
	unsigned char data[MR_SIZE];
	int seq;

	for (seq = 0; seq < PER_WORKER; seq++) {
		worker_data(data, worker, seq);
		if (mr_extend(3, data))
			return 1;
	}
	return 0;
}

/* Reads and TDREPORTs meanwhile: never refused */
static int read_worker(void)
{
	unsigned char mr[MR_SIZE], reportdata[64] = { 0 }, report[1024];
	int i;

	for (i = 0; i < READS; i++) {
		if (mr_read(rtmr_name(3), mr) ||
		    get_tdreport(reportdata, report))
			return 1;
	}
	return 0;
}

TEST(concurrent_extends_none_lost_order_replays)
{
	static char log[LOG_MAX];
	unsigned char init[MR_SIZE], mr[MR_SIZE], data[MR_SIZE];
	unsigned char want[MR_SIZE], emu[MR_SIZE];
	int next[WORKERS] = { 0 };
	int w, status, entries = 0;
	char *line, *save;
	pid_t pid;
	ssize_t n;

	ASSERT_EQ(0, attr_write(emu_path("rtmr_log"), 0, "1", 1));
	ASSERT_EQ(0, mr_read(rtmr_name(3), init));

	for (w = 0; w <= WORKERS; w++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			_exit(w < WORKERS ? extend_worker(w) : read_worker());
	}
	for (w = 0; w <= WORKERS; w++) {
		ASSERT_LT(0, wait(&status));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("a worker failed");
	}

	n = attr_read(emu_path("rtmr_log"), log, sizeof(log) - 1);
	ASSERT_LT(0, n);
	log[n] = '\0';
	EXPECT_EQ(0, knob_get("rtmr_log_lost"));

	/* Replay in the emulator's order; each worker's in its own order */
	memcpy(want, init, MR_SIZE);
	for (line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int idx, seq;

		/* "INDEX HEXDIGEST" */
		ASSERT_EQ(' ', line[1]) TH_LOG("%s", line);
		idx = line[0] - '0';
		ASSERT_EQ(3, idx);
		ASSERT_EQ(0, hex_decode(line + 2, data, MR_SIZE));
		w = data[0];
		seq = data[1] << 8 | data[2];
		ASSERT_LT(w, WORKERS);
		EXPECT_EQ(next[w], seq) TH_LOG("worker %d out of order", w);
		next[w] = seq + 1;
		sha384_extend(want, data, want);
		entries++;
	}
	EXPECT_EQ(WORKERS * PER_WORKER, entries);
	for (w = 0; w < WORKERS; w++) {
		if (next[w] != PER_WORKER)
			TH_LOG("worker %d lost some", w);
		EXPECT_EQ(PER_WORKER, next[w]);
	}

	ASSERT_EQ(0, mr_read(rtmr_name(3), mr));
	EXPECT_EQ(0, memcmp(want, mr, MR_SIZE))
		TH_LOG("RTMR3 is not the replay of the recorded order");
	ASSERT_EQ(0, emu_mr("rtmr3", emu));
	EXPECT_EQ(0, memcmp(want, emu, MR_SIZE));
}

TEST_HARNESS_MAIN
