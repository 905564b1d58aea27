// SPDX-License-Identifier: GPL-2.0-only
/*
 * tsm-bench: time attestation reports made through configfs-tsm, and the
 * quoting service on its own, with CLOCK_MONOTONIC.
 *
 *   tsm-bench latency    [-d DIR] -n N [-w WARMUP] [-s SOCKET -r TDREPORT]
 *			  [-S STALL_MS] [-T FILE]
 *	N sequential reports, each a full entry cycle: mkdir, write 64
 *	random bytes to inblob, read outblob to EOF, rmdir. With -s and -r,
 *	each is paired with a quoting-service round trip just before it
 *	(as in qgs below), and the differences are reported too. With -T,
 *	every pair whose cycle or round trip took STALL_MS (default 500) or
 *	more (slow=1), and the first one as a reference (ref=1), is written
 *	to FILE, one line each, with the CLOCK_MONOTONIC times (ns) of its
 *	steps: q0 q1 the round trip, t0 mkdir, t1 inblob written, t2
 *	outblob read, t3 rmdir done; these match trace events taken with
 *	trace_clock "mono".
 *   tsm-bench throughput [-d DIR] -j JOBS -n N
 *   tsm-bench throughput [-d DIR] -j JOBS -t WINDOW_MS [-W WARMUP_MS]
 *			  [-s SOCKET -r TDREPORT [-P PROBE_MS]]
 *	cycles as above by JOBS threads, each in its own entry: N of them
 *	in all, or, with -t, as many as fit until WARMUP_MS (default 1000)
 *	+ WINDOW_MS, counting those that end in the window after the
 *	warm-up. With -t, also the guest's CPU time over the window
 *	(/proc/stat: busy %, ticks, busy ms per report), and with -s and
 *	-r a quoting-service round trip every PROBE_MS (default 500)
 *	during the window: the service's time under the load.
 *   tsm-bench isolation  [-d DIR] -n ROUNDS [-i INTERVAL_US]
 *	reads of entry B's cached outblob, first idle, then while entry A
 *	generates a report, ROUNDS times.
 *   tsm-bench entries    [-d DIR] -n N
 *	memory held by N entries that each cache a report: Slab and
 *	MemFree of /proc/meminfo before, with the N entries, after rmdir.
 *   tsm-bench qgs        -s SOCKET -r TDREPORT -n N [-w WARMUP]
 *	N GET_QUOTE round trips straight to the quoting service: the
 *	service time as the emulated VMM sees it, without guest driver.
 *
 * Prints one line of key=value pairs per measurement, times in
 * microseconds, *_slow counting samples of 0.9 s or more, *_stalls those
 * of STALL_MS or more, and *_hist a histogram of the samples in the
 * log-scale millisecond buckets of hist_ms (latency and qgs); it prints
 * figures and never judges them. Exit status 0,
 * or 1 when an operation failed (the error is on stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../tools/lib/tdx-quote/layout.h"

typedef int64_t s64;

#define INBLOB_SIZE	64
#define OUTBLOB_MAX	(64 * 1024)	/* larger than any TDX quote */
#define QGS_RESP_MAX	(64 * 1024)
#define DEFAULT_DIR	"/sys/kernel/config/tsm/report"

static const char *report_dir = DEFAULT_DIR;

static void __printf(1, 2) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("tsm-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

/* ---- samples and their percentiles ---- */

/* Signed: a paired difference of two times may be negative */
struct samples {
	s64 *ns;
	size_t n, cap;
};

static void samples_add(struct samples *s, s64 ns)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->ns = realloc(s->ns, s->cap * sizeof(*s->ns));
		if (!s->ns)
			die("out of memory");
	}
	s->ns[s->n++] = ns;
}

