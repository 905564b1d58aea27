// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_abi_probe: what a TDX guest driver shows a user, as "key: value"
 * lines, so that two drivers' answers can be compared line by line (the
 * kernel's own tdx_guest and ours, tools/testing/selftests/tdx-diff).
 * Nothing here depends on which driver runs.
 *
 *   tdx_abi_probe abi	    the report entry's attributes and modes, the
 *			    provider, privlevel_floor, inblob sizes, one
 *			    quote, generation, caching, /dev/tdx_guest's
 *			    TDX_CMD_GET_REPORT0, the measurement registers
 *   tdx_abi_probe quote KEY  one quote request: "KEY: ERRNO LEN RD" where
 *			    RD says whether the quote carries the nonce; the
 *			    nonce is KEY's own, so that a quote made for
 *			    another key's request shows as FOREIGN
 *
 * Entries are made under /sys/kernel/config/tsm/report/ and removed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/sha.h>

#include "../tsm-stress/tsm_util.h"

#define ENTRY		"tdx-abi-probe"
#define MR_DIR		"/sys/devices/virtual/misc/tdx_guest/measurements"
#define MR_SIZE		48
#define REPORT_LEN	1024
#define REPORTDATA_OFF	128

/* include/uapi/linux/tdx-guest.h */
struct tdx_report_req {
	unsigned char reportdata[64];
	unsigned char tdreport[REPORT_LEN];
};
#define TDX_CMD_GET_REPORT0	_IOWR('T', 1, struct tdx_report_req)

static void nonce(unsigned char *n, unsigned int seed)
{
	unsigned int i;

	for (i = 0; i < TSM_NONCE_LEN; i++)
		n[i] = seed * 31 + i;
}

/* One quote for a nonce of @len bytes: "ERRNO LEN RD" into @out */
static void quote(const char *entry, size_t len, unsigned int seed,
		  char *out, size_t cap)
{
	static unsigned char blob[TSM_BLOB_MAX];
	unsigned char n[TSM_NONCE_LEN + 1];
	size_t got = 0;
	const char *rd = "-";
	int err;

	nonce(n, seed);
	n[TSM_NONCE_LEN] = 0xee;
	err = tsm_write_attr(entry, "inblob", n, len);
	if (!err)
		err = tsm_read_attr(entry, "outblob", blob, sizeof(blob), &got);
	if (!err && !got)
		rd = "empty";
	else if (!err && got < TDX_QUOTE_REPORTDATA_OFF + TSM_NONCE_LEN)
		rd = "SHORT";
	else if (!err)
		rd = memcmp(blob + TDX_QUOTE_REPORTDATA_OFF, n, TSM_NONCE_LEN) ?
		     "FOREIGN" : "nonce";
	snprintf(out, cap, "%s %s %s", tsm_errno_name(err), got ? "nonzero" : "0",
		 rd);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* "name:mode" of each file in @dir, sorted, or the errno */
static void list_modes(const char *key, const char *dir)
{
	char *names[64], path[512];
	struct dirent *de;
	unsigned int n = 0, i;
	struct stat st;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		printf("%s: %s\n", key, tsm_errno_name(errno));
		return;
	}
	while ((de = readdir(d)) && n < 64)
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_name);
	printf("%s:", key);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st))
			printf(" %s:%s", names[i], tsm_errno_name(errno));
		else
			printf(" %s:%o:%lld", names[i], st.st_mode & 07777,
			       S_ISREG(st.st_mode) ? (long long)st.st_size : -1);
		free(names[i]);
	}
	printf("\n");
}

static void read_text(const char *key, const char *attr)
{
	char buf[256];
	size_t len = 0;
	int err;

	err = tsm_read_attr(ENTRY, attr, buf, sizeof(buf) - 1, &len);
	buf[len] = 0;
	buf[strcspn(buf, "\n")] = 0;
	printf("%s: %s\n", key, err ? tsm_errno_name(err) : buf);
}

static void probe_report_entry(void)
{
	static unsigned char a[TSM_BLOB_MAX], b[TSM_BLOB_MAX];
	unsigned long gen0 = 0, gen1 = 0;
	size_t alen = 0, blen = 0;
	char path[256], out[64];
	int err;

	tsm_entry_remove(ENTRY);
	err = tsm_entry_create(ENTRY);
	printf("entry-mkdir: %s\n", tsm_errno_name(err));
	if (err)
		return;
	snprintf(path, sizeof(path), "%s/%s", TSM_REPORT_DIR, ENTRY);
	list_modes("entry-files", path);
	read_text("provider", "provider");
	read_text("privlevel-floor", "privlevel_floor");
	read_text("generation-new", "generation");

	err = tsm_read_attr(ENTRY, "outblob", a, sizeof(a), &alen);
	printf("outblob-before-inblob: %s\n", tsm_errno_name(err));
	quote(ENTRY, 63, 1, out, sizeof(out));
	printf("quote-nonce-63: %s\n", out);
	err = tsm_write_attr(ENTRY, "inblob", a, TSM_NONCE_LEN + 1);
	printf("inblob-65-write: %s\n", tsm_errno_name(err));
	quote(ENTRY, TSM_NONCE_LEN, 2, out, sizeof(out));
	printf("quote-nonce-64: %s\n", out);

	tsm_read_gen(ENTRY, &gen0);
	err = tsm_read_attr(ENTRY, "outblob", a, sizeof(a), &alen) ?:
	      tsm_read_attr(ENTRY, "outblob", b, sizeof(b), &blen);
	tsm_read_gen(ENTRY, &gen1);
	printf("outblob-cached: %s %s\n", tsm_errno_name(err),
	       !err && alen == blen && !memcmp(a, b, alen) && gen0 == gen1 ?
	       "same" : "DIFFERENT");
	quote(ENTRY, TSM_NONCE_LEN, 3, out, sizeof(out));
	tsm_read_gen(ENTRY, &gen1);
	printf("generation-per-inblob: %lu\n", gen1 - gen0);
	printf("entry-rmdir: %s\n", tsm_errno_name(tsm_entry_remove(ENTRY)));
}

