// SPDX-License-Identifier: GPL-2.0
/*
 * tsm_killwait: readers blocked on a report that never comes (the provider
 * is told to hang: tsm_test with a long delay_ms, tdx_guest with the
 * emulator's never_complete) must die within a bound when SIGKILLed:
 * those in the provider call, and those queued behind it, on the same
 * entry (the entry's generation lock) or on another one (the provider's
 * own serialization).
 *
 * usage: tsm_killwait [-r READERS] [-e ENTRIES] [-l LIMIT_MS] [-n PREFIX]
 * Readers are spread over the entries and form one process group, which
 * gets the SIGKILL at once. Prints '# ' lines; exits 0 when
 * every reader blocked, and died of SIGKILL within LIMIT_MS.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tsm_util.h"

#define MAX_READERS	32
#define BLOCK_TIMEOUT_MS	20000

static void blocked_reader(const char *name)
{
	static uint8_t blob[TSM_BLOB_MAX];
	size_t len;
	int rc;

	rc = tsm_read_attr(name, "outblob", blob, sizeof(blob), &len);
	/* Any return is a failure: the provider was meant to hang */
	fprintf(stderr, "# %s: read returned (%s, %zu bytes) instead of blocking\n",
		name, rc ? strerror(rc) : "success", len);
	_exit(3);
}

int main(int argc, char **argv)
{
	unsigned int readers = 4, entries = 2, limit_ms = 1000, i, nblocked;
	uint64_t t0, t, worst = 0, rnd = 42;
	const char *prefix = "killwait";
	uint8_t nonce[TSM_NONCE_LEN];
	pid_t pids[MAX_READERS];
	char name[64];
	int opt, status, bad = 0, rc;

	while ((opt = getopt(argc, argv, "r:e:l:n:")) != -1) {
		switch (opt) {
		case 'r':
			readers = atoi(optarg);
			break;
		case 'e':
			entries = atoi(optarg);
			break;
		case 'l':
			limit_ms = atoi(optarg);
			break;
		case 'n':
			prefix = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-r readers] [-e entries] [-l limit_ms] [-n prefix]\n",
				argv[0]);
			return 2;
		}
	}
	if (!readers || readers > MAX_READERS || !entries || entries > readers)
		return 2;

	for (i = 0; i < entries; i++) {
		snprintf(name, sizeof(name), "%s%u", prefix, i);
		rc = tsm_entry_create(name);
		if (!rc) {
			tsm_nonce_make(nonce, i, 0, &rnd);
			rc = tsm_write_attr(name, "inblob", nonce, sizeof(nonce));
		}
		if (rc) {
			printf("# %s: %s\n", name, strerror(rc));
			return 1;
		}
	}

	for (i = 0; i < readers; i++) {
		snprintf(name, sizeof(name), "%s%u", prefix, i % entries);
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			readers = i;
			bad = 1;
			break;
		}
		if (!pids[i]) {
			setpgid(0, i ? pids[0] : 0);
			blocked_reader(name);
		}
		/* Both sides set it, so that it holds whoever runs first */
		setpgid(pids[i], pids[0]);
	}

	/* All of them must be asleep in the kernel before the kill */
	t0 = tsm_now_ms();
	do {
		usleep(20000);
		for (i = 0, nblocked = 0; i < readers; i++)
			nblocked += tsm_pid_blocked(pids[i]);
	} while (nblocked < readers && tsm_now_ms() - t0 < BLOCK_TIMEOUT_MS);
	printf("# %u of %u readers blocked after %llu ms\n", nblocked, readers,
	       (unsigned long long)(tsm_now_ms() - t0));
	if (nblocked < readers)
		bad = 1;

	/*
	 * One kill() for the whole group: killed one by one, a reader
	 * queued behind the first could take its place and return (EBUSY
	 * from tdx_guest) before its own SIGKILL is sent.
	 */
	t0 = tsm_now_ms();
	if (kill(-pids[0], SIGKILL)) {
		perror("kill");
		bad = 1;
	}
	for (i = 0; i < readers; i++) {
		if (waitpid(pids[i], &status, 0) < 0) {
			bad = 1;
			continue;
		}
		t = tsm_now_ms() - t0;
		worst = t > worst ? t : worst;
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
			printf("# reader %d: not killed (status %#x)\n",
			       pids[i], status);
			bad = 1;
		}
	}
	printf("# all %u readers reaped %llu ms after SIGKILL (limit %u ms)\n",
	       readers, (unsigned long long)worst, limit_ms);
	if (worst > limit_ms)
		bad = 1;

	for (i = 0; i < entries; i++) {
		snprintf(name, sizeof(name), "%s%u", prefix, i);
		rc = tsm_entry_remove(name);
		if (rc) {
			printf("# rmdir %s: %s\n", name, strerror(rc));
			bad = 1;
		}
	}
	return bad;
}
