// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the TDX platform emulator alone (tdx_emu.ko), through its
 * debugfs interface: the TDREPORT layout of tdx-interfaces.md section 2,
 * its hashes and the RTMR arithmetic against OpenSSL's SHA-384, the MAC
 * round trip through verify_report, and every knob's default and format.
 *
 * Each test loads the module from $TDX_EMU_KO with a quoting service
 * socket nobody listens on, and unloads it: no test sees another's state.
 * Run as root, with tdx_emu not loaded; vm-suite.sh does both. Written in
 * C because the same checks in shell started several programs each, which
 * under TCG and KASAN cost the better part of a second apiece.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "kselftest_harness.h"
#include "../lib/attr_io.h"

#define DBG		"/sys/kernel/debug/tdx_emu"
#define PARAMS		"/sys/module/tdx_emu/parameters"
#define NO_QGS		"/nonexistent/tdx-emu-debugfs-test.socket"
#define DEFAULT_QGS	"/run/tdx-qgs/qgs.socket"

#define REPORT_SIZE	1024
#define REPORTDATA_SIZE	64
#define MR_SIZE		48
#define MR_HEX		(2 * MR_SIZE)

/* TDREPORT_STRUCT offsets (tdx-interfaces.md section 2) */
#define R_TYPE			0
#define R_TEE_TCB_INFO_HASH	32
#define R_TEE_INFO_HASH		80
#define R_REPORTDATA		128
#define R_MAC			224
#define R_TEE_TCB_INFO		256
#define R_TEE_TCB_INFO_LEN	239	/* the bytes TEE_TCB_INFO_HASH covers */
#define R_MRSEAM		280
#define R_MRSIGNERSEAM		328
#define R_TDINFO		512
#define R_TDINFO_LEN		512
#define R_ATTRIBUTES		512
#define R_XFAM			520
#define R_MRTD			528
#define R_MRCONFIGID		576
#define R_MROWNER		624
#define R_MROWNERCONFIG		672
#define R_RTMR(i)		(720 + MR_SIZE * (i))
#define R_SERVTD_HASH		912
#define R_TDINFO_RESERVED	960

/* ---- debugfs and module helpers ----------------------------------------- */

static int emu_load(const char *params)
{
	const char *ko = getenv("TDX_EMU_KO");
	int fd, rc;

	if (!ko)
		return -ENOENT;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return rc;
}

static int emu_unload(void)
{
	return syscall(SYS_delete_module, "tdx_emu", O_NONBLOCK) ? -errno : 0;
}

/* One write() of @len bytes to debugfs file @name: 0 or -errno */
static int dbg_write(const char *name, const void *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), DBG "/%s", name);
	return attr_write(path, 0, buf, len);
}

static int dbg_puts(const char *name, const char *s)
{
	return dbg_write(name, s, strlen(s));
}

/*
 * The text of a debugfs or sysfs file without its trailing newline, into
 * @buf of @size bytes; an empty string if it cannot be read, which no
 * expected value equals.
 */
static const char *text_of(const char *path, char *buf, size_t size)
{
	ssize_t n = attr_read(path, buf, size - 1);

	if (n < 0)
		n = 0;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf;
}

static const char *dbg_text_in(const char *name, char *buf, size_t size)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), DBG "/%s", name);
	return text_of(path, buf, size);
}

/*
 * The text of debugfs file @name, in a buffer that lives as long as the
 * block of the expression it is used in (a compound literal)
 */
#define TEXT_MAX 128
#define dbg_text(name) dbg_text_in((name), (char [TEXT_MAX]) { 0 }, TEXT_MAX)

/* ---- bytes, hex and SHA-384 ---------------------------------------------- */

static char *to_hex(const void *p, size_t n, char *out)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
	return out;
}

static int from_hex(const char *hex, void *p, size_t n)
{
	uint8_t *b = p;
	unsigned int v;
	size_t i;

	if (strlen(hex) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		b[i] = v;
	}
	return 0;
}

static void sha384(const void *p, size_t n, uint8_t out[MR_SIZE])
{
	unsigned int len = MR_SIZE;

	if (!EVP_Digest(p, n, out, &len, EVP_sha384(), NULL) ||
	    len != MR_SIZE)
		memset(out, 0, MR_SIZE);
}