static int cmp_s64(const void *a, const void *b)
{
	s64 x = *(const s64 *)a, y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted samples: an observed value, no blend */
static double pct_us(const struct samples *s, unsigned int pct)
{
	size_t rank;

	if (!s->n)
		return 0;
	rank = (s->n * pct + 99) / 100;
	return s->ns[rank ? rank - 1 : 0] / 1000.0;
}

/*
 * A sample this long is a stall, not a distribution tail: one second is
 * the interval of 1 s polling, and was the safety slice of the driver's
 * interrupt-mode wait before it checked on the polling backoff schedule.
 */
#define SLOW_NS		900000000ll

/* A sample this long or longer is a stall to explain (-S) */
static s64 stall_ns = 500000000ll;

/*
 * Upper bounds of the histogram buckets, in ms, 1-2-5 log scale: bucket 0
 * counts samples under 1 ms (negative paired differences too), bucket k
 * those in [hist_ms[k-1], hist_ms[k]), the last one those of 5 s or more.
 */
static const unsigned int hist_ms[] = {
	1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000
};

#define HIST_BUCKETS	(sizeof(hist_ms) / sizeof(hist_ms[0]) + 1)

static void hist_edges_print(void)
{
	size_t k;

	printf(" hist_ms=");
	for (k = 0; k < HIST_BUCKETS - 1; k++)
		printf("%s%u", k ? "," : "", hist_ms[k]);
}

/*
 * Print "PREFIX_n= PREFIX_p50_us= ... PREFIX_slow= PREFIX_stalls=
 * PREFIX_hist=" for @s, sorting it
 */
static void samples_print(const char *prefix, struct samples *s)
{
	size_t i, k, slow = 0, stalls = 0, hist[HIST_BUCKETS] = { 0 };
	double sum = 0;

	qsort(s->ns, s->n, sizeof(*s->ns), cmp_s64);
	for (i = 0; i < s->n; i++) {
		sum += s->ns[i] / 1000.0;
		slow += s->ns[i] >= SLOW_NS;
		stalls += s->ns[i] >= stall_ns;
		for (k = 0; k < HIST_BUCKETS - 1; k++)
			if (s->ns[i] < (s64)hist_ms[k] * 1000000)
				break;
		hist[k]++;
	}
	printf(" %s_n=%zu %s_min_us=%.1f %s_p50_us=%.1f %s_p99_us=%.1f %s_max_us=%.1f %s_mean_us=%.1f",
	       prefix, s->n, prefix, pct_us(s, 0), prefix, pct_us(s, 50),
	       prefix, pct_us(s, 99), prefix, s->n ? s->ns[s->n - 1] / 1000.0 : 0,
	       prefix, s->n ? sum / s->n : 0);
	printf(" %s_slow=%zu %s_stalls=%zu %s_hist=", prefix, slow, prefix,
	       stalls, prefix);
	for (k = 0; k < HIST_BUCKETS; k++)
		printf("%s%zu", k ? "," : "", hist[k]);
}

/* ---- one report through configfs ---- */

static void entry_path(char *buf, size_t len, const char *entry,
		       const char *attr)
{
	if ((size_t)snprintf(buf, len, "%s/%s%s%s", report_dir, entry,
			     attr ? "/" : "", attr ? attr : "") >= len)
		die("path too long");
}

static void write_inblob(const char *entry)
{
	u8 nonce[INBLOB_SIZE];
	char path[512];
	ssize_t n;
	int fd;

	if (getrandom(nonce, sizeof(nonce), 0) != sizeof(nonce))
		die("getrandom: %s", strerror(errno));
	entry_path(path, sizeof(path), entry, "inblob");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	n = write(fd, nonce, sizeof(nonce));
	if (n != sizeof(nonce))
		die("%s: write: %s", path, n < 0 ? strerror(errno) : "short");
	/* configfs commits a binary attribute at close */
	if (close(fd))
		die("%s: close: %s", path, strerror(errno));
}

/* Read outblob to EOF; returns its size */
static size_t read_outblob(const char *entry, u8 *buf)
{
	char path[512];
	size_t got = 0;
	ssize_t n;
	int fd;

	entry_path(path, sizeof(path), entry, "outblob");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	do {
		n = read(fd, buf + got, OUTBLOB_MAX - got);
		if (n < 0)
			die("%s: read: %s", path, strerror(errno));
		got += (size_t)n;
	} while (n && got < OUTBLOB_MAX);
	close(fd);
	if (!got)
		die("%s: empty outblob", path);
	return got;
}

static void make_entry(const char *entry)
{
	char path[512];

	entry_path(path, sizeof(path), entry, NULL);
	if (mkdir(path, 0700))
		die("mkdir %s: %s", path, strerror(errno));
}

static void remove_entry(const char *entry)
{
	char path[512];

	entry_path(path, sizeof(path), entry, NULL);
	if (rmdir(path))
		die("rmdir %s: %s", path, strerror(errno));
}

/*
 * One full cycle in a fresh entry. Returns its time; @read_ns gets the
 * part spent in the outblob read, where the report is generated, and
 * @t, if not NULL, the times of its four steps (see -T).
 */
static u64 report_cycle(const char *entry, u8 *buf, u64 *read_ns,
			size_t *size, u64 t[4])
{
	u64 t0, t1, t2, t3;

	t0 = now_ns();
	make_entry(entry);
	write_inblob(entry);
	t1 = now_ns();
	*size = read_outblob(entry, buf);
	t2 = now_ns();
	remove_entry(entry);
	t3 = now_ns();
	*read_ns = t2 - t1;
	if (t) {
		t[0] = t0;
		t[1] = t1;
		t[2] = t2;
		t[3] = t3;
	}
	return t3 - t0;
}

/* ---- a round trip to the quoting service ---- */

static u8 *load_file(const char *path, size_t *len)
{
	u8 *buf = malloc(TDX_REPORT_SIZE + 1);
	ssize_t n;
	int fd;

	if (!buf)
		die("out of memory");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	n = read(fd, buf, TDX_REPORT_SIZE + 1);
	close(fd);
	if (n != TDX_REPORT_SIZE)
		die("%s: not a %d-byte TDREPORT", path, TDX_REPORT_SIZE);
	*len = (size_t)n;
	return buf;
}

static size_t qgs_frame(u8 *out, const u8 *report, size_t rlen)
{
	size_t msg = sizeof(struct qgs_msg_get_quote_req) + rlen;
	u8 *h = out + QGS_PREFIX_SIZE;

	memset(out, 0, QGS_PREFIX_SIZE + msg);
	put_be32(out, (u32)msg);
	put_le16(h + offsetof(struct qgs_msg_header, major_version),
		 QGS_MSG_MAJOR_VER);
	put_le16(h + offsetof(struct qgs_msg_header, minor_version),
		 QGS_MSG_MINOR_VER);
	put_le32(h + offsetof(struct qgs_msg_header, type),
		 QGS_MSG_GET_QUOTE_REQ);
	put_le32(h + offsetof(struct qgs_msg_header, size), (u32)msg);
	put_le32(h + offsetof(struct qgs_msg_get_quote_req, report_size),
		 (u32)rlen);
	memcpy(h + sizeof(struct qgs_msg_get_quote_req), report, rlen);
	return QGS_PREFIX_SIZE + msg;
}

/* One connection per request, as the emulated VMM does */
static void qgs_round_trip(const char *sock, const u8 *req, size_t len,
			   u8 *resp)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const u8 *h = resp + QGS_PREFIX_SIZE;
	size_t got = 0;
	ssize_t n;
	int fd;

	if (strlen(sock) >= sizeof(sa.sun_path))
		die("%s: socket path too long", sock);
	strcpy(sa.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("%s: %s", sock, strerror(errno));
	if (send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len)
		die("%s: send: %s", sock, strerror(errno));
	shutdown(fd, SHUT_WR);
	while (got < QGS_RESP_MAX) {
		n = read(fd, resp + got, QGS_RESP_MAX - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s: read: %s", sock, strerror(errno));
		if (!n)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got < QGS_PREFIX_SIZE + sizeof(struct qgs_msg_get_quote_resp))
		die("%s: short response (%zu bytes)", sock, got);
	if (get_le32(h + offsetof(struct qgs_msg_header, error_code)))
		die("%s: service error %#x", sock,
		    get_le32(h + offsetof(struct qgs_msg_header, error_code)));
	if (!get_le32(h + offsetof(struct qgs_msg_get_quote_resp, quote_size)))
		die("%s: empty quote", sock);
}

/**
 * struct qgs_req - a framed GET_QUOTE_REQ, ready to send again and again
 * @sock: the service's unix socket
 * @req: the request, length prefix included
 * @len: its size
 * @resp: room for a response
 */
struct qgs_req {
	const char *sock;
	u8 *req;
	size_t len;
	u8 *resp;
};

static void qgs_load(struct qgs_req *q, const char *sock, const char *report)
{
	size_t rlen;
	u8 *rep;

	rep = load_file(report, &rlen);
	q->sock = sock;
	q->req = malloc(QGS_PREFIX_SIZE +
			sizeof(struct qgs_msg_get_quote_req) + rlen);
	q->resp = malloc(QGS_RESP_MAX);
	if (!q->req || !q->resp)
		die("out of memory");
	q->len = qgs_frame(q->req, rep, rlen);
	free(rep);
}

static void qgs_free(struct qgs_req *q)
{
	free(q->resp);
	free(q->req);
}

/* One round trip; @t, if not NULL, gets its start and end */
static s64 qgs_time(struct qgs_req *q, u64 t[2])
{
	u64 t0 = now_ns(), t1;

	qgs_round_trip(q->sock, q->req, q->len, q->resp);
	t1 = now_ns();
	if (t) {
		t[0] = t0;
		t[1] = t1;
	}
	return (s64)(t1 - t0);
}

/* ---- latency ---- */

/*
 * With @q, each report is paired with a round trip to the quoting service
 * just before it, and the difference of the two is kept: the slow drift of
 * a shared, emulated CPU cancels out of it.
 */
static int cmd_latency(unsigned int n, unsigned int warmup, struct qgs_req *q,
		       FILE *stalls)
{
	struct samples total = { 0 }, rd = { 0 }, rtt = { 0 }, over = { 0 };
	u8 *buf = malloc(OUTBLOB_MAX);
	u64 r, t, ct[4], qt[2] = { 0, 0 };
	s64 service = 0;
	size_t size = 0;
	char entry[64];
	unsigned int i;
	bool slow;

	if (!buf)
		die("out of memory");
	snprintf(entry, sizeof(entry), "bench-lat-%d", getpid());
	for (i = 0; i < warmup + n; i++) {
		if (q)
			service = qgs_time(q, qt);
		t = report_cycle(entry, buf, &r, &size, ct);
		if (i < warmup)
			continue;
		samples_add(&total, (s64)t);
		samples_add(&rd, (s64)r);
		if (q) {
			samples_add(&rtt, service);
			samples_add(&over, (s64)t - service);
		}
		slow = (s64)t >= stall_ns || service >= stall_ns;
		if (stalls && (slow || i == warmup))
			fprintf(stalls, "i=%u ref=%d slow=%d cycle_us=%.1f rtt_us=%.1f q0=%llu q1=%llu t0=%llu t1=%llu t2=%llu t3=%llu\n",
				i - warmup, i == warmup, slow, t / 1000.0,
				service / 1000.0,
				(unsigned long long)qt[0],
				(unsigned long long)qt[1],
				(unsigned long long)ct[0],
				(unsigned long long)ct[1],
				(unsigned long long)ct[2],
				(unsigned long long)ct[3]);
	}
	printf("outblob_bytes=%zu stall_ms=%lld", size,
	       (long long)(stall_ns / 1000000));
	hist_edges_print();
	samples_print("cycle", &total);
	samples_print("read", &rd);
	if (q) {
		samples_print("rtt", &rtt);
		samples_print("paired", &over);
	}
	putchar('\n');
	free(buf);
	free(total.ns);
	free(rd.ns);
	free(rtt.ns);
	free(over.ns);
	return 0;
}

/* ---- throughput ---- */

/*
 * Two ways to end a run: after N cycles in all (-n), or, with -t, at a
 * deadline, counting only the cycles that end inside the window between
 * the warm-up (-W) and the deadline. The window avoids the ramps: with a
 * count, the last cycles run with fewer entries busy, and the rate
 * falls short of the steady state by a cycle's time over the run's.
 */
struct tput_run {
	atomic_int left;	/* -n: cycles not yet started, signed */
	u64 win_start;		/* -t: the window, CLOCK_MONOTONIC ns */
	u64 win_end;
};

struct tput_job {
	pthread_t thread;
	unsigned int id;
	struct tput_run *run;
	struct samples lat;	/* every cycle's time */
	struct samples end;	/* ... and when it ended, for the window */
};

static bool tput_more(struct tput_run *run)
{
	if (run->win_end)
		return now_ns() < run->win_end;
	/* Take one cycle at a time, so fast jobs do more of them */
	return atomic_fetch_sub(&run->left, 1) > 0;
}

static void *tput_worker(void *arg)
{
	struct tput_job *job = arg;
	u8 *buf = malloc(OUTBLOB_MAX);
	char entry[64];
	size_t size;
	u64 r, t;

	if (!buf)
		die("out of memory");
	snprintf(entry, sizeof(entry), "bench-tput-%d-%u", getpid(), job->id);
	while (tput_more(job->run)) {
		t = report_cycle(entry, buf, &r, &size, NULL);
		samples_add(&job->lat, (s64)t);
		samples_add(&job->end, (s64)now_ns());
	}
	free(buf);
	return NULL;
}

/*
 * The guest's CPU time from the "cpu" line of /proc/stat, in USER_HZ
 * ticks: @busy all but idle and iowait, @total all of them. The quoting
 * service runs in the same guest, so this is what the reports cost in
 * all, service included.
 */
static void cpu_ticks(u64 *busy, u64 *total)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "re");
	int i;

	if (!f)
		die("/proc/stat: %s", strerror(errno));
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
		die("/proc/stat: no cpu line");
	fclose(f);
	*total = 0;
	for (i = 0; i < 8; i++)
		*total += v[i];
	/* idle and iowait */
	*busy = *total - v[3] - v[4];
}

