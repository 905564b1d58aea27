// SPDX-License-Identifier: GPL-2.0
/*
 * tsm_stress: writers and readers of several configfs-tsm report entries
 * in several processes, for a bounded time, checking the reader protocol
 * of Documentation/ABI/testing/configfs-tsm-report:
 *
 * - every report is made from an inblob that was stored to that entry,
 *   whole (a self-checking nonce, see tsm_util.h): no torn or foreign
 *   report, whatever the generations;
 * - when generation reads before and after a report read are equal, the
 *   report belongs to exactly the inblob stored at that generation (the
 *   "exact" half of the entries, whose writers log each store with the
 *   generation it made under a lock the readers can take);
 * - for tsm_test, outblob and auxblob read between equal generations come
 *   from the same provider call;
 * - generations never go back, and each entry ends at its first
 *   generation plus the number of stores made to it: no update lost, also
 *   in the other ("racy") half of the entries, whose writers race freely.
 *
 * Writers pause for the last QUIET_MS of every PERIOD_MS: unthrottled
 * writers on a fast machine otherwise leave no two equal generations
 * around a report read, and the exact checks would never run.
 *
 * usage: tsm_stress [-e ENTRIES] [-w WRITERS] [-r READERS] [-t SECONDS]
 *		     [-i WRITE_INTERVAL_MS] [-s SEED] [-n NAME_PREFIX]
 * Prints '# ' lines and exits 0 when every check held.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tsm_util.h"

#define MAX_ENTRIES	32
#define MAX_PROCS	64
#define RING		256
#define PERIOD_MS	1000
#define QUIET_MS	250

struct store_log {
	unsigned long gen;
	uint8_t nonce[TSM_NONCE_LEN];
};

struct entry_state {
	pthread_mutex_t lock;	/* exact entries: a store and its log */
	bool exact;
	unsigned long gen0;
	uint64_t stores;
	struct store_log ring[RING];
};

struct shared {
	uint64_t deadline_ms;
	uint64_t reads, reads_same_gen, reads_exact, stores_total;
	uint64_t failures;
	char first_failure[512];
	pthread_mutex_t fail_lock;
	struct entry_state ent[MAX_ENTRIES];
};

static struct shared *sh;
static unsigned int nr_entries = 4;
static unsigned int write_interval_ms;
static const char *prefix = "stress";
static enum tsm_kind kind;

static void entry_name(char *buf, size_t len, unsigned int i)
{
	snprintf(buf, len, "%s%u", prefix, i);
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&sh->fail_lock);
	if (!sh->failures++) {
		va_start(ap, fmt);
		vsnprintf(sh->first_failure, sizeof(sh->first_failure), fmt,
			  ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&sh->fail_lock);
}

