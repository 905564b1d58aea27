// SPDX-License-Identifier: GPL-2.0-only
/*
 * Turn what the (untrusted) host wrote in the GetQuote buffer header into
 * a quote length or an errno. See tdx-quote-check.h for why this file must
 * stay free of kernel-only calls.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <stddef.h>
#include <string.h>
#endif
#include <coco-tsm/tdx-abi.h>

#include "tdx-quote-check.h"

/**
 * tdx_quote_check_response() - validate a completed GetQuote response
 * @status: the buffer's status field, as read once from shared memory
 * @out_len: the buffer's out_len field, as read once from shared memory
 * @buf_size: size of the whole shared buffer, header included
 *
 * The caller reads each field exactly once and passes the copies, so that
 * the host cannot change a value between its check and its use.
 *
 * Return: the length of the quote in the buffer's data area (> 0), or
 * -ECONNREFUSED if the host has no quoting service, -EIO for any other
 * failure status (IN_FLIGHT included: the host went back on its answer)
 * or an empty quote, -EFBIG if @out_len does not fit the data area.
 */
long tdx_quote_check_response(u64 status, u32 out_len, size_t buf_size)
{
	if (status == TDX_QUOTE_STATUS_SERVICE_UNAVAILABLE)
		return -ECONNREFUSED;
	if (status != TDX_QUOTE_STATUS_SUCCESS)
		return -EIO;
	/* A zero-length quote is never a success, whatever the status says */
	if (!out_len)
		return -EIO;
	if (buf_size < TDX_QUOTE_BUF_HDR_SIZE ||
	    out_len > buf_size - TDX_QUOTE_BUF_HDR_SIZE)
		return -EFBIG;
	return out_len;
}

/* Little-endian fields, read bytewise: @p need not be aligned */
static unsigned int tdx_quote_le16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

static size_t tdx_quote_le32(const u8 *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 |
	       (size_t)p[3] << 24;
}

/**
 * tdx_quote_check_reportdata() - check that a quote answers this request
 * @quote: the quote, in private memory
 * @len: its length
 * @reportdata: the 64 bytes of REPORTDATA the request's TDREPORT carried
 *
 * The host returns whatever it likes in the shared buffer: an older quote,
 * another TD's, or a quote of another request. A quote whose body does not
 * carry this request's REPORTDATA would hand the caller's verifier a
 * foreign nonce, so it is refused. Quote v4 and v5 (TDX 1.0 and 1.5
 * bodies) are known; anything else cannot be checked and is refused too.
 *
 * Return: 0 if the quote carries @reportdata, -EBADMSG otherwise.
 */
int tdx_quote_check_reportdata(const u8 *quote, size_t len,
			       const u8 *reportdata)
{
	size_t body, body_size;

	if (len < TDX_QUOTE_HEADER_SIZE + TDX_QUOTE_V5_BODY_DESC_SIZE)
		return -EBADMSG;

	switch (tdx_quote_le16(quote)) {
	case 4:
		body = TDX_QUOTE_HEADER_SIZE;
		body_size = TDX_QUOTE_BODY_TDX10_SIZE;
		break;
	case 5:
		body = TDX_QUOTE_HEADER_SIZE + TDX_QUOTE_V5_BODY_DESC_SIZE;
		body_size = tdx_quote_le32(quote + TDX_QUOTE_HEADER_SIZE + 2);
		switch (tdx_quote_le16(quote + TDX_QUOTE_HEADER_SIZE)) {
		case TDX_QUOTE_V5_BODY_TDX10:
			if (body_size != TDX_QUOTE_BODY_TDX10_SIZE)
				return -EBADMSG;
			break;
		case TDX_QUOTE_V5_BODY_TDX15:
			if (body_size != TDX_QUOTE_BODY_TDX15_SIZE)
				return -EBADMSG;
			break;
		default:
			return -EBADMSG;
		}
		break;
	default:
		return -EBADMSG;
	}

	if (len < body + body_size)
		return -EBADMSG;
	if (memcmp(quote + body + TDX_QUOTE_BODY_OFF_REPORTDATA, reportdata,
		   TDX_REPORTDATA_SIZE))
		return -EBADMSG;
	return 0;
}
