// SPDX-License-Identifier: GPL-2.0-only
/*
 * TDX platform emulator: the VMM's client of the quoting service.
 *
 * Speaks the QGS message protocol of Intel's DCAP quote generation service
 * over a unix stream socket, one connection per request, as QEMU does with
 * its quote-generation-socket: a 4-byte big-endian length, then a
 * GET_QUOTE_REQ carrying the TDREPORT; the reply is a GET_QUOTE_RESP
 * carrying the quote, checked as strictly as QEMU checks it.
 */
#include <linux/jiffies.h>
#include <linux/fs_struct.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/un.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <coco-tsm/kcompat.h>

#include "emu.h"

#define QGS_MSG_MAJOR_VER		1
#define QGS_MSG_MINOR_VER		1
#define QGS_MSG_GET_QUOTE_REQ		0
#define QGS_MSG_GET_QUOTE_RESP		1
#define QGS_PREFIX_SIZE			4	/* big-endian message length */
#define QGS_HDR_SIZE			16
/* GET_QUOTE_REQ and GET_QUOTE_RESP: header and two u32 sizes */
#define QGS_GET_QUOTE_FIXED_SIZE	(QGS_HDR_SIZE + 8)

/* Offsets in a message, after the length prefix */
#define QGS_OFF_MAJOR			0
#define QGS_OFF_MINOR			2
#define QGS_OFF_TYPE			4
#define QGS_OFF_SIZE			8
#define QGS_OFF_ERROR			12
#define QGS_OFF_REPORT_SIZE		16	/* request */
#define QGS_OFF_ID_LIST_SIZE		20	/* request */
#define QGS_OFF_SELECTED_ID_SIZE	16	/* response */
#define QGS_OFF_QUOTE_SIZE		20	/* response */

/**
 * struct tdx_emu_qgs_conn - a connection to the quoting service in use
 * @node: entry in tdx_emu_qgs_conns
 * @sock: the connection's socket
 */
struct tdx_emu_qgs_conn {
	struct list_head node;
	struct socket *sock;
};

/*
 * Protects the list of live connections and tdx_emu_qgs_aborted, so that
 * module exit can shut every connection down instead of waiting for the
 * quoting service's timeout.
 */
static DEFINE_MUTEX(tdx_emu_qgs_lock);
static LIST_HEAD(tdx_emu_qgs_conns);
static bool tdx_emu_qgs_aborted;

static int tdx_emu_qgs_send_all(struct socket *sock, const u8 *buf,
				size_t len)
{
	while (len) {
		struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
		struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
		int n;

		n = kernel_sendmsg(sock, &msg, &iov, 1, len);
		if (n < 0)
			return n;
		if (!n)
			return -ECONNRESET;
		buf += n;
		len -= n;
	}
	return 0;
}

static int tdx_emu_qgs_recv_all(struct socket *sock, u8 *buf, size_t len)
{
	while (len) {
		struct kvec iov = { .iov_base = buf, .iov_len = len };
		struct msghdr msg = {};
		int n;

		n = kernel_recvmsg(sock, &msg, &iov, 1, len, MSG_WAITALL);
		if (n < 0)
			return n == -EAGAIN ? -ETIMEDOUT : n;
		if (!n)
			return -ECONNRESET;
		buf += n;
		len -= n;
	}
	return 0;
}

static void tdx_emu_qgs_close(struct tdx_emu_qgs_conn *conn)
{
	mutex_lock(&tdx_emu_qgs_lock);
	list_del(&conn->node);
	mutex_unlock(&tdx_emu_qgs_lock);
	sock_release(conn->sock);
}

/* Any failure to reach the service means there is none: -ECONNREFUSED */
/*
 * The socket's path is the guest's: looked up in the filesystem of PID 1,
 * which kernel threads share before 7.x and borrow with
 * scoped_with_init_fs() from then on (they live in an empty root).
 */