/* Hex of @n bytes at @p, in a buffer like dbg_text()'s */
#define HEX_MAX (2 * 256 + 1)
#define hex_of(p, n) to_hex((p), (n), (char [HEX_MAX]) { 0 })

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void random_bytes(void *p, size_t n)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, p, n) != (ssize_t)n)
		memset(p, 0x5a, n);
	if (fd >= 0)
		close(fd);
}

/* A TDREPORT for @reportdata through debugfs: 0 or -errno */
static int get_tdreport(const uint8_t reportdata[REPORTDATA_SIZE],
			uint8_t report[REPORT_SIZE])
{
	ssize_t n;
	int rc;

	rc = dbg_write("tdreport", reportdata, REPORTDATA_SIZE);
	if (rc)
		return rc;
	n = attr_read(DBG "/tdreport", report, REPORT_SIZE);
	if (n < 0)
		return n;
	return n == REPORT_SIZE ? 0 : -EIO;
}

static int verify(const void *report, size_t len)
{
	return dbg_write("verify_report", report, len);
}

/* The value of a measurement register, from its debugfs hex */
static int mr_of(const char *name, uint8_t mr[MR_SIZE])
{
	return from_hex(dbg_text(name), mr, MR_SIZE);
}

static const char *label_hex(const char *label)
{
	static char hex[MR_HEX + 1];
	uint8_t d[MR_SIZE];

	sha384(label, strlen(label), d);
	to_hex(d, sizeof(d), hex);
	return hex;
}

#define ZERO_MR_HEX \
	"000000000000000000000000000000000000000000000000" \
	"000000000000000000000000000000000000000000000000"

/* ---- the fixture: a freshly loaded emulator ------------------------------ */

FIXTURE(emu) {
	uint8_t reportdata[REPORTDATA_SIZE];
	uint8_t report[REPORT_SIZE];
};

FIXTURE_SETUP(emu)
{
	if (!getenv("TDX_EMU_KO"))
		SKIP(return, "TDX_EMU_KO does not name tdx_emu.ko");
	ASSERT_EQ(0, emu_load("qgs_socket=" NO_QGS)) {
		TH_LOG("loading %s failed: is tdx_emu already loaded?",
		       getenv("TDX_EMU_KO"));
	}
	random_bytes(self->reportdata, sizeof(self->reportdata));
	ASSERT_EQ(0, get_tdreport(self->reportdata, self->report));
}

FIXTURE_TEARDOWN(emu)
{
	if (getenv("TDX_EMU_KO"))
		EXPECT_EQ(0, emu_unload());
}

/* ---- the interface -------------------------------------------------------- */

static const char * const contract_files[] = {
	"service_delay_ms", "drop_irq", "spurious_irq", "irq_before_status",
	"force_status", "force_status_enable", "force_out_len",
	"force_out_len_enable", "rewrite_after_complete", "never_complete",
	"complete_held", "sync_unavailable", "refuse_event_notify",
	"tdvmcall_info", "header_write_qemu", "header_gap_us", "stale_quote",
	"refuse_get_quote", "max_in_flight", "report_busy", "report_invalid",
	"report_error", "extend_busy", "extend_invalid", "extend_error",
	"irqs_raised", "quote_requests", "quote_refused", "quotes_in_flight",
	"requests", "event_vector", "event_cpu", "mrtd", "mrconfigid",
	"mrowner", "mrownerconfig", "rtmr0", "rtmr1", "rtmr2", "rtmr3",
	"servtd_hash", "mrseam", "attributes", "xfam", "tdreport",
	"rtmr_extend", "verify_report", "rtmr_log", "rtmr_log_lost",
	"complete_newest", "double_complete", "double_completions",
	"write_idle", "idle_writes", "quote_retries", "quotes_in_flight_peak",
	"header_gap_max_us",
};

TEST_F(emu, every_debugfs_file_of_the_contract_exists)
{
	char path[PATH_MAX];
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(contract_files) / sizeof(*contract_files); i++) {
		snprintf(path, sizeof(path), DBG "/%s", contract_files[i]);
		EXPECT_EQ(0, stat(path, &st)) TH_LOG("%s is missing", path);
	}
}