static void sleep_until(u64 ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ull),
		.tv_nsec = (long)(ns % 1000000000ull),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/*
 * With -s and -r, a round trip straight to the quoting service every
 * @probe_ms during the window: what the service takes under the load of
 * the reports. Few enough to add little load of their own.
 */
struct tput_probe {
	pthread_t thread;
	struct qgs_req *q;
	struct tput_run *run;
	unsigned int probe_ms;
	struct samples rtt;
};

static void *tput_prober(void *arg)
{
	struct tput_probe *p = arg;
	u64 next = p->run->win_start;

	for (;;) {
		sleep_until(next);
		if (now_ns() >= p->run->win_end)
			break;
		samples_add(&p->rtt, qgs_time(p->q, NULL));
		next += (u64)p->probe_ms * 1000000;
	}
	return NULL;
}

static int cmd_throughput(unsigned int jobs, unsigned int n,
			  unsigned int window_ms, unsigned int warm_ms,
			  struct qgs_req *q, unsigned int probe_ms)
{
	struct tput_job *job = calloc(jobs, sizeof(*job));
	struct tput_probe probe = { .q = q, .probe_ms = probe_ms };
	struct tput_run run = { 0 };
	u64 t0, wall, b0 = 0, a0 = 0, b1 = 0, a1 = 0, lo, hi;
	struct samples all = { 0 };
	size_t k, total = 0;
	unsigned int i;
	double win_s, busy;
	long ncpu;
	int rc;

