// SPDX-License-Identifier: GPL-2.0
/*
 * tsm_randseq: a seeded random sequence of configfs-tsm operations (mkdir,
 * rmdir, inblob and privlevel stores, report, generation and provider
 * reads, unload and reload of the tsm_test provider), each result checked
 * against a model of what Documentation/ABI/testing/configfs-tsm-report
 * promises. On the first difference it prints the seed, the step and the
 * last operations, so that the run can be replayed with -s.
 *
 * usage: tsm_randseq -m TSM_TEST_PROVIDER_KO [-s SEED] [-n STEPS]
 *		      [-t SECONDS]
 * The provider must be loaded and no other entry exist when it starts;
 * it leaves the provider loaded and its entries removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tsm_util.h"

#define NR_ENTRIES	4
#define HISTORY		12
#define PROVIDER_MOD	"tsm_test_provider"

struct model_entry {
	bool exists;
	unsigned long gen;
	uint8_t inblob[TSM_NONCE_LEN];
	size_t inblob_len;
	unsigned int privlevel;
	bool cached;
	unsigned long cache_gen;
	uint8_t cache[4096];
	size_t cache_len;
};

static struct model {
	bool provider;
	struct model_entry ent[NR_ENTRIES];
} m;

static const char *module_path;
static char history[HISTORY][128];
static unsigned long step;
static uint64_t seed;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(history[step % HISTORY], sizeof(history[0]), fmt, ap);
	va_end(ap);
}

static void mismatch(const char *what, int want, int got)
{
	unsigned long i;

	printf("# FAIL at step %lu of seed %llu: %s: want %s, got %s\n", step,
	       (unsigned long long)seed, what, want ? strerror(want) : "success",
	       got ? strerror(got) : "success");
	printf("# replay: tsm_randseq -m %s -s %llu -n %lu\n", module_path,
	       (unsigned long long)seed, step + 1);
	for (i = step >= HISTORY ? step - HISTORY + 1 : 0; i <= step; i++)
		printf("#   step %lu: %s\n", i, history[i % HISTORY]);
}

static void name_of(char *buf, size_t len, unsigned int i)
{
	snprintf(buf, len, "randseq%u", i);
}

static int load_provider(void)
{
	int fd, rc = 0;

	fd = open(module_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		rc = errno;
	close(fd);
	return rc;
}

static int unload_provider(void)
{
	return syscall(SYS_delete_module, PROVIDER_MOD, O_NONBLOCK) ? errno : 0;
}

static bool any_entry(void)
{
	unsigned int i;

	for (i = 0; i < NR_ENTRIES; i++)
		if (m.ent[i].exists)
			return true;
	return false;
}

static bool op_mkdir(struct model_entry *e, const char *name)
{
	int want = e->exists ? EEXIST : !m.provider ? ENXIO : 0;
	int got = tsm_entry_create(name);

	note("mkdir %s", name);
	if (got != want) {
		mismatch("mkdir", want, got);
		return false;
	}
	if (!got)
		*e = (struct model_entry){ .exists = true };
	return true;
}

static bool op_rmdir(struct model_entry *e, const char *name)
{
	int want = e->exists ? 0 : ENOENT;
	int got = tsm_entry_remove(name);

	note("rmdir %s", name);
	if (got != want) {
		mismatch("rmdir", want, got);
		return false;
	}
	e->exists = false;
	return true;
}

static bool op_inblob(struct model_entry *e, const char *name, uint64_t *rnd)
{
	uint8_t data[TSM_NONCE_LEN + 8];
	size_t len, i;
	int want, got;

	/* Mostly valid sizes, sometimes one that does not fit */
	len = tsm_rand(rnd) % 8 ? 1 + tsm_rand(rnd) % TSM_NONCE_LEN :
				  TSM_NONCE_LEN + 1 + tsm_rand(rnd) % 8;
	for (i = 0; i < len; i++)
		data[i] = (uint8_t)tsm_rand(rnd);
	want = !e->exists ? ENOENT : len > TSM_NONCE_LEN ? EFBIG : 0;
	got = tsm_write_attr(name, "inblob", data, len);
	note("write %zu bytes to %s/inblob", len, name);
	if (got != want) {
		mismatch("inblob store", want, got);
		return false;
	}
	if (!e->exists)
		return true;
	/* An oversized write still stores what came before it: nothing */
	e->gen++;
	e->inblob_len = want ? 0 : len;
	memcpy(e->inblob, data, e->inblob_len);
	return true;
}

static bool op_privlevel(struct model_entry *e, const char *name,
			 uint64_t *rnd)
{
	unsigned int level = tsm_rand(rnd) % 5;
	char buf[16];
	int want, got;

	snprintf(buf, sizeof(buf), "%u\n", level);
	want = !e->exists ? ENOENT : !m.provider ? ENXIO :
	       level > 3 ? EINVAL : 0;
	got = tsm_write_attr(name, "privlevel", buf, strlen(buf));
	note("write %u to %s/privlevel", level, name);
	if (got != want) {
		mismatch("privlevel store", want, got);
		return false;
	}
	if (!got) {
		e->gen++;
		e->privlevel = level;
	}
	return true;
}

/* The tsm_test report spells out inblob and privlevel */
static bool report_matches(const struct model_entry *e, const uint8_t *blob,
			   size_t len)
{
	uint8_t in[TSM_NONCE_LEN];
	char want[32];
	size_t in_len;

	if (tsm_blob_inblob(TSM_KIND_TEST, blob, len, in, &in_len) ||
	    in_len != e->inblob_len || memcmp(in, e->inblob, in_len))
		return false;
	snprintf(want, sizeof(want), "\nprivlevel=%u\n", e->privlevel);
	return memmem(blob, len, want, strlen(want));
}