TEST_F(emu, debugfs_files_are_root_only)
{
	char path[PATH_MAX];
	struct dirent *d;
	struct stat st;
	DIR *dir;

	dir = opendir(DBG);
	ASSERT_NE(NULL, dir);
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), DBG "/%s", d->d_name);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ(0, st.st_mode & 0077)
			TH_LOG("%s has mode %o", path, st.st_mode & 07777);
	}
	closedir(dir);
}

TEST_F(emu, qgs_socket_parameter)
{
	char buf[PATH_MAX];

	EXPECT_STREQ(NO_QGS, text_of(PARAMS "/qgs_socket", buf, sizeof(buf)));
}

/* ---- platform state --------------------------------------------------------- */

TEST_F(emu, measurement_defaults)
{
	char raw[TEXT_MAX];

	EXPECT_STREQ(label_hex("tdx-emu MRTD"), dbg_text("mrtd"));
	EXPECT_STREQ(label_hex("tdx-emu MRSEAM"), dbg_text("mrseam"));
	EXPECT_STREQ(ZERO_MR_HEX, dbg_text("rtmr3"));
	/* 96 hex digits and a newline */
	EXPECT_EQ(MR_HEX + 1, attr_read(DBG "/mrowner", raw, sizeof(raw)));
}

TEST_F(emu, mr_writes_and_reads_back)
{
	char hex[MR_HEX + 2], upper[MR_HEX + 1];
	uint8_t mr[MR_SIZE];
	int i;

	random_bytes(mr, sizeof(mr));
	to_hex(mr, sizeof(mr), hex);
	for (i = 0; i < MR_HEX; i++)
		upper[i] = toupper(hex[i]);
	upper[MR_HEX] = '\0';

	strcat(hex, "\n");
	EXPECT_EQ(0, dbg_puts("mrconfigid", hex)) TH_LOG("with a newline");
	hex[MR_HEX] = '\0';
	EXPECT_STREQ(hex, dbg_text("mrconfigid"));

	EXPECT_EQ(0, dbg_puts("mrowner", upper)) TH_LOG("upper case");
	EXPECT_STREQ(hex, dbg_text("mrowner")) TH_LOG("reads back lower case");
}

TEST_F(emu, mr_write_rejects_bad_hex)
{
	char hex[MR_HEX + 1];
	uint8_t mr[MR_SIZE];

	random_bytes(mr, sizeof(mr));
	to_hex(mr, sizeof(mr), hex);
	EXPECT_EQ(-EINVAL, dbg_write("mrownerconfig", hex, MR_HEX - 1))
		TH_LOG("95 digits");
	hex[0] = 'x';
	EXPECT_EQ(-EINVAL, dbg_puts("mrownerconfig", hex))
		TH_LOG("a non-hex digit");
	EXPECT_STREQ(ZERO_MR_HEX, dbg_text("mrownerconfig"))
		TH_LOG("failed writes leave it alone");
}

TEST_F(emu, attributes_and_xfam)
{
	EXPECT_EQ(0, dbg_puts("attributes", "0x40000001"));
	EXPECT_STREQ("0x0000000040000001", dbg_text("attributes"));
	EXPECT_EQ(0, dbg_puts("xfam", "0x61ae7"));
	EXPECT_STREQ("0x0000000000061ae7", dbg_text("xfam"));
}

/* ---- TDREPORT layout (tdx-interfaces.md section 2) ---------------------- */

