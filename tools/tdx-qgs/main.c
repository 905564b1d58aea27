// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdx-qgs: an emulated TDX quote generation service.
 *
 * Speaks Intel's QGS message protocol on a unix stream socket, one request
 * per connection, and signs TDREPORTs into TDX Quote v4 with keys that
 * chain up to an emulator root CA (never Intel's). Each connection is
 * served in a child process, so a slow or hostile client delays nobody
 * else and a failure in one request cannot take the service down; at most
 * QGS_MAX_CHILDREN requests are served at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "qgs.h"

static volatile sig_atomic_t stop_requested;
static bool use_syslog;

static const char usage_text[] =
"usage: tdx-qgs [--socket PATH] [--state-dir DIR]\n"
"               [--verify-report PATH | --no-report-check] [--delay-ms N]\n"
"               [--pidfile FILE] [--daemon]\n"
"\n"
"Emulated TDX quote generation service (QGS message protocol over a unix\n"
"socket). Quotes are signed by keys chaining up to DIR/root-ca.pem, an\n"
"emulator root that is not Intel's: real verifiers reject them.\n"
"\n"
"  --socket PATH         listen here (default /run/tdx-qgs/qgs.socket)\n"
"  --state-dir DIR       keys and certificates, generated on first start\n"
"                        (default /var/lib/tdx-qgs)\n"
"  --verify-report PATH  file that checks a TDREPORT's MAC (default\n"
"                        /sys/kernel/debug/tdx_emu/verify_report)\n"
"  --no-report-check     skip the MAC check (REPORTTYPE and both SHA-384\n"
"                        hashes are still checked)\n"
"  --delay-ms N          reply N ms after accepting each request\n"
"  --pidfile FILE        write the pid here once listening\n"
"  --daemon              detach once listening; log to syslog\n";

/**
 * qgs_log() - log one line to stderr, or syslog once detached
 * @fmt: printf format
 */
void qgs_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (use_syslog) {
		vsyslog(LOG_INFO, fmt, ap);
	} else {
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_child(int sig)
{
	(void)sig;	/* only interrupts ppoll(); reaped in the loop */
}

static int parse_args(int argc, char **argv, struct qgs_config *cfg)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "state-dir", required_argument, NULL, 'd' },
		{ "verify-report", required_argument, NULL, 'v' },
		{ "no-report-check", no_argument, NULL, 'n' },
		{ "delay-ms", required_argument, NULL, 'D' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "daemon", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool have_verify = false;
	unsigned long v;
	char *end;
	int c;

	cfg->socket_path = "/run/tdx-qgs/qgs.socket";
	cfg->state_dir = "/var/lib/tdx-qgs";
	cfg->verify_report = "/sys/kernel/debug/tdx_emu/verify_report";
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			cfg->socket_path = optarg;
			break;
		case 'd':
			cfg->state_dir = optarg;
			break;
		case 'v':
			cfg->verify_report = optarg;
			have_verify = true;
			break;
		case 'n':
			cfg->no_report_check = true;
			break;
		case 'D':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || v > 600000) {
				fprintf(stderr, "tdx-qgs: --delay-ms wants 0..600000\n");
				return -1;
			}
			cfg->delay_ms = (unsigned int)v;
			break;
		case 'p':
			cfg->pidfile = optarg;
			break;
		case 'b':
			cfg->daemon = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (optind != argc || (have_verify && cfg->no_report_check))
		return -1;
	return 0;
}

/* Is something already serving @path? */
static bool socket_alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return false;
	alive = !connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	return alive;
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)], *slash;
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		qgs_log("tdx-qgs: socket path too long: %s", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST) {
			qgs_log("tdx-qgs: %s: %s", dir, strerror(errno));
			return -1;
		}
	}
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			qgs_log("tdx-qgs: %s exists and is not a socket", path);
			return -1;
		}
		if (socket_alive(&sa)) {
			qgs_log("tdx-qgs: another service listens on %s", path);
			return -1;
		}
		unlink(path);	/* stale, from a service that died */
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto err;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		goto err_close;
	if (listen(fd, 64))
		goto err_unlink;
	return fd;

err_unlink:
	unlink(path);
err_close:
	close(fd);
err:
	qgs_log("tdx-qgs: %s: %s", path, strerror(errno));
	return -1;
}