static void probe_dev(void)
{
	struct tdx_report_req req;
	struct stat st;
	int fd, ret;

	if (stat("/dev/tdx_guest", &st)) {
		printf("dev: %s\n", tsm_errno_name(errno));
		return;
	}
	printf("dev: char:%d mode:%o\n", S_ISCHR(st.st_mode),
	       st.st_mode & 07777);
	fd = open("/dev/tdx_guest", O_RDWR);
	if (fd < 0) {
		printf("dev-open: %s\n", tsm_errno_name(errno));
		return;
	}
	memset(&req, 0, sizeof(req));
	nonce(req.reportdata, 4);
	ret = ioctl(fd, TDX_CMD_GET_REPORT0, &req);
	printf("get-report0: %s %s\n", tsm_errno_name(ret ? errno : 0),
	       !ret && !memcmp(req.tdreport + REPORTDATA_OFF, req.reportdata,
			       sizeof(req.reportdata)) ? "reportdata" : "-");
	ret = ioctl(fd, TDX_CMD_GET_REPORT0, (void *)8);
	printf("get-report0-bad-pointer: %s\n", tsm_errno_name(ret ? errno : 0));
	ret = ioctl(fd, _IOWR('T', 2, struct tdx_report_req), &req);
	printf("get-report0-unknown-cmd: %s\n", tsm_errno_name(ret ? errno : 0));
	close(fd);
}

static int mr_io(const char *name, unsigned char *buf, size_t len, int wr)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", MR_DIR, name);
	fd = open(path, wr ? O_WRONLY : O_RDONLY);
	if (fd < 0)
		return -errno;
	n = wr ? pwrite(fd, buf, len, 0) : pread(fd, buf, len, 0);
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? n : (size_t)n == len ? 0 : -EIO;
}

static void probe_mr(void)
{
	unsigned char before[MR_SIZE], after[MR_SIZE], data[2 * MR_SIZE];
	unsigned char want[SHA384_DIGEST_LENGTH];
	struct stat st;
	int err;

	if (stat(MR_DIR, &st)) {
		err = errno;
		printf("mr-files: %s\nmr-extend-rtmr3: -\nmr-extend-47: -\n"
		       "mr-write-mrtd: -\n", tsm_errno_name(err));
		return;
	}
	list_modes("mr-files", MR_DIR);
	err = mr_io("rtmr3:sha384", before, MR_SIZE, 0);
	memcpy(data, before, MR_SIZE);
	nonce(data + MR_SIZE, 5);
	err = err ?: mr_io("rtmr3:sha384", data + MR_SIZE, MR_SIZE, 1);
	err = err ?: mr_io("rtmr3:sha384", after, MR_SIZE, 0);
	SHA384(data, sizeof(data), want);
	printf("mr-extend-rtmr3: %s %s\n", tsm_errno_name(err),
	       !err && !memcmp(after, want, MR_SIZE) ? "replayed" : "-");
	printf("mr-extend-47: %s\n",
	       tsm_errno_name(mr_io("rtmr3:sha384", data, MR_SIZE - 1, 1)));
	printf("mr-write-mrtd: %s\n",
	       tsm_errno_name(mr_io("mrtd:sha384", data, MR_SIZE, 1)));
}

/* A nonce seed of @key's own */
static unsigned int key_seed(const char *key)
{
	unsigned int h = 5381;

	while (*key)
		h = h * 33 + (unsigned char)*key++;
	return h;
}

int main(int argc, char **argv)
{
	char out[64];
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "abi")) {
		probe_report_entry();
		probe_dev();
		probe_mr();
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "quote")) {
		tsm_entry_remove(ENTRY);
		err = tsm_entry_create(ENTRY);
		if (err) {
			printf("%s: %s\n", argv[2], tsm_errno_name(err));
			return 1;
		}
		quote(ENTRY, TSM_NONCE_LEN, key_seed(argv[2]), out,
		      sizeof(out));
		printf("%s: %s\n", argv[2], out);
		tsm_entry_remove(ENTRY);
		return 0;
	}
	fprintf(stderr, "usage: tdx_abi_probe abi | quote KEY\n");
	return 2;
}