static void add(uint64_t *counter, uint64_t n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

static bool time_left(void)
{
	return tsm_now_ms() < sh->deadline_ms;
}

/* A store, logged with the generation it made on exact entries */
static int store(unsigned int i, uint32_t seq, uint64_t *rnd)
{
	struct entry_state *e = &sh->ent[i];
	uint8_t nonce[TSM_NONCE_LEN];
	unsigned long gen;
	char name[64];
	int rc;

	entry_name(name, sizeof(name), i);
	tsm_nonce_make(nonce, i, seq, rnd);
	if (e->exact)
		pthread_mutex_lock(&e->lock);
	rc = tsm_write_attr(name, "inblob", nonce, sizeof(nonce));
	if (!rc)
		add(&e->stores, 1);
	if (!rc && e->exact) {
		rc = tsm_read_gen(name, &gen);
		if (!rc) {
			e->ring[gen % RING].gen = gen;
			memcpy(e->ring[gen % RING].nonce, nonce, sizeof(nonce));
		}
	}
	if (e->exact)
		pthread_mutex_unlock(&e->lock);
	if (rc)
		fail("%s: store failed: %s", name, strerror(rc));
	return rc;
}

static void writer(unsigned int id, uint64_t seed)
{
	uint64_t rnd = seed ^ (0x100000001b3ull * (id + 1));
	uint32_t seq = 0;

	while (time_left() && !sh->failures) {
		uint64_t phase = tsm_now_ms() % PERIOD_MS;

		if (phase >= PERIOD_MS - QUIET_MS) {
			usleep((PERIOD_MS - phase) * 1000);
			continue;
		}
		store(tsm_rand(&rnd) % nr_entries, ++seq, &rnd);
		add(&sh->stores_total, 1);
		if (write_interval_ms)
			usleep(write_interval_ms * 1000);
	}
}

static long call_number(const uint8_t *blob, size_t len)
{
	const char *p = memmem(blob, len, "call=", 5);

	return p ? strtol(p + 5, NULL, 10) : -1;
}

/* Everything checked about one read of entry @i between two generations */
static void check_read(unsigned int i, const uint8_t *blob, size_t len,
		       const uint8_t *aux, size_t aux_len, unsigned long g1,
		       unsigned long g2)
{
	struct entry_state *e = &sh->ent[i];
	uint8_t in[TSM_NONCE_LEN];
	struct store_log *log;
	size_t in_len;
	char name[64];

	entry_name(name, sizeof(name), i);
	if (g2 < g1) {
		fail("%s: generation went back from %lu to %lu", name, g1, g2);
		return;
	}
	if (tsm_blob_inblob(kind, blob, len, in, &in_len) ||
	    in_len != TSM_NONCE_LEN) {
		fail("%s: report of %zu bytes names no 64-byte inblob", name,
		     len);
		return;
	}
	if (!tsm_nonce_valid(in, i)) {
		fail("%s: report made from an inblob never stored to it (torn or foreign)",
		     name);
		return;
	}
	if (g1 != g2)
		return;
	add(&sh->reads_same_gen, 1);
	if (aux && call_number(blob, len) != call_number(aux, aux_len)) {
		fail("%s: outblob (call %ld) and auxblob (call %ld) of generation %lu differ",
		     name, call_number(blob, len), call_number(aux, aux_len),
		     g1);
		return;
	}
	if (!e->exact)
		return;
	/* Every store up to g1 is logged once its writer drops the lock */
	pthread_mutex_lock(&e->lock);
	log = &e->ring[g1 % RING];
	if (log->gen != g1)
		log = NULL;
	else if (memcmp(log->nonce, in, TSM_NONCE_LEN))
		fail("%s: report read at generation %lu is not of the inblob stored then",
		     name, g1);
	pthread_mutex_unlock(&e->lock);
	if (log)
		add(&sh->reads_exact, 1);
}

static void reader(unsigned int id, uint64_t seed)
{
	uint64_t rnd = seed ^ (0xc2b2ae3d27d4eb4full * (id + 1));
	unsigned long last[MAX_ENTRIES] = { 0 };
	static uint8_t blob[TSM_BLOB_MAX], aux[4096];
	unsigned long g1, g2;
	size_t len, aux_len;
	unsigned int i;
	char name[64];
	int rc;

	while (time_left() && !sh->failures) {
		i = tsm_rand(&rnd) % nr_entries;
		entry_name(name, sizeof(name), i);
		rc = tsm_read_gen(name, &g1);
		if (!rc)
			rc = tsm_read_attr(name, "outblob", blob, sizeof(blob),
					   &len);
		if (!rc && kind == TSM_KIND_TEST)
			rc = tsm_read_attr(name, "auxblob", aux, sizeof(aux),
					   &aux_len);
		if (!rc)
			rc = tsm_read_gen(name, &g2);
		if (rc) {
			fail("%s: read failed: %s", name, strerror(rc));
			return;
		}
		if (g1 < last[i])
			fail("%s: generation went back from %lu to %lu", name,
			     last[i], g1);
		last[i] = g2;
		check_read(i, blob, len, kind == TSM_KIND_TEST ? aux : NULL,
			   aux_len, g1, g2);
		add(&sh->reads, 1);
	}
}

static int setup_entries(uint64_t *rnd)
{
	char name[64];
	unsigned int i;
	int rc;

	for (i = 0; i < nr_entries; i++) {
		struct entry_state *e = &sh->ent[i];
		pthread_mutexattr_t attr;

		pthread_mutexattr_init(&attr);
		pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
		pthread_mutex_init(&e->lock, &attr);
		pthread_mutexattr_destroy(&attr);
		e->exact = i % 2 == 0;

		entry_name(name, sizeof(name), i);
		rc = tsm_entry_create(name);
		if (rc) {
			fprintf(stderr, "# mkdir %s: %s\n", name, strerror(rc));
			return rc;
		}
		/* Every entry starts with a logged store: readers never see EINVAL */
		rc = store(i, 0, rnd);
		if (!rc)
			rc = tsm_read_gen(name, &e->gen0);
		if (rc)
			return rc;
		e->gen0 -= e->stores;
		if (!i)
			kind = tsm_entry_kind(name);
	}
	if (kind == TSM_KIND_UNKNOWN) {
		fprintf(stderr, "# provider is neither tsm_test nor tdx_guest\n");
		return EPROTO;
	}
	return 0;
}

static int check_generations(void)
{
	unsigned long gen;
	unsigned int i;
	char name[64];
	int bad = 0;

	for (i = 0; i < nr_entries; i++) {
		struct entry_state *e = &sh->ent[i];

		entry_name(name, sizeof(name), i);
		if (tsm_read_gen(name, &gen) ||
		    gen != e->gen0 + e->stores) {
			fail("%s: generation %lu after %llu stores from %lu: updates lost",
			     name, gen, (unsigned long long)e->stores, e->gen0);
			bad = 1;
		}
	}
	return bad;
}

static void remove_entries(void)
{
	char name[64];
	unsigned int i;

	for (i = 0; i < nr_entries; i++) {
		entry_name(name, sizeof(name), i);
		tsm_entry_remove(name);
	}
}

int main(int argc, char **argv)
{
	unsigned int writers = 4, readers = 4, seconds = 20, i, nprocs;
	uint64_t seed = 1, rnd;
	pid_t pids[MAX_PROCS];
	pthread_mutexattr_t attr;
	int opt, status, bad = 0;

	while ((opt = getopt(argc, argv, "e:w:r:t:i:s:n:")) != -1) {
		switch (opt) {
		case 'e':
			nr_entries = atoi(optarg);
			break;
		case 'w':
			writers = atoi(optarg);
			break;
		case 'r':
			readers = atoi(optarg);
			break;
		case 't':
			seconds = atoi(optarg);
			break;
		case 'i':
			write_interval_ms = atoi(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			prefix = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-e entries] [-w writers] [-r readers] [-t seconds] [-i write_interval_ms] [-s seed] [-n prefix]\n",
				argv[0]);
			return 2;
		}
	}
	if (!nr_entries || nr_entries > MAX_ENTRIES ||
	    writers + readers > MAX_PROCS || !readers) {
		fprintf(stderr, "# bad sizes\n");
		return 2;
	}

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&sh->fail_lock, &attr);
	pthread_mutexattr_destroy(&attr);

	rnd = seed;
	if (setup_entries(&rnd)) {
		remove_entries();
		return 1;
	}
	printf("# %u entries (%s), %u writers, %u readers, %u s, seed %llu\n",
	       nr_entries, kind == TSM_KIND_TDX ? "tdx_guest" : "tsm_test",
	       writers, readers, seconds, (unsigned long long)seed);
	fflush(stdout);

	sh->deadline_ms = tsm_now_ms() + seconds * 1000ull;
	nprocs = writers + readers;
	for (i = 0; i < nprocs; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			fail("fork: %s", strerror(errno));
			nprocs = i;
			break;
		}
		if (!pids[i]) {
			if (i < writers)
				writer(i, seed);
			else
				reader(i - writers, seed);
			_exit(0);
		}
	}
	for (i = 0; i < nprocs; i++) {
		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			fail("process %d died (status %#x)", pids[i], status);
	}

	bad = check_generations();
	printf("# %llu stores, %llu report reads, %llu between equal generations, %llu of them checked against the store log\n",
	       (unsigned long long)sh->stores_total,
	       (unsigned long long)sh->reads,
	       (unsigned long long)sh->reads_same_gen,
	       (unsigned long long)sh->reads_exact);
	remove_entries();
	if (sh->failures || bad) {
		printf("# FAIL (%llu failures, seed %llu): %s\n",
		       (unsigned long long)sh->failures,
		       (unsigned long long)seed, sh->first_failure);
		return 1;
	}
	if (!sh->reads_exact) {
		printf("# FAIL: no read could be checked against the store log\n");
		return 1;
	}
	return 0;
}