TEST_F(emu, tdreport_layout)
{
	static const uint8_t valid[8] = { 0xff, 0x01 };
	static const uint8_t type[4] = { 0x81 };
	uint8_t mrtd[MR_SIZE], srv[MR_SIZE], mr[MR_SIZE], d[MR_SIZE];
	uint8_t *r = self->report;
	char rtmr[8];
	int i;

	/* Non-default state, so that every field has a value to check */
	random_bytes(mr, sizeof(mr));
	ASSERT_EQ(0, dbg_puts("mrconfigid", hex_of(mr, MR_SIZE)));
	random_bytes(mr, sizeof(mr));
	ASSERT_EQ(0, dbg_puts("mrowner", hex_of(mr, MR_SIZE)));
	ASSERT_EQ(0, dbg_puts("attributes", "0x40000001"));
	ASSERT_EQ(0, dbg_puts("xfam", "0x61ae7"));
	random_bytes(srv, sizeof(srv));
	ASSERT_EQ(0, dbg_puts("servtd_hash", hex_of(srv, MR_SIZE)));
	random_bytes(mrtd, sizeof(mrtd));
	ASSERT_EQ(0, dbg_puts("mrtd", hex_of(mrtd, MR_SIZE)));
	ASSERT_EQ(0, get_tdreport(self->reportdata, r));

	EXPECT_EQ(0, memcmp(r + R_TYPE, type, 4))
		TH_LOG("REPORTTYPE 0x81, subtype 0, version 0");
	EXPECT_TRUE(all_zero(r + 4, 12)) TH_LOG("reserved 4..16");
	EXPECT_EQ(0, memcmp(r + R_REPORTDATA, self->reportdata,
			    REPORTDATA_SIZE));
	EXPECT_TRUE(all_zero(r + 192, 32)) TH_LOG("reserved 192..224");
	EXPECT_FALSE(all_zero(r + R_MAC, 32)) TH_LOG("MAC");
	EXPECT_EQ(0, memcmp(r + R_TEE_TCB_INFO, valid, 8))
		TH_LOG("TEE_TCB_INFO VALID is 0x1ff");
	EXPECT_STREQ(dbg_text("mrseam"), hex_of(r + R_MRSEAM, MR_SIZE));
	EXPECT_TRUE(all_zero(r + R_MRSIGNERSEAM, 56))
		TH_LOG("MRSIGNERSEAM and SEAM attributes");
	EXPECT_TRUE(all_zero(r + 400, 112))
		TH_LOG("TEE_TCB_INFO tail and reserved 400..512");
	EXPECT_EQ(0x40000001ULL, le64(r + R_ATTRIBUTES));
	EXPECT_EQ(0x61ae7ULL, le64(r + R_XFAM));
	EXPECT_EQ(0, memcmp(r + R_MRTD, mrtd, MR_SIZE));
	EXPECT_STREQ(dbg_text("mrconfigid"), hex_of(r + R_MRCONFIGID, MR_SIZE));
	EXPECT_STREQ(dbg_text("mrowner"), hex_of(r + R_MROWNER, MR_SIZE));
	EXPECT_STREQ(dbg_text("mrownerconfig"),
		     hex_of(r + R_MROWNERCONFIG, MR_SIZE));
	for (i = 0; i < 4; i++) {
		snprintf(rtmr, sizeof(rtmr), "rtmr%d", i);
		EXPECT_STREQ(dbg_text(rtmr), hex_of(r + R_RTMR(i), MR_SIZE))
			TH_LOG("RTMR%d", i);
	}
	EXPECT_EQ(0, memcmp(r + R_SERVTD_HASH, srv, MR_SIZE));
	EXPECT_TRUE(all_zero(r + R_TDINFO_RESERVED, 64))
		TH_LOG("reserved 960..1024");

	sha384(r + R_TEE_TCB_INFO, R_TEE_TCB_INFO_LEN, d);
	EXPECT_EQ(0, memcmp(r + R_TEE_TCB_INFO_HASH, d, MR_SIZE))
		TH_LOG("TEE_TCB_INFO_HASH = SHA-384(TEE_TCB_INFO[239])");
	sha384(r + R_TDINFO, R_TDINFO_LEN, d);
	EXPECT_EQ(0, memcmp(r + R_TEE_INFO_HASH, d, MR_SIZE))
		TH_LOG("TEE_INFO_HASH = SHA-384(TDINFO[512])");
}

TEST_F(emu, same_reportdata_and_state_same_report)
{
	uint8_t again[REPORT_SIZE];

	ASSERT_EQ(0, get_tdreport(self->reportdata, again));
	EXPECT_EQ(0, memcmp(self->report, again, REPORT_SIZE));
}

TEST_F(emu, tdreport_rejects_63_bytes)
{
	EXPECT_EQ(-EINVAL, dbg_write("tdreport", self->reportdata, 63));
}