static bool op_outblob(struct model_entry *e, const char *name)
{
	static uint8_t blob[sizeof(e->cache)];
	bool cache_ok = e->cached && e->cache_gen == e->gen;
	size_t len = 0;
	int want, got;

	want = !e->exists ? ENOENT : !e->inblob_len ? EINVAL :
	       cache_ok || m.provider ? 0 : ENXIO;
	got = tsm_read_attr(name, "outblob", blob, sizeof(blob), &len);
	note("read %s/outblob (%s)", name, cache_ok ? "cached" : "new");
	if (got != want) {
		mismatch("outblob read", want, got);
		return false;
	}
	if (got)
		return true;
	if (cache_ok && (len != e->cache_len || memcmp(blob, e->cache, len))) {
		mismatch("cached report changed without a store", 0, EPROTO);
		return false;
	}
	if (!report_matches(e, blob, len)) {
		mismatch("report of other options", 0, EPROTO);
		return false;
	}
	e->cached = true;
	e->cache_gen = e->gen;
	e->cache_len = len;
	memcpy(e->cache, blob, len);
	return true;
}

static bool op_generation(struct model_entry *e, const char *name)
{
	unsigned long gen = 0;
	int want = e->exists ? 0 : ENOENT;
	int got = tsm_read_gen(name, &gen);

	note("read %s/generation (want %lu)", name, e->gen);
	if (got != want) {
		mismatch("generation read", want, got);
		return false;
	}
	if (!got && gen != e->gen) {
		printf("# generation %lu, model %lu\n", gen, e->gen);
		mismatch("generation value", 0, EPROTO);
		return false;
	}
	return true;
}

static bool op_provider(struct model_entry *e, const char *name)
{
	char buf[64];
	size_t len = 0;
	int want = !e->exists ? ENOENT : m.provider ? 0 : ENXIO;
	int got = tsm_read_attr(name, "provider", buf, sizeof(buf), &len);

	note("read %s/provider", name);
	if (got != want) {
		mismatch("provider read", want, got);
		return false;
	}
	if (!got && (len != 9 || memcmp(buf, "tsm_test\n", 9))) {
		mismatch("provider name", 0, EPROTO);
		return false;
	}
	return true;
}

static bool op_unload(void)
{
	int want = m.provider ? 0 : ENOENT;
	int got = unload_provider();

	note("unload the provider");
	if (got != want) {
		mismatch("provider unload", want, got);
		return false;
	}
	m.provider = false;
	return true;
}

static bool op_load(void)
{
	int want = m.provider ? EEXIST : any_entry() ? EBUSY : 0;
	int got = load_provider();

	note("load the provider");
	if (got != want) {
		mismatch("provider load", want, got);
		return false;
	}
	if (!got)
		m.provider = true;
	return true;
}

static bool one_step(uint64_t *rnd)
{
	unsigned int i = tsm_rand(rnd) % NR_ENTRIES;
	unsigned int op = tsm_rand(rnd) % 100;
	struct model_entry *e = &m.ent[i];
	char name[32];

	name_of(name, sizeof(name), i);
	if (op < 10)
		return op_mkdir(e, name);
	if (op < 16)
		return op_rmdir(e, name);
	if (op < 40)
		return op_inblob(e, name, rnd);
	if (op < 48)
		return op_privlevel(e, name, rnd);
	if (op < 78)
		return op_outblob(e, name);
	if (op < 88)
		return op_generation(e, name);
	if (op < 94)
		return op_provider(e, name);
	/* Unload is rarer than load, which fails while entries exist */
	if (op < 96)
		return op_unload();
	return op_load();
}

static int finish(void)
{
	char name[32];
	unsigned int i;
	int rc = 0;

	for (i = 0; i < NR_ENTRIES; i++) {
		name_of(name, sizeof(name), i);
		if (m.ent[i].exists && tsm_entry_remove(name))
			rc = 1;
	}
	if (!m.provider && load_provider())
		rc = 1;
	return rc;
}

int main(int argc, char **argv)
{
	unsigned long steps = 2000, loads = 0;
	unsigned int seconds = 60;
	uint64_t rnd, deadline;
	bool ok = true;
	int opt;

	seed = 20261123;
	while ((opt = getopt(argc, argv, "m:s:n:t:")) != -1) {
		switch (opt) {
		case 'm':
			module_path = optarg;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			steps = strtoul(optarg, NULL, 0);
			break;
		case 't':
			seconds = atoi(optarg);
			break;
		default:
			module_path = NULL;
			break;
		}
	}
	if (!module_path) {
		fprintf(stderr, "usage: %s -m tsm_test_provider.ko [-s seed] [-n steps] [-t seconds]\n",
			argv[0]);
		return 2;
	}

	m.provider = true;
	rnd = seed;
	deadline = tsm_now_ms() + seconds * 1000ull;
	for (step = 0; step < steps && tsm_now_ms() < deadline; step++) {
		bool was = m.provider;

		ok = one_step(&rnd);
		if (!ok)
			break;
		loads += !was && m.provider;
	}
	printf("# seed %llu: %lu steps, %lu provider reloads%s\n",
	       (unsigned long long)seed, step, loads, ok ? "" : ", FAILED");
	return finish() || !ok;
}