static int tdx_emu_qgs_connect_path(struct socket *sock,
				    struct sockaddr_un *addr, int len)
{
	int rc = -ECONNREFUSED;

#ifdef COCO_HAVE_SCOPED_WITH_INIT_FS
	scoped_with_init_fs()
		rc = coco_kernel_connect(sock, addr, len, 0);
#else
	rc = coco_kernel_connect(sock, addr, len, 0);
#endif
	return rc;
}

static int tdx_emu_qgs_connect(struct tdx_emu_qgs_conn *conn)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	long timeout = msecs_to_jiffies(TDX_EMU_QGS_TIMEOUT_MS);
	ssize_t len;
	int rc;

	kernel_param_lock(THIS_MODULE);
	len = strscpy(addr.sun_path, tdx_emu_qgs_socket, sizeof(addr.sun_path));
	kernel_param_unlock(THIS_MODULE);
	if (len <= 0)
		return -ECONNREFUSED;

	rc = sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM, 0, &conn->sock);
	if (rc)
		return rc;

	/* The VMM gives up on a silent service, like QEMU, after 30 s */
	conn->sock->sk->sk_rcvtimeo = timeout;
	conn->sock->sk->sk_sndtimeo = timeout;

	mutex_lock(&tdx_emu_qgs_lock);
	if (tdx_emu_qgs_aborted) {
		mutex_unlock(&tdx_emu_qgs_lock);
		sock_release(conn->sock);
		return -ESHUTDOWN;
	}
	list_add(&conn->node, &tdx_emu_qgs_conns);
	mutex_unlock(&tdx_emu_qgs_lock);

	rc = tdx_emu_qgs_connect_path(conn->sock, &addr,
				      offsetof(struct sockaddr_un, sun_path) +
				      len + 1);
	if (rc) {
		pr_debug("no quoting service at %s: %d\n", addr.sun_path, rc);
		tdx_emu_qgs_close(conn);
		return -ECONNREFUSED;
	}
	return 0;
}