TEST_F(emu, tdreport_write_then_read_on_one_file)
{
	uint8_t zero[REPORTDATA_SIZE] = { 0 }, r[REPORT_SIZE];
	ssize_t n, got = 0;
	int fd;

	fd = open(DBG "/tdreport", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(REPORTDATA_SIZE, write(fd, zero, sizeof(zero)));
	while (got < REPORT_SIZE) {
		n = read(fd, r + got, REPORT_SIZE - got);
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	ASSERT_EQ(REPORT_SIZE, got);
	EXPECT_TRUE(all_zero(r + R_REPORTDATA, REPORTDATA_SIZE));
}

/* ---- the MAC, through verify_report --------------------------------------- */

TEST_F(emu, verify_report_accepts_a_fresh_report)
{
	EXPECT_EQ(0, verify(self->report, REPORT_SIZE));
}

TEST_F(emu, verify_report_rejects_any_flipped_byte_it_covers)
{
	/* REPORTMACSTRUCT, TEE_TCB_INFO (hashed part), TDINFO */
	static const int offsets[] = {
		0, 2, 20, 40, 100, 130, 200, 224, 255,
		256, 300, 494,
		512, 528, 800, 1023,
	};
	uint8_t bad[REPORT_SIZE];
	size_t i;

	for (i = 0; i < sizeof(offsets) / sizeof(*offsets); i++) {
		memcpy(bad, self->report, REPORT_SIZE);
		bad[offsets[i]] ^= 1;
		EXPECT_EQ(-EBADMSG, verify(bad, REPORT_SIZE))
			TH_LOG("byte %d flipped", offsets[i]);
	}
}

TEST_F(emu, verify_report_mac_binds_tee_info_hash)
{
	uint8_t bad[REPORT_SIZE];

	/* Rehash TDINFO after the change: only the MAC can catch it */
	memcpy(bad, self->report, REPORT_SIZE);
	bad[600] ^= 1;
	sha384(bad + R_TDINFO, R_TDINFO_LEN, bad + R_TEE_INFO_HASH);
	EXPECT_EQ(-EBADMSG, verify(bad, REPORT_SIZE));
}

TEST_F(emu, bytes_495_to_512_are_outside_both_hashes)
{
	uint8_t r[REPORT_SIZE];

	memcpy(r, self->report, REPORT_SIZE);
	r[495] ^= 1;
	EXPECT_EQ(0, verify(r, REPORT_SIZE));
}

TEST_F(emu, verify_report_rejects_other_sizes)
{
	uint8_t r[REPORT_SIZE + 1];

	memcpy(r, self->report, REPORT_SIZE);
	r[REPORT_SIZE] = 'x';
	EXPECT_EQ(-EINVAL, verify(r, REPORT_SIZE - 1));
	EXPECT_EQ(-EINVAL, verify(r, REPORT_SIZE + 1));
}

TEST_F(emu, verify_report_takes_several_reports_on_one_file)
{
	int fd = open(DBG "/verify_report", O_WRONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(REPORT_SIZE, write(fd, self->report, REPORT_SIZE));
	EXPECT_EQ(REPORT_SIZE, write(fd, self->report, REPORT_SIZE));
	close(fd);
}

/* ---- RTMR extend ---------------------------------------------------------- */

static int extend(int index, const uint8_t *data, size_t len)
{
	uint8_t buf[1 + MR_SIZE];

	buf[0] = index;
	memcpy(buf + 1, data, len);
	return dbg_write("rtmr_extend", buf, 1 + len);
}

TEST_F(emu, rtmr_extend_hashes_old_value_and_data)
{
	uint8_t data[MR_SIZE], cat[2 * MR_SIZE], want[MR_SIZE];
	char name[8];
	int i;

	random_bytes(data, sizeof(data));
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "rtmr%d", i);
		ASSERT_EQ(0, mr_of(name, cat));
		memcpy(cat + MR_SIZE, data, MR_SIZE);
		sha384(cat, sizeof(cat), want);
		EXPECT_EQ(0, extend(i, data, MR_SIZE)) TH_LOG("RTMR%d", i);
		EXPECT_STREQ(hex_of(want, MR_SIZE), dbg_text(name))
			TH_LOG("RTMR%d = SHA-384(RTMR%d || data)", i, i);
	}
}

TEST_F(emu, rtmr_extend_rejects_bad_index_and_size)
{
	uint8_t data[MR_SIZE];
	char before[MR_HEX + 1];

	random_bytes(data, sizeof(data));
	strcpy(before, dbg_text("rtmr3"));
	EXPECT_EQ(-EINVAL, extend(4, data, MR_SIZE))
		TH_LOG("index 4: TDX_OPERAND_INVALID + RDX");
	EXPECT_EQ(-EINVAL, extend(255, data, MR_SIZE));
	EXPECT_EQ(-EINVAL, extend(3, data, MR_SIZE - 1)) TH_LOG("47 bytes");
	EXPECT_STREQ(before, dbg_text("rtmr3")) TH_LOG("left alone");
}

TEST_F(emu, rtmr_log_records_extends_in_order_and_resets)
{
	uint8_t a[MR_SIZE], b[MR_SIZE];
	char want[2 * (MR_HEX + 3) + 1], log[TEXT_MAX * 2];

	random_bytes(a, sizeof(a));
	random_bytes(b, sizeof(b));
	EXPECT_STREQ("", dbg_text("rtmr_log")) TH_LOG("empty after load");
	ASSERT_EQ(0, extend(2, a, MR_SIZE));
	ASSERT_EQ(0, extend(0, b, MR_SIZE));
	snprintf(want, sizeof(want), "2 %s\n0 %s", hex_of(a, MR_SIZE),
		 hex_of(b, MR_SIZE));
	EXPECT_STREQ(want, dbg_text_in("rtmr_log", log, sizeof(log)));
	EXPECT_STREQ("0", dbg_text("rtmr_log_lost"));
	EXPECT_EQ(0, dbg_puts("rtmr_log", "x")) TH_LOG("a write resets it");
	EXPECT_STREQ("", dbg_text("rtmr_log"));
	EXPECT_EQ(-EACCES, dbg_puts("rtmr_log_lost", "1"));
}

TEST_F(emu, tdreport_carries_the_extended_rtmr)
{
	uint8_t data[MR_SIZE], d[MR_SIZE], r[REPORT_SIZE];

	random_bytes(data, sizeof(data));
	ASSERT_EQ(0, extend(3, data, MR_SIZE));
	ASSERT_EQ(0, get_tdreport(self->reportdata, r));
	EXPECT_STREQ(dbg_text("rtmr3"), hex_of(r + R_RTMR(3), MR_SIZE));
	sha384(r + R_TDINFO, R_TDINFO_LEN, d);
	EXPECT_EQ(0, memcmp(r + R_TEE_INFO_HASH, d, MR_SIZE))
		TH_LOG("TEE_INFO_HASH follows the extend");
	EXPECT_EQ(0, verify(r, REPORT_SIZE));
}

/* ---- knobs and observables ------------------------------------------------- */

TEST_F(emu, observables_start_idle_and_are_read_only)
{
	EXPECT_STREQ("0", dbg_text("irqs_raised"));
	EXPECT_STREQ("0", dbg_text("quote_requests"));
	EXPECT_STREQ("0", dbg_text("quote_refused"));
	EXPECT_STREQ("0", dbg_text("quotes_in_flight"));
	EXPECT_STREQ("0", dbg_text("quotes_in_flight_peak"));
	EXPECT_STREQ("0", dbg_text("quote_retries"));
	EXPECT_STREQ("0", dbg_text("double_completions"));
	EXPECT_STREQ("0", dbg_text("idle_writes"));
	EXPECT_STREQ("0", dbg_text("header_gap_max_us"));
	EXPECT_STREQ("", dbg_text("requests")) TH_LOG("the VMM owns nothing");
	/* Root may open it for writing; it has no write method */
	EXPECT_GT(0, dbg_puts("requests", "1"));
	EXPECT_STREQ("-1", dbg_text("event_vector"))
		TH_LOG("before registration");
	EXPECT_STREQ("-1", dbg_text("event_cpu"));
	EXPECT_EQ(-EACCES, dbg_puts("irqs_raised", "5"));
	EXPECT_EQ(-EACCES, dbg_puts("quote_retries", "5"));
	EXPECT_EQ(-EACCES, dbg_puts("double_completions", "5"));
	EXPECT_EQ(-EACCES, dbg_puts("idle_writes", "5"));
}

TEST_F(emu, boolean_knobs_default_off_and_are_writable)
{
	static const char * const knobs[] = {
		"drop_irq", "irq_before_status", "force_status_enable",
		"force_out_len_enable", "rewrite_after_complete",
		"never_complete", "sync_unavailable", "refuse_event_notify",
		"header_write_qemu", "stale_quote", "refuse_get_quote",
		"double_complete",
	};
	size_t i;

	for (i = 0; i < sizeof(knobs) / sizeof(*knobs); i++) {
		EXPECT_STREQ("N", dbg_text(knobs[i])) TH_LOG("%s", knobs[i]);
		EXPECT_EQ(0, dbg_puts(knobs[i], "1"));
		EXPECT_STREQ("Y", dbg_text(knobs[i])) TH_LOG("%s", knobs[i]);
		EXPECT_EQ(0, dbg_puts(knobs[i], "0"));
		EXPECT_STREQ("N", dbg_text(knobs[i])) TH_LOG("%s", knobs[i]);
	}
}

TEST_F(emu, number_knobs_default_zero_and_are_writable)
{
	static const char * const knobs[] = {
		"service_delay_ms", "force_out_len",
	};
	size_t i;

	for (i = 0; i < sizeof(knobs) / sizeof(*knobs); i++) {
		EXPECT_STREQ("0", dbg_text(knobs[i])) TH_LOG("%s", knobs[i]);
		EXPECT_EQ(0, dbg_puts(knobs[i], "4242"));
		EXPECT_STREQ("4242", dbg_text(knobs[i]))
			TH_LOG("%s", knobs[i]);
	}
	EXPECT_STREQ("0x0000000000000000", dbg_text("force_status"));
	EXPECT_EQ(0, dbg_puts("force_status", "0x8000000000000001"));
	EXPECT_STREQ("0x8000000000000001", dbg_text("force_status"));
}

TEST_F(emu, ranged_knobs_default_to_qemu_and_refuse_out_of_range)
{
	static const struct {
		const char *name, *def, *max, *above, *below;
	} knobs[] = {
		{ "tdvmcall_info", "0", "6", "7", NULL },
		{ "header_gap_us", "200", "10000", "10001", NULL },
		{ "max_in_flight", "16", "16", "17", "0" },
	};
	size_t i;

	for (i = 0; i < sizeof(knobs) / sizeof(*knobs); i++) {
		EXPECT_STREQ(knobs[i].def, dbg_text(knobs[i].name))
			TH_LOG("%s default", knobs[i].name);
		EXPECT_EQ(-EINVAL, dbg_puts(knobs[i].name, knobs[i].above))
			TH_LOG("%s %s", knobs[i].name, knobs[i].above);
		if (knobs[i].below)
			EXPECT_EQ(-EINVAL, dbg_puts(knobs[i].name,
						    knobs[i].below))
				TH_LOG("%s %s", knobs[i].name, knobs[i].below);
		EXPECT_STREQ(knobs[i].def, dbg_text(knobs[i].name))
			TH_LOG("%s: refused writes leave it", knobs[i].name);
		EXPECT_EQ(0, dbg_puts(knobs[i].name, knobs[i].max));
		EXPECT_STREQ(knobs[i].max, dbg_text(knobs[i].name));
	}
	EXPECT_EQ(0, dbg_puts("max_in_flight", "1")) TH_LOG("the lowest");
	EXPECT_EQ(0, dbg_puts("tdvmcall_info", "1"));
	EXPECT_STREQ("1", dbg_text("tdvmcall_info"));
}

TEST_F(emu, tdx_module_fault_counters)
{
	static const struct {
		const char *name;
		int err;
	} report[] = {
		{ "report_busy", -EBUSY },
		{ "report_invalid", -EINVAL },
		{ "report_error", -EIO },
	}, ext[] = {
		{ "extend_busy", -EBUSY },
		{ "extend_invalid", -EINVAL },
		{ "extend_error", -EIO },
	};
	uint8_t data[MR_SIZE], r[REPORT_SIZE];
	char before[MR_HEX + 1];
	size_t i;

	random_bytes(data, sizeof(data));
	/* Through debugfs tdreport and rtmr_extend, which map the status */
	for (i = 0; i < 3; i++) {
		EXPECT_STREQ("0", dbg_text(report[i].name));
		ASSERT_EQ(0, dbg_puts(report[i].name, "1"));
		EXPECT_STREQ("1", dbg_text(report[i].name));
		EXPECT_EQ(report[i].err, attr_read(DBG "/tdreport", r,
						   REPORT_SIZE))
			TH_LOG("%s", report[i].name);
		EXPECT_STREQ("0", dbg_text(report[i].name)) TH_LOG("used up");
		EXPECT_EQ(0, get_tdreport(self->reportdata, r))
			TH_LOG("%s: the next call succeeds", report[i].name);

		strcpy(before, dbg_text("rtmr1"));
		EXPECT_STREQ("0", dbg_text(ext[i].name));
		ASSERT_EQ(0, dbg_puts(ext[i].name, "1"));
		EXPECT_EQ(ext[i].err, extend(1, data, MR_SIZE))
			TH_LOG("%s", ext[i].name);
		EXPECT_STREQ(before, dbg_text("rtmr1"))
			TH_LOG("%s: not extended", ext[i].name);
		EXPECT_STREQ("0", dbg_text(ext[i].name)) TH_LOG("used up");
	}
	EXPECT_STREQ("", dbg_text("rtmr_log")) TH_LOG("no extend applied");
	EXPECT_EQ(0, extend(1, data, MR_SIZE)) TH_LOG("then it works");
}

TEST_F(emu, spurious_irq_needs_a_vector_and_is_bounded)
{
	EXPECT_EQ(-ENXIO, dbg_puts("spurious_irq", "1"))
		TH_LOG("no vector registered");
	EXPECT_EQ(0, dbg_puts("spurious_irq", "0")) TH_LOG("a no-op");
	EXPECT_EQ(-EINVAL, dbg_puts("spurious_irq", "100000"));
	EXPECT_STREQ("0", dbg_text("irqs_raised"));
}

TEST_F(emu, complete_held_takes_only_1)
{
	EXPECT_EQ(0, dbg_puts("complete_held", "1")) TH_LOG("nothing held");
	EXPECT_EQ(-EINVAL, dbg_puts("complete_held", "2"));
}

TEST_F(emu, triggers_are_write_only_and_take_any_value)
{
	static const char * const triggers[] = {
		"complete_newest", "write_idle",
	};
	char path[PATH_MAX];
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(triggers) / sizeof(*triggers); i++) {
		snprintf(path, sizeof(path), DBG "/%s", triggers[i]);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ(0200, st.st_mode & 07777) TH_LOG("%s", path);
	}
	EXPECT_EQ(-ENOENT, dbg_puts("complete_newest", "1"))
		TH_LOG("nothing held");
	EXPECT_EQ(-ENOENT, dbg_puts("complete_newest", "42"));
	EXPECT_EQ(0, dbg_puts("write_idle", "1")) TH_LOG("nothing remembered");
	EXPECT_EQ(0, dbg_puts("write_idle", "0"));
	EXPECT_STREQ("0", dbg_text("idle_writes"));
	EXPECT_STREQ("0", dbg_text("irqs_raised")) TH_LOG("nothing written");
}

