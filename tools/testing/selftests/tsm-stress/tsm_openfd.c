// SPDX-License-Identifier: GPL-2.0
/*
 * tsm_openfd: lifecycle of report entries and of the provider under open
 * file descriptors and reports in flight:
 *
 *  1. rmdir while another process holds an open fd of outblob, inblob
 *     (written, not closed) or generation: rmdir succeeds, later
 *     operations on the fd fail with ENOENT, close() is harmless;
 *  2. rmdir while a report is being generated for the entry: it waits
 *     for the provider (no longer than WAIT_MS) and succeeds;
 *  3. the provider module unloads while entries live: the cached report
 *     stays readable, the rest fails with ENXIO, mkdir with ENXIO, the
 *     provider cannot load again (EBUSY) until the entries are removed;
 *  4. the provider module unloads while a report is in flight: the unload
 *     waits for it (no longer than WAIT_MS);
 *  5. tsm.ko cannot unload while an entry exists.
 *
 * usage: tsm_openfd -m PROVIDER_KO -M MODULE_NAME [-P PARAMS] [-w WAIT_MS]
 * The provider must be loaded and slow (a report takes about a second or
 * more, but less than WAIT_MS). Prints TAP lines 'ok - NAME' / 'not ok -
 * NAME' for the caller to number; exits non-zero if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tsm_util.h"

static const char *mod_path, *mod_name, *mod_params = "";
static unsigned int wait_ms = 10000;
static uint64_t rnd = 99;
static int failed;

static void result(bool ok, const char *name)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", name);
	fflush(stdout);
	failed |= !ok;
}

static int open_attr(const char *entry, const char *attr, int flags)
{
	char path[256];

	tsm_path(path, sizeof(path), entry, attr);
	return open(path, flags);
}

static int new_entry(const char *name, uint32_t seq)
{
	uint8_t nonce[TSM_NONCE_LEN];
	int rc = tsm_entry_create(name);

	if (rc)
		return rc;
	tsm_nonce_make(nonce, 0, seq, &rnd);
	return tsm_write_attr(name, "inblob", nonce, sizeof(nonce));
}

static int load_provider(void)
{
	int fd, rc = 0;

	fd = open(mod_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, mod_params, 0))
		rc = errno;
	close(fd);
	return rc;
}

static int unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? errno : 0;
}

static void rmdir_open_fds(void)
{
	uint8_t nonce[TSM_NONCE_LEN] = { 1 };
	int out, in, gen, rc;
	char buf[64];
	bool ok;

	if (new_entry("openfd", 1)) {
		result(false, "rmdir with open fds: setup");
		return;
	}
	out = open_attr("openfd", "outblob", O_RDONLY);
	gen = open_attr("openfd", "generation", O_RDONLY);
	in = open_attr("openfd", "inblob", O_WRONLY);
	ok = out >= 0 && gen >= 0 && in >= 0 &&
	     write(in, nonce, sizeof(nonce)) == sizeof(nonce);
	rc = tsm_entry_remove("openfd");
	result(ok && !rc, "rmdir succeeds while outblob, generation and inblob are open");
	errno = 0;
	result(read(out, buf, sizeof(buf)) < 0 && errno == ENOENT,
	       "read of outblob of a removed entry fails with ENOENT");
	errno = 0;
	result(read(gen, buf, sizeof(buf)) < 0 && errno == ENOENT,
	       "read of generation of a removed entry fails with ENOENT");
	close(in);
	close(out);
	close(gen);
	errno = 0;
	result(open_attr("openfd", "generation", O_RDONLY) < 0 &&
	       errno == ENOENT,
	       "the entry is gone once the written inblob fd is closed");
}

/* A child reading outblob of @name; 0 once it sleeps in the read */
static pid_t slow_reader(const char *name)
{
	static uint8_t blob[TSM_BLOB_MAX];
	uint64_t t0;
	size_t len;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		int rc = tsm_read_attr(name, "outblob", blob, sizeof(blob),
				       &len);

		/*
		 * The report, ENOENT if the entry went first, ENXIO if the
		 * provider ended the request as it went away
		 */
		_exit(rc == 0 ? 0 : rc == ENOENT ? 10 : rc == ENXIO ? 11 : 1);
	}
	t0 = tsm_now_ms();
	while (!tsm_pid_blocked(pid) && tsm_now_ms() - t0 < wait_ms)
		usleep(10000);
	return pid;
}

