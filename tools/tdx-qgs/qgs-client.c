// SPDX-License-Identifier: GPL-2.0-only
/*
 * qgs-client: a minimal QGS protocol client, for tests and for checking a
 * quoting service by hand.
 *
 *   qgs-client [--socket PATH] [--timeout-ms N] REPORT [QUOTE_OUT]
 *	sends REPORT (normally a 1024-byte TDREPORT) in a GET_QUOTE_REQ
 *	and writes the quote to QUOTE_OUT (default: stdout).
 *   qgs-client [--socket PATH] --raw REQUEST
 *	sends the bytes of REQUEST verbatim (framing included) and prints
 *	what came back: "error 0x12006", "quote N bytes" or "no response".
 *
 * Exit status: 0 quote received, 1 the service answered with an error,
 * 2 no valid response (connection, framing or timeout), 64 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../lib/tdx-quote/layout.h"

#define REQ_MAX		(64 * 1024)
#define RESP_MAX	(64 * 1024)

static int timeout_ms = 30000;

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "qgs-client: socket path too long\n");
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "qgs-client: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const u8 *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read until EOF, @cap bytes or the timeout; returns bytes read or -1. */
static ssize_t recv_all(int fd, u8 *buf, size_t cap)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;
	int r;

	while (got < cap) {
		r = poll(&p, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fprintf(stderr, "qgs-client: %s\n",
				r ? strerror(errno) : "timed out");
			return -1;
		}
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* a reset after a complete reply still counts */
			if (errno == ECONNRESET && got)
				break;
			return -1;
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static u8 *read_file(const char *path, size_t max, size_t *len)
{
	u8 *buf = malloc(max + 1);
	size_t n = 0;
	ssize_t r;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto err;
	while ((r = read(fd, buf + n, max + 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	if (r < 0 || n > max)
		goto err;
	*len = n;
	return buf;
err:
	fprintf(stderr, "qgs-client: %s: %s\n", path,
		n > max ? "too large" : strerror(errno));
	free(buf);
	return NULL;
}

/*
 * Check a framed GET_QUOTE_RESP the way QEMU does: version 1.1, right
 * type, sizes that add up. Return 0 with the quote located, 1 for an
 * error response, 2 for anything malformed.
 */
static int parse_resp(const u8 *buf, size_t len, const u8 **quote,
		      u32 *qlen, u32 *error)
{
	const u8 *h = buf + QGS_PREFIX_SIZE;
	u32 msg, sel;

	if (len < QGS_PREFIX_SIZE + sizeof(struct qgs_msg_get_quote_resp)) {
		fprintf(stderr, "qgs-client: short response (%zu bytes)\n",
			len);
		return 2;
	}
	msg = get_be32(buf);
	if ((u64)msg + QGS_PREFIX_SIZE != len ||
	    get_le32(h + offsetof(struct qgs_msg_header, size)) != msg ||
	    get_le16(h + offsetof(struct qgs_msg_header, major_version)) != 1 ||
	    get_le16(h + offsetof(struct qgs_msg_header, minor_version)) != 1 ||
	    get_le32(h + offsetof(struct qgs_msg_header, type)) !=
	    QGS_MSG_GET_QUOTE_RESP) {
		fprintf(stderr, "qgs-client: malformed response framing\n");
		return 2;
	}
	*error = get_le32(h + offsetof(struct qgs_msg_header, error_code));
	if (*error)
		return 1;
	sel = get_le32(h + offsetof(struct qgs_msg_get_quote_resp,
				    selected_id_size));
	*qlen = get_le32(h + offsetof(struct qgs_msg_get_quote_resp,
				      quote_size));
	if ((u64)sel + *qlen + sizeof(struct qgs_msg_get_quote_resp) != msg) {
		fprintf(stderr, "qgs-client: response sizes do not add up\n");
		return 2;
	}
	*quote = h + sizeof(struct qgs_msg_get_quote_resp) + sel;
	return 0;
}

static int write_out(const char *path, const u8 *p, size_t len)
{
	FILE *f = path ? fopen(path, "we") : stdout;
	int bad;

	if (!f) {
		fprintf(stderr, "qgs-client: %s: %s\n", path, strerror(errno));
		return -1;
	}
	bad = fwrite(p, 1, len, f) != len;
	if (path)
		bad |= fclose(f) != 0;
	else
		bad |= fflush(f) != 0;
	return bad ? -1 : 0;
}

static u8 *frame_request(const u8 *report, size_t rlen, size_t *len)
{
	size_t msg = sizeof(struct qgs_msg_get_quote_req) + rlen;
	u8 *buf = calloc(1, QGS_PREFIX_SIZE + msg), *h;

	if (!buf)
		return NULL;
	h = buf + QGS_PREFIX_SIZE;
	put_be32(buf, (u32)msg);
	put_le16(h + offsetof(struct qgs_msg_header, major_version), 1);
	put_le16(h + offsetof(struct qgs_msg_header, minor_version), 1);
	put_le32(h + offsetof(struct qgs_msg_header, type),
		 QGS_MSG_GET_QUOTE_REQ);
	put_le32(h + offsetof(struct qgs_msg_header, size), (u32)msg);
	put_le32(h + offsetof(struct qgs_msg_get_quote_req, report_size),
		 (u32)rlen);
	memcpy(h + sizeof(struct qgs_msg_get_quote_req), report, rlen);
	*len = QGS_PREFIX_SIZE + msg;
	return buf;
}

static int print_usage(void)
{
	fputs("usage: qgs-client [--socket PATH] [--timeout-ms N] REPORT [QUOTE_OUT]\n"
	      "       qgs-client [--socket PATH] [--timeout-ms N] --raw REQUEST\n",
	      stderr);
	return 64;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "raw", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "/run/tdx-qgs/qgs.socket";
	u8 *in, *req, *resp;
	const u8 *quote = NULL;
	size_t ilen, qreq;
	u32 qlen = 0, error = 0;
	bool raw = false;
	ssize_t got;
	int c, fd, ret = 2;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			path = optarg;
			break;
		case 't':
			timeout_ms = atoi(optarg);
			if (timeout_ms <= 0)
				return print_usage();
			break;
		case 'r':
			raw = true;
			break;
		default:
			return print_usage();
		}
	}
	if (optind >= argc || argc - optind > (raw ? 1 : 2))
		return print_usage();
	in = read_file(argv[optind], REQ_MAX, &ilen);
	if (!in)
		return 2;
	if (raw) {
		req = in;
		qreq = ilen;
	} else {
		req = frame_request(in, ilen, &qreq);
		free(in);
		if (!req)
			return 2;
	}
	resp = malloc(RESP_MAX);
	fd = connect_to(path);
	if (fd < 0 || !resp)
		goto out;
	/* A server may answer early and hang up: still read its reply. */
	send_all(fd, req, qreq);
	shutdown(fd, SHUT_WR);
	got = recv_all(fd, resp, RESP_MAX);
	close(fd);
	if (got < 0)
		goto out;
	if (!got) {
		if (raw)
			printf("no response\n");
		else
			fprintf(stderr, "qgs-client: no response\n");
		goto out;
	}
	ret = parse_resp(resp, (size_t)got, &quote, &qlen, &error);
	if (raw) {
		if (ret == 1)
			printf("error 0x%x\n", error);
		else if (!ret)
			printf("quote %u bytes\n", qlen);
		else
			printf("malformed response\n");
	} else if (ret == 1) {
		fprintf(stderr, "qgs-client: service error 0x%x\n", error);
	} else if (!ret && write_out(argc - optind == 2 ? argv[optind + 1] :
				     NULL, quote, qlen)) {
		ret = 2;
	}
out:
	free(resp);
	free(req);
	return ret;
}