	if (!job)
		die("out of memory");
	atomic_init(&run.left, (int)n);
	t0 = now_ns();
	if (window_ms) {
		run.win_start = t0 + (u64)warm_ms * 1000000;
		run.win_end = run.win_start + (u64)window_ms * 1000000;
	}
	for (i = 0; i < jobs; i++) {
		job[i].id = i;
		job[i].run = &run;
		rc = pthread_create(&job[i].thread, NULL, tput_worker, &job[i]);
		if (rc)
			die("pthread_create: %s", strerror(rc));
	}
	if (window_ms) {
		probe.run = &run;
		if (q) {
			rc = pthread_create(&probe.thread, NULL, tput_prober,
					    &probe);
			if (rc)
				die("pthread_create: %s", strerror(rc));
		}
		sleep_until(run.win_start);
		cpu_ticks(&b0, &a0);
		sleep_until(run.win_end);
		cpu_ticks(&b1, &a1);
		if (q)
			pthread_join(probe.thread, NULL);
	}
	for (i = 0; i < jobs; i++)
		pthread_join(job[i].thread, NULL);
	wall = now_ns() - t0;

	/* Without a window, every cycle counts, over the whole run */
	lo = window_ms ? run.win_start : 0;
	hi = window_ms ? run.win_end : UINT64_MAX;
	win_s = window_ms ? window_ms / 1000.0 : wall / 1e9;
	for (i = 0; i < jobs; i++) {
		for (k = 0; k < job[i].lat.n; k++) {
			total++;
			if ((u64)job[i].end.ns[k] >= lo &&
			    (u64)job[i].end.ns[k] < hi)
				samples_add(&all, job[i].lat.ns[k]);
		}
		free(job[i].lat.ns);
		free(job[i].end.ns);
	}
	printf("jobs=%u reports=%zu reports_all=%zu wall_s=%.3f window_s=%.3f warm_s=%.3f reports_per_s=%.2f",
	       jobs, all.n, total, wall / 1e9, win_s,
	       window_ms ? warm_ms / 1000.0 : 0,
	       all.n / win_s);
	if (window_ms) {
		/*
		 * The ticks of an emulated guest fall short of the wall clock
		 * (the busy and idle ones alike): the busy share of the ticks
		 * counted, times the CPUs and the window, is the CPU time.
		 * A probe costs about what a report does (the quoting
		 * service's work dominates both): it counts as one.
		 */
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		busy = a1 > a0 ? (double)(b1 - b0) / (double)(a1 - a0) : 0;
		k = all.n + probe.rtt.n;
		printf(" ncpu=%ld cpu_busy_pct=%.1f cpu_ticks_busy=%llu cpu_ticks_all=%llu probes=%zu cpu_ms_per_report=%.2f",
		       ncpu, 100 * busy, (unsigned long long)(b1 - b0),
		       (unsigned long long)(a1 - a0), probe.rtt.n,
		       k ? busy * ncpu * window_ms / k : 0);
	}
	samples_print("cycle", &all);
	if (q && window_ms)
		samples_print("rtt", &probe.rtt);
	putchar('\n');
	free(probe.rtt.ns);
	free(all.ns);
	free(job);
	return 0;
}