static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void rmdir_while_generating(void)
{
	uint64_t t0, t;
	pid_t pid;
	int rc, st;

	pid = new_entry("gen", 2) ? -1 : slow_reader("gen");
	if (pid < 0) {
		result(false, "rmdir during a report: setup");
		return;
	}
	t0 = tsm_now_ms();
	rc = tsm_entry_remove("gen");
	t = tsm_now_ms() - t0;
	st = reap(pid);
	printf("# rmdir took %llu ms, the reader exited with %d\n",
	       (unsigned long long)t, st);
	result(!rc && t <= wait_ms && (st == 0 || st == 10),
	       "rmdir during a report waits for the provider and succeeds");
}

static void unload_with_entries(void)
{
	static uint8_t blob[TSM_BLOB_MAX], again[TSM_BLOB_MAX];
	size_t len = 0, len2 = 0;
	char buf[64];
	int rc;

	rc = new_entry("cached", 3);
	if (!rc)
		rc = tsm_read_attr("cached", "outblob", blob, sizeof(blob),
				   &len);
	if (!rc)
		rc = new_entry("uncached", 4);
	if (rc) {
		result(false, "provider unload with live entries: setup");
		return;
	}
	result(!unload(mod_name), "the provider unloads while entries live");
	rc = tsm_read_attr("cached", "outblob", again, sizeof(again), &len2);
	result(!rc && len2 == len && !memcmp(blob, again, len),
	       "the cached report stays readable");
	rc = tsm_read_attr("uncached", "outblob", again, sizeof(again), &len2);
	result(rc == ENXIO, "a report that needs the provider fails with ENXIO");
	rc = tsm_read_attr("cached", "provider", buf, sizeof(buf), &len2);
	result(rc == ENXIO, "provider fails with ENXIO");
	rc = tsm_entry_create("late");
	result(rc == ENXIO, "mkdir fails with ENXIO");
	rc = load_provider();
	result(rc == EBUSY, "the provider cannot load again while entries live (EBUSY)");
	rc = tsm_entry_remove("cached") ?: tsm_entry_remove("uncached");
	result(!rc, "the entries of the gone provider can be removed");
	rc = load_provider();
	result(!rc, "the provider loads again once they are gone");
}

/*
 * The core waits for the provider's report_new() before the provider is
 * gone. tdx_guest ends a request that waits for the host at unload (ENXIO)
 * rather than hold rmmod up to its quote timeout; the test provider
 * finishes its report.
 */
static void unload_in_flight(void)
{
	bool ends_it = !strcmp(mod_name, "tdx_guest");
	uint64_t t0, t;
	pid_t pid;
	int rc, st;

	pid = new_entry("flight", 5) ? -1 : slow_reader("flight");
	if (pid < 0) {
		result(false, "unload with a report in flight: setup");
		return;
	}
	t0 = tsm_now_ms();
	rc = unload(mod_name);
	t = tsm_now_ms() - t0;
	st = reap(pid);
	printf("# unload took %llu ms, the reader exited with %d\n",
	       (unsigned long long)t, st);
	if (ends_it)
		result(!rc && t <= wait_ms && st == 11,
		       "the provider unloads with a report in flight, which fails with ENXIO");
	else
		result(!rc && t <= wait_ms && st == 0,
		       "the provider unloads with a report in flight, after it");
	result(!tsm_entry_remove("flight") && !load_provider(),
	       "entry removed and provider loaded again");
}

static void core_pinned(void)
{
	int rc;

	if (tsm_entry_create("pin")) {
		result(false, "tsm.ko pinned by an entry: setup");
		return;
	}
	rc = unload("tsm");
	result(rc != 0, "tsm.ko does not unload while an entry exists");
	result(!tsm_entry_remove("pin"), "the entry is removed");
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "m:M:P:w:")) != -1) {
		switch (opt) {
		case 'm':
			mod_path = optarg;
			break;
		case 'M':
			mod_name = optarg;
			break;
		case 'P':
			mod_params = optarg;
			break;
		case 'w':
			wait_ms = atoi(optarg);
			break;
		default:
			mod_path = NULL;
			break;
		}
	}
	if (!mod_path || !mod_name) {
		fprintf(stderr, "usage: %s -m PROVIDER_KO -M MODULE_NAME [-P PARAMS] [-w WAIT_MS]\n",
			argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);

	rmdir_open_fds();
	rmdir_while_generating();
	unload_with_entries();
	unload_in_flight();
	core_pinned();
	return failed;
}