static int write_pidfile(const char *path)
{
	char buf[32];
	int fd, n;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/*
 * Detach, and let the parent exit only once the child is ready (pidfile
 * written), so "tdx-qgs --daemon && use-it" does not race.
 */
static int daemonize(const char *pidfile)
{
	int p[2], fd;
	pid_t pid;
	char ok;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(p[1]);
		while (read(p[0], &ok, 1) < 0 && errno == EINTR)
			;
		_exit(ok == 1 ? 0 : 1);
	}
	close(p[0]);
	setsid();
	if (chdir("/"))
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	openlog("tdx-qgs", LOG_PID, LOG_DAEMON);
	use_syslog = true;
	if (pidfile && write_pidfile(pidfile)) {
		qgs_log("tdx-qgs: %s: %s", pidfile, strerror(errno));
		return -1;
	}
	ok = 1;
	if (write(p[1], &ok, 1) != 1)
		return -1;
	close(p[1]);
	return 0;
}

/* Children serving a request, so shutdown can stop exactly them. */
struct children {
	pid_t pid[QGS_MAX_CHILDREN];
	unsigned int n;
};

static void forget(struct children *ch, pid_t pid)
{
	unsigned int i;

	for (i = 0; i < ch->n; i++) {
		if (ch->pid[i] == pid) {
			ch->pid[i] = ch->pid[--ch->n];
			return;
		}
	}
}

/* Collect finished children; with @block, wait for at least one. */
static void reap(struct children *ch, bool block)
{
	pid_t pid;

	while (ch->n) {
		pid = waitpid(-1, NULL, block ? 0 : WNOHANG);
		if (pid < 0 && errno == EINTR && !stop_requested)
			continue;
		if (pid <= 0)
			return;
		forget(ch, pid);
		block = false;
	}
}

static void serve_child(int lfd, int cfd, const struct qgs_config *cfg,
			const struct tdxq_signer *s)
{
	sigset_t none;

	close(lfd);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	qgs_serve_conn(cfg, s, cfd);
	close(cfd);
	_exit(0);
}

static void accept_loop(int lfd, const struct qgs_config *cfg,
			const struct tdxq_signer *s, const sigset_t *waitmask)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	struct children ch = { .n = 0 };
	unsigned int i;
	pid_t pid;
	int cfd;

	while (!stop_requested) {
		reap(&ch, ch.n >= QGS_MAX_CHILDREN);
		if (ch.n >= QGS_MAX_CHILDREN)
			continue;
		/* Signals are blocked except inside ppoll: no lost wakeup. */
		if (ppoll(&p, 1, NULL, waitmask) <= 0)
			continue;
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;
		pid = fork();
		if (!pid)
			serve_child(lfd, cfd, cfg, s);
		if (pid > 0)
			ch.pid[ch.n++] = pid;
		else
			qgs_log("tdx-qgs: fork: %s", strerror(errno));
		close(cfd);
	}
	/* Requests in progress are abandoned; their clients see EOF. */
	for (i = 0; i < ch.n; i++)
		kill(ch.pid[i], SIGTERM);
	while (ch.n && (pid = waitpid(-1, NULL, 0)) > 0)
		forget(&ch, pid);
}

int main(int argc, char **argv)
{
	struct qgs_config cfg = { 0 };
	struct sigaction sa = { 0 };
	struct tdxq_signer signer;
	struct qgs_keys keys;
	sigset_t block, waitmask;
	int lfd, ret = 1;

	if (parse_args(argc, argv, &cfg)) {
		fputs(usage_text, stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGCHLD);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);

	if (qgs_keys_load(cfg.state_dir, &keys))
		return 1;
	if (qgs_signer_init(&signer, &keys)) {
		qgs_log("tdx-qgs: cannot set up the emulated QE");
		goto out_keys;
	}
	lfd = listen_on(cfg.socket_path);
	if (lfd < 0)
		goto out_keys;
	if (cfg.daemon) {
		if (daemonize(cfg.pidfile))
			goto out_socket;
	} else if (cfg.pidfile && write_pidfile(cfg.pidfile)) {
		qgs_log("tdx-qgs: %s: %s", cfg.pidfile, strerror(errno));
		goto out_socket;
	}
	qgs_log("tdx-qgs: listening on %s, %s, quotes of %zu bytes, root %s/root-ca.pem",
		cfg.socket_path,
		cfg.no_report_check ? "MAC check disabled" : cfg.verify_report,
		tdxq_quote_size(&signer), cfg.state_dir);
	accept_loop(lfd, &cfg, &signer, &waitmask);
	qgs_log("tdx-qgs: stopping");
	ret = 0;
	if (cfg.pidfile)
		unlink(cfg.pidfile);
out_socket:
	close(lfd);
	unlink(cfg.socket_path);
out_keys:
	qgs_keys_free(&keys);
	return ret;
}
