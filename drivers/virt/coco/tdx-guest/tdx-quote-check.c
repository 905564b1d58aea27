// SPDX-License-Identifier: GPL-2.0-only
/*
 * Turn what the (untrusted) host wrote in the GetQuote buffer header into
 * a quote length or an errno. See tdx-quote-check.h for why this file must
 * stay free of kernel-only calls.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#include <stddef.h>
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
