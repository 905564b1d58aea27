// SPDX-License-Identifier: GPL-2.0-only
/*
 * One QGS connection: read one framed GET_QUOTE_REQ, check the TDREPORT,
 * reply with a GET_QUOTE_RESP carrying a quote or a bare error response.
 *
 * The peer is untrusted: every read is bounded in size and time, the
 * length prefix is checked before anything is allocated or read, and the
 * sizes inside the message must add up to exactly the prefix.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "qgs.h"
#include "../lib/tdx-quote/crypto.h"
#include "../lib/tdx-quote/parse.h"

#define RESP_MAX	(QGS_PREFIX_SIZE + sizeof(struct qgs_msg_get_quote_resp) + \
			 TDXQ_QUOTE_MAX_SIZE)

struct conn {
	int fd;
	struct timespec deadline;
	char why[192];		/* reason for the log line */
};

static long ms_until(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (t->tv_sec - now.tv_sec) * 1000 +
	       (t->tv_nsec - now.tv_nsec) / 1000000;
}

static void add_ms(struct timespec *t, unsigned int ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000;
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

/* Wait for @events before the deadline: 0, or -ETIMEDOUT / -errno. */
static int wait_fd(struct conn *c, short events)
{
	struct pollfd p = { .fd = c->fd, .events = events };
	long left;
	int ret;

	for (;;) {
		left = ms_until(&c->deadline);
		if (left <= 0)
			return -ETIMEDOUT;
		ret = poll(&p, 1, (int)left);
		if (ret > 0)
			return 0;
		if (!ret)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/* Read exactly @len bytes: 0, -ECONNRESET on EOF, -ETIMEDOUT, -errno. */
static int read_full(struct conn *c, u8 *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;
	int ret;

	while (done < len) {
		ret = wait_fd(c, POLLIN);
		if (ret)
			return ret;
		n = recv(c->fd, buf + done, len - done, MSG_DONTWAIT);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (!n)
			return -ECONNRESET;
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
	}
	return 0;
}

static int write_full(struct conn *c, const u8 *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;
	int ret;

	while (done < len) {
		ret = wait_fd(c, POLLOUT);
		if (ret)
			return ret;
		n = send(c->fd, buf + done, len - done,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
	}
	return 0;
}

#define RESP_QUOTE_OFF	(QGS_PREFIX_SIZE + sizeof(struct qgs_msg_get_quote_resp))

/*
 * Frame a GET_QUOTE_RESP around the @qlen quote bytes already at
 * @out + RESP_QUOTE_OFF; an error response has none.
 */
static size_t build_resp(u8 *out, u32 error, size_t qlen)
{
	size_t msg = sizeof(struct qgs_msg_get_quote_resp) + qlen;
	u8 *h = out + QGS_PREFIX_SIZE;

	put_be32(out, (u32)msg);
	memset(h, 0, sizeof(struct qgs_msg_get_quote_resp));
	put_le16(h + offsetof(struct qgs_msg_header, major_version),
		 QGS_MSG_MAJOR_VER);
	put_le16(h + offsetof(struct qgs_msg_header, minor_version),
		 QGS_MSG_MINOR_VER);
	put_le32(h + offsetof(struct qgs_msg_header, type),
		 QGS_MSG_GET_QUOTE_RESP);
	put_le32(h + offsetof(struct qgs_msg_header, size), (u32)msg);
	put_le32(h + offsetof(struct qgs_msg_header, error_code), error);
	put_le32(h + offsetof(struct qgs_msg_get_quote_resp, quote_size),
		 (u32)qlen);
	return QGS_PREFIX_SIZE + msg;
}

static __printf(3, 4) u32 reject(struct conn *c, u32 error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return error;
}

/* Check the message framing; on success *report points at the TDREPORT. */
static u32 check_request(struct conn *c, const u8 *msg, u32 len,
			 const u8 **report)
{
	const u8 *h = msg;
	u32 rsize, idsize;

	if (len < sizeof(struct qgs_msg_header))
		return reject(c, QGS_MSG_ERROR_INVALID_SIZE,
			      "message of %u bytes is shorter than a header",
			      len);
	if (get_le16(h + offsetof(struct qgs_msg_header, major_version)) !=
	    QGS_MSG_MAJOR_VER)
		return reject(c, QGS_MSG_ERROR_INVALID_VERSION,
			      "major version %u",
			      get_le16(h + offsetof(struct qgs_msg_header,
						    major_version)));
	if (get_le32(h + offsetof(struct qgs_msg_header, type)) !=
	    QGS_MSG_GET_QUOTE_REQ)
		return reject(c, QGS_MSG_ERROR_INVALID_TYPE,
			      "message type %u is not GET_QUOTE_REQ",
			      get_le32(h + offsetof(struct qgs_msg_header,
						    type)));
	if (get_le32(h + offsetof(struct qgs_msg_header, size)) != len)
		return reject(c, QGS_MSG_ERROR_INVALID_SIZE,
			      "header size %u but %u bytes framed",
			      get_le32(h + offsetof(struct qgs_msg_header,
						    size)), len);
	if (get_le32(h + offsetof(struct qgs_msg_header, error_code)))
		return reject(c, QGS_MSG_ERROR_INVALID_CODE,
			      "request carries error code 0x%x",
			      get_le32(h + offsetof(struct qgs_msg_header,
						    error_code)));
	if (len < sizeof(struct qgs_msg_get_quote_req))
		return reject(c, QGS_MSG_ERROR_INVALID_SIZE,
			      "GET_QUOTE_REQ of %u bytes", len);
	rsize = get_le32(h + offsetof(struct qgs_msg_get_quote_req,
				      report_size));
	idsize = get_le32(h + offsetof(struct qgs_msg_get_quote_req,
				       id_list_size));
	if ((u64)rsize + idsize + sizeof(struct qgs_msg_get_quote_req) != len)
		return reject(c, QGS_MSG_ERROR_INVALID_SIZE,
			      "report_size %u + id_list_size %u do not fill %u bytes",
			      rsize, idsize, len);
	if (rsize != TDX_REPORT_SIZE)
		return reject(c, QGS_MSG_ERROR_INVALID_PARAMETER,
			      "report_size %u, want %d", rsize,
			      TDX_REPORT_SIZE);
	*report = msg + sizeof(struct qgs_msg_get_quote_req);
	return QGS_MSG_SUCCESS;
}

/* What a quoting enclave checks before it signs a TDREPORT. */
static u32 check_report(struct conn *c, const struct qgs_config *cfg,
			const u8 *report)
{
	bool tcb_ok, info_ok;
	char msg[160];
	int fd, werr = 0;
	ssize_t n;

	if (tdxq_check_tdreport(report, TDX_REPORT_SIZE, msg, sizeof(msg)))
		return reject(c, QGS_MSG_ERROR_INVALID_PARAMETER, "%s", msg);
	if (tdxq_tdreport_hashes_ok(report, &tcb_ok, &info_ok))
		return reject(c, QGS_MSG_ERROR_UNEXPECTED, "SHA-384 failed");
	if (!tcb_ok || !info_ok)
		return reject(c, QGS_MSG_ERROR_INVALID_PARAMETER,
			      "TDREPORT %s does not match its contents",
			      tcb_ok ? "TEE_INFO_HASH" : "TEE_TCB_INFO_HASH");
	if (cfg->no_report_check)
		return QGS_MSG_SUCCESS;

	fd = open(cfg->verify_report, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return reject(c, QGS_MSG_ERROR_UNEXPECTED,
			      "cannot check the MAC: %s: %s",
			      cfg->verify_report, strerror(errno));
	n = write(fd, report, TDX_REPORT_SIZE);
	if (n < 0)
		werr = errno;
	close(fd);
	if (n == TDX_REPORT_SIZE)
		return QGS_MSG_SUCCESS;
	if (werr == EBADMSG)
		return reject(c, QGS_MSG_ERROR_INVALID_PARAMETER,
			      "TDREPORT MAC rejected by %s", cfg->verify_report);
	return reject(c, QGS_MSG_ERROR_UNEXPECTED, "%s: %s",
		      cfg->verify_report, werr ? strerror(werr) : "short write");
}

/**
 * qgs_serve_conn() - serve one request on a connected socket
 * @cfg: configuration
 * @s: signer
 * @fd: connected socket; closed by the caller
 *
 * Logs one line for the request, even when told to stop while replying.
 */
void qgs_serve_conn(const struct qgs_config *cfg,
		    const struct tdxq_signer *s, int fd)
{
	static u8 msg[QGS_REQ_MAX], resp[RESP_MAX];
	struct conn c = { .fd = fd };
	struct timespec start, done;
	const u8 *report = NULL, *rd;
	size_t quote_len = 0, rlen;
	u8 prefix[QGS_PREFIX_SIZE];
	sigset_t stop, saved;
	u32 len, err;
	long ms;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &start);
	c.deadline = start;
	add_ms(&c.deadline, QGS_IO_TIMEOUT_MS);

	ret = read_full(&c, prefix, sizeof(prefix));
	if (ret) {
		qgs_log("tdx-qgs: request dropped: %s before the length prefix",
			ret == -ECONNRESET ? "client closed" : strerror(-ret));
		return;
	}
	len = get_be32(prefix);
	if (len < sizeof(struct qgs_msg_header) || len > QGS_REQ_MAX) {
		/* Do not read what was announced: answer and hang up. */
		err = reject(&c, QGS_MSG_ERROR_INVALID_SIZE,
			     "length prefix %u outside %zu..%d", len,
			     sizeof(struct qgs_msg_header), QGS_REQ_MAX);
		goto reply;
	}
	ret = read_full(&c, msg, len);
	if (ret) {
		qgs_log("tdx-qgs: request dropped: %s within the %u-byte message",
			ret == -ECONNRESET ? "client closed" : strerror(-ret),
			len);
		return;
	}
	err = check_request(&c, msg, len, &report);
	if (!err)
		err = check_report(&c, cfg, report);
	if (!err && tdxq_build_quote(s, report, resp + RESP_QUOTE_OFF,
				     TDXQ_QUOTE_MAX_SIZE, &quote_len))
		err = reject(&c, QGS_MSG_ERROR_UNEXPECTED, "signing failed");

	if (cfg->delay_ms) {
		struct timespec until = start;

		/* A fixed service time, measured from the accept. */
		add_ms(&until, cfg->delay_ms);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until,
				       NULL) == EINTR)
			;
		/* The I/O deadline starts again for the reply. */
		clock_gettime(CLOCK_MONOTONIC, &c.deadline);
		add_ms(&c.deadline, QGS_IO_TIMEOUT_MS);
	}
reply:
	if (err)
		quote_len = 0;
	rlen = build_resp(resp, err, quote_len);
	/*
	 * A reply once started is finished and logged before a SIGTERM or
	 * SIGINT (stopping the service) takes effect: a client that got its
	 * quote must find its log line. The write is bounded by c.deadline.
	 */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, &saved);
	ret = write_full(&c, resp, rlen);
	clock_gettime(CLOCK_MONOTONIC, &done);
	ms = (done.tv_sec - start.tv_sec) * 1000 +
	     (done.tv_nsec - start.tv_nsec) / 1000000;
	if (err) {
		qgs_log("tdx-qgs: request failed: error 0x%x: %s, %ld ms%s%s",
			err, c.why, ms, ret ? ", reply not delivered: " : "",
			ret ? strerror(-ret) : "");
	} else {
		rd = report + TDX_REPORT_OFF(mac_struct.report_data);
		qgs_log("tdx-qgs: request ok: %zu bytes, REPORTDATA %02x%02x%02x%02x.., %ld ms%s%s",
			quote_len, rd[0], rd[1], rd[2], rd[3], ms,
			ret ? ", reply not delivered: " : "",
			ret ? strerror(-ret) : "");
	}
	sigprocmask(SIG_SETMASK, &saved, NULL);
}