TEST_F(emu, quotes_in_flight_peak_takes_only_0)
{
	EXPECT_EQ(-EINVAL, dbg_puts("quotes_in_flight_peak", "1"));
	EXPECT_EQ(0, dbg_puts("quotes_in_flight_peak", "0"));
	EXPECT_STREQ("0", dbg_text("quotes_in_flight_peak"));
}

/* ---- the MAC key and the state are per load ------------------------------ */

TEST_F(emu, reload_resets_state_and_mac_key)
{
	char buf[PATH_MAX];
	uint8_t r[REPORT_SIZE];

	ASSERT_EQ(0, dbg_puts("mrtd", ZERO_MR_HEX));
	ASSERT_EQ(0, emu_unload());
	ASSERT_EQ(0, emu_load(""));
	EXPECT_STREQ(DEFAULT_QGS, text_of(PARAMS "/qgs_socket", buf,
					  sizeof(buf)));
	EXPECT_EQ(-EBADMSG, verify(self->report, REPORT_SIZE))
		TH_LOG("a report from the previous load");
	ASSERT_EQ(0, get_tdreport(self->reportdata, r));
	EXPECT_EQ(0, verify(r, REPORT_SIZE)) TH_LOG("a report of this load");
	EXPECT_STREQ(label_hex("tdx-emu MRTD"), dbg_text("mrtd"));
}

TEST_HARNESS_MAIN