/* ---- isolation ---- */

struct iso_a {
	char entry[64];
	u8 *buf;
	atomic_int state;	/* 0 idle, 1 reading outblob, 2 done */
	u64 read_ns;
};

static void *iso_a_worker(void *arg)
{
	struct iso_a *a = arg;
	u64 t0;

	make_entry(a->entry);
	write_inblob(a->entry);
	atomic_store(&a->state, 1);
	t0 = now_ns();
	read_outblob(a->entry, a->buf);
	a->read_ns = now_ns() - t0;
	atomic_store(&a->state, 2);
	remove_entry(a->entry);
	return NULL;
}

/* Time one read of B's cached outblob */
static s64 iso_read_b(const char *entry, u8 *buf)
{
	u64 t0 = now_ns();

	read_outblob(entry, buf);
	return (s64)(now_ns() - t0);
}

static int cmd_isolation(unsigned int rounds, unsigned int interval_us)
{
	struct samples idle = { 0 }, busy = { 0 }, a_lat = { 0 };
	u8 *buf = malloc(OUTBLOB_MAX);
	struct iso_a a = { 0 };
	char b[64];
	unsigned int i;
	pthread_t t;
	int rc;

	a.buf = malloc(OUTBLOB_MAX);
	if (!buf || !a.buf)
		die("out of memory");
	snprintf(b, sizeof(b), "bench-iso-b-%d", getpid());
	snprintf(a.entry, sizeof(a.entry), "bench-iso-a-%d", getpid());

	/* B's report is generated once, then served from the entry's cache */
	make_entry(b);
	write_inblob(b);
	read_outblob(b, buf);
	for (i = 0; i < 100; i++) {
		samples_add(&idle, iso_read_b(b, buf));
		usleep(interval_us);
	}

	for (i = 0; i < rounds; i++) {
		atomic_store(&a.state, 0);
		rc = pthread_create(&t, NULL, iso_a_worker, &a);
		if (rc)
			die("pthread_create: %s", strerror(rc));
		while (atomic_load(&a.state) == 0)
			usleep(100);
		/* Let A's read reach the provider before sampling B */
		usleep(2000);
		while (atomic_load(&a.state) == 1) {
			samples_add(&busy, iso_read_b(b, buf));
			usleep(interval_us);
		}
		pthread_join(t, NULL);
		samples_add(&a_lat, (s64)a.read_ns);
	}
	remove_entry(b);

	printf("rounds=%u", rounds);
	samples_print("a_quote", &a_lat);
	samples_print("b_idle", &idle);
	samples_print("b_busy", &busy);
	putchar('\n');
	free(idle.ns);
	free(busy.ns);
	free(a_lat.ns);
	free(a.buf);
	free(buf);
	return 0;
}