static int tdx_emu_qgs_send_request(struct socket *sock, const u8 *report,
				    size_t report_len)
{
	size_t msg_len = QGS_GET_QUOTE_FIXED_SIZE + report_len;
	u8 *buf, *msg;
	int rc;

	buf = kzalloc(QGS_PREFIX_SIZE + msg_len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	put_unaligned_be32(msg_len, buf);
	msg = buf + QGS_PREFIX_SIZE;
	put_unaligned_le16(QGS_MSG_MAJOR_VER, msg + QGS_OFF_MAJOR);
	put_unaligned_le16(QGS_MSG_MINOR_VER, msg + QGS_OFF_MINOR);
	put_unaligned_le32(QGS_MSG_GET_QUOTE_REQ, msg + QGS_OFF_TYPE);
	put_unaligned_le32(msg_len, msg + QGS_OFF_SIZE);
	put_unaligned_le32(report_len, msg + QGS_OFF_REPORT_SIZE);
	/* error_code and id_list_size stay 0 */
	memcpy(msg + QGS_GET_QUOTE_FIXED_SIZE, report, report_len);

	rc = tdx_emu_qgs_send_all(sock, buf, QGS_PREFIX_SIZE + msg_len);
	kfree(buf);
	return rc;
}

/* The service is as untrusted as the host: check every field */
static int tdx_emu_qgs_recv_reply(struct socket *sock, u8 *quote,
				  size_t quote_max, size_t *quote_len)
{
	u8 hdr[QGS_GET_QUOTE_FIXED_SIZE];
	u8 prefix[QGS_PREFIX_SIZE];
	u32 msg_len, size;
	int rc;

	rc = tdx_emu_qgs_recv_all(sock, prefix, sizeof(prefix));
	if (rc)
		return rc;
	msg_len = get_unaligned_be32(prefix);
	if (msg_len < sizeof(hdr))
		return -EPROTO;

	rc = tdx_emu_qgs_recv_all(sock, hdr, sizeof(hdr));
	if (rc)
		return rc;
	if (get_unaligned_le16(hdr + QGS_OFF_MAJOR) != QGS_MSG_MAJOR_VER ||
	    get_unaligned_le16(hdr + QGS_OFF_MINOR) != QGS_MSG_MINOR_VER ||
	    get_unaligned_le32(hdr + QGS_OFF_TYPE) != QGS_MSG_GET_QUOTE_RESP ||
	    get_unaligned_le32(hdr + QGS_OFF_SIZE) != msg_len)
		return -EPROTO;
	if (get_unaligned_le32(hdr + QGS_OFF_ERROR)) {
		pr_debug("quoting service error %#x\n",
			 get_unaligned_le32(hdr + QGS_OFF_ERROR));
		return -EREMOTEIO;
	}

	size = get_unaligned_le32(hdr + QGS_OFF_QUOTE_SIZE);
	if (get_unaligned_le32(hdr + QGS_OFF_SELECTED_ID_SIZE) ||
	    size != msg_len - sizeof(hdr) || !size)
		return -EPROTO;
	if (size > quote_max)
		return -EFBIG;

	rc = tdx_emu_qgs_recv_all(sock, quote, size);
	if (rc)
		return rc;
	*quote_len = size;
	return 0;
}

/**
 * tdx_emu_qgs_get_quote() - have the quoting service quote a TDREPORT
 * @conn: a connection of tdx_emu_qgs_open(), used for this request only
 * @report: the TDREPORT
 * @report_len: its length
 * @quote: where the quote goes
 * @quote_max: room at @quote
 * @quote_len: length of the quote on success
 *
 * Sends a GET_QUOTE_REQ and waits up to 30 s for the GET_QUOTE_RESP.
 * Sleeps.
 *
 * Return: 0 on success; a negative errno if the exchange failed or the
 * reply was malformed, an error, or larger than @quote_max.
 */
int tdx_emu_qgs_get_quote(struct tdx_emu_qgs_conn *conn, const u8 *report,
			  size_t report_len, u8 *quote, size_t quote_max,
			  size_t *quote_len)
{
	int rc;

	rc = tdx_emu_qgs_send_request(conn->sock, report, report_len);
	if (rc)
		return rc;
	return tdx_emu_qgs_recv_reply(conn->sock, quote, quote_max, quote_len);
}

/**
 * tdx_emu_qgs_open() - connect to the quoting service
 *
 * Connects to the socket named by the qgs_socket parameter, a path in the
 * root of PID 1, from whatever task calls it. Sleeps.
 *
 * Return: the connection, or ERR_PTR(-ECONNREFUSED) when no quoting
 * service could be reached, or another ERR_PTR().
 */
struct tdx_emu_qgs_conn *tdx_emu_qgs_open(void)
{
	struct tdx_emu_qgs_conn *conn;
	int rc;

	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn)
		return ERR_PTR(-ENOMEM);
	rc = tdx_emu_qgs_connect(conn);
	if (rc) {
		kfree(conn);
		return ERR_PTR(rc);
	}
	return conn;
}

/**
 * tdx_emu_qgs_put() - close a connection of tdx_emu_qgs_open()
 * @conn: the connection; NULL and ERR_PTR() values are ignored
 */
void tdx_emu_qgs_put(struct tdx_emu_qgs_conn *conn)
{
	if (IS_ERR_OR_NULL(conn))
		return;
	tdx_emu_qgs_close(conn);
	kfree(conn);
}

/**
 * tdx_emu_qgs_abort() - end every exchange with the quoting service
 *
 * Shuts down the connections in use, so their requests fail at once, and
 * refuses new ones. For module exit.
 */
void tdx_emu_qgs_abort(void)
{
	struct tdx_emu_qgs_conn *conn;

	mutex_lock(&tdx_emu_qgs_lock);
	tdx_emu_qgs_aborted = true;
	list_for_each_entry(conn, &tdx_emu_qgs_conns, node)
		kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	mutex_unlock(&tdx_emu_qgs_lock);
}