/* ---- memory held by entries ---- */

static long meminfo_kb(const char *key)
{
	size_t klen = strlen(key);
	char line[256];
	long kb = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	if (!f)
		die("/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			kb = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	if (kb < 0)
		die("/proc/meminfo has no %s", key);
	return kb;
}

static int cmd_entries(unsigned int n)
{
	long slab0, free0, slab1, free1;
	u8 *buf = malloc(OUTBLOB_MAX);
	char entry[64];
	unsigned int i;

	if (!buf)
		die("out of memory");
	slab0 = meminfo_kb("Slab");
	free0 = meminfo_kb("MemFree");
	for (i = 0; i < n; i++) {
		snprintf(entry, sizeof(entry), "bench-ent-%d-%u", getpid(), i);
		make_entry(entry);
		write_inblob(entry);
		read_outblob(entry, buf);
	}
	slab1 = meminfo_kb("Slab");
	free1 = meminfo_kb("MemFree");
	for (i = 0; i < n; i++) {
		snprintf(entry, sizeof(entry), "bench-ent-%d-%u", getpid(), i);
		remove_entry(entry);
	}
	/* Dentries and inodes go back to their caches after an RCU grace */
	sleep(1);
	printf("entries=%u slab_kb=%ld memfree_kb=%ld slab_bytes_per_entry=%ld slab_kb_after_rmdir=%ld",
	       n, slab1 - slab0, free0 - free1, (slab1 - slab0) * 1024 / n,
	       meminfo_kb("Slab") - slab0);
	putchar('\n');
	free(buf);
	return 0;
}

/* ---- the quoting service alone ---- */

static int cmd_qgs(struct qgs_req *q, unsigned int n, unsigned int warmup)
{
	struct samples s = { 0 };
	unsigned int i;
	s64 t;

	for (i = 0; i < warmup + n; i++) {
		t = qgs_time(q, NULL);
		if (i >= warmup)
			samples_add(&s, t);
	}
	printf("service=qgs stall_ms=%lld", (long long)(stall_ns / 1000000));
	hist_edges_print();
	samples_print("rtt", &s);
	putchar('\n');
	free(s.ns);
	return 0;
}

static int print_usage(void)
{
	fputs("usage: tsm-bench latency    [-d DIR] -n N [-w WARMUP] [-s SOCKET -r TDREPORT]\n"
	      "                            [-S STALL_MS] [-T FILE]\n"
	      "       tsm-bench throughput [-d DIR] -j JOBS -n N\n"
	      "       tsm-bench throughput [-d DIR] -j JOBS -t WINDOW_MS [-W WARMUP_MS]\n"
	      "                            [-s SOCKET -r TDREPORT [-P PROBE_MS]]\n"
	      "       tsm-bench isolation  [-d DIR] -n ROUNDS [-i INTERVAL_US]\n"
	      "       tsm-bench entries    [-d DIR] -n N\n"
	      "       tsm-bench qgs        -s SOCKET -r TDREPORT -n N [-w WARMUP]\n",
	      stderr);
	return 64;
}

static unsigned int number(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v > 1000000)
		die("'%s' is not a count (0..1000000)", s);
	return (unsigned int)v;
}

int main(int argc, char **argv)
{
	unsigned int n = 0, warmup = 1, jobs = 1, interval_us = 1000;
	unsigned int window_ms = 0, warm_ms = 1000, probe_ms = 500;
	const char *cmd, *sock = NULL, *report = NULL, *stall_file = NULL;
	FILE *stalls = NULL;
	struct qgs_req q;
	int c, ret;

	if (argc < 2)
		return print_usage();
	cmd = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "d:n:w:j:i:s:r:S:T:t:W:P:")) != -1) {
		switch (c) {
		case 'd':
			report_dir = optarg;
			break;
		case 'n':
			n = number(optarg);
			break;
		case 'w':
			warmup = number(optarg);
			break;
		case 'j':
			jobs = number(optarg);
			break;
		case 'i':
			interval_us = number(optarg);
			break;
		case 's':
			sock = optarg;
			break;
		case 'r':
			report = optarg;
			break;
		case 'S':
			stall_ns = (s64)number(optarg) * 1000000;
			break;
		case 'T':
			stall_file = optarg;
			break;
		case 't':
			window_ms = number(optarg);
			break;
		case 'W':
			warm_ms = number(optarg);
			break;
		case 'P':
			probe_ms = number(optarg);
			break;
		default:
			return print_usage();
		}
	}
	if (optind != argc || !sock != !report)
		return print_usage();
	/* throughput takes a count or a window, not both; the others a count */
	if (!strcmp(cmd, "throughput")) {
		if (!n == !window_ms || !jobs || !probe_ms)
			return print_usage();
	} else if (!n) {
		return print_usage();
	}

	/* Line-buffered, so a guest killed by a timeout still shows lines */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "throughput")) {
		if (sock)
			qgs_load(&q, sock, report);
		ret = cmd_throughput(jobs, n, window_ms, warm_ms,
				     sock ? &q : NULL, probe_ms);
		if (sock)
			qgs_free(&q);
		return ret;
	}
	if (!strcmp(cmd, "isolation"))
		return cmd_isolation(n, interval_us);
	if (!strcmp(cmd, "entries"))
		return cmd_entries(n);
	if (strcmp(cmd, "latency") && (strcmp(cmd, "qgs") || !sock))
		return print_usage();

	if (stall_file && strcmp(cmd, "latency"))
		return print_usage();

	if (stall_file) {
		stalls = fopen(stall_file, "we");
		if (!stalls)
			die("%s: %s", stall_file, strerror(errno));
	}
	if (sock)
		qgs_load(&q, sock, report);
	if (!strcmp(cmd, "latency"))
		ret = cmd_latency(n, warmup, sock ? &q : NULL, stalls);
	else
		ret = cmd_qgs(&q, n, warmup);
	if (sock)
		qgs_free(&q);
	if (stalls && fclose(stalls))
		die("%s: %s", stall_file, strerror(errno));
	return ret;
}
