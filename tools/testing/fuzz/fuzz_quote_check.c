// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness over tdx_quote_check_response(), the tdx-guest
 * driver's validation of what the (untrusted) host wrote in the GetQuote
 * shared buffer, compiled from the driver's own source file.
 *
 * The input is the shared buffer as the host left it, preceded by one
 * selector byte for the buffer size:
 *
 *   byte 0:     bit 7 clear: buf_size = 4 KiB * (1 + (bits 0-4)), up to
 *               128 KiB (what QEMU accepts); bit 7 set: buf_size is
 *               bits 0-6 (0..127 bytes), to cover buffers smaller than
 *               the header
 *   bytes 1..:  the buffer: u64 version, u64 status, u32 in_len,
 *               u32 out_len, then data (zero filled up to buf_size)
 *
 * The harness does what the driver does with the answer: reads status and
 * out_len once, asks the check for a length and copies that many bytes
 * out of the data area. The buffer is allocated at exactly buf_size, so
 * AddressSanitizer catches a length the check should have refused; the
 * explicit checks below catch any answer outside the check's contract.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <coco-tsm/tdx-abi.h>

#include "../../../drivers/virt/coco/tdx-guest/tdx-quote-check.h"

#define FUZZ_PAGE	4096u

static void fuzz_fail(const char *why, u64 status, u32 out_len,
		      size_t buf_size, long ret)
{
	fprintf(stderr,
		"contract violated: %s (status %#llx out_len %u buf_size %zu -> %ld)\n",
		why, (unsigned long long)status, out_len, buf_size, ret);
	abort();
}

static size_t fuzz_buf_size(u8 sel)
{
	size_t size;

	if (sel & 0x80)
		return sel & 0x7f;
	size = FUZZ_PAGE * (1 + (sel & 0x1f));
	return size > TDX_QUOTE_BUF_MAX_SIZE ? TDX_QUOTE_BUF_MAX_SIZE : size;
}

/* What the check must answer, from the GHCI status codes alone */
static void fuzz_check_contract(u64 status, u32 out_len, size_t buf_size,
				long ret)
{
	if (status == TDX_QUOTE_STATUS_SERVICE_UNAVAILABLE) {
		if (ret != -ECONNREFUSED)
			fuzz_fail("SERVICE_UNAVAILABLE must give ECONNREFUSED",
				  status, out_len, buf_size, ret);
		return;
	}
	if (status != TDX_QUOTE_STATUS_SUCCESS) {
		if (ret != -EIO)
			fuzz_fail("a failure status must give EIO", status,
				  out_len, buf_size, ret);
		return;
	}
	if (!out_len) {
		if (ret != -EIO)
			fuzz_fail("an empty quote must give EIO", status,
				  out_len, buf_size, ret);
		return;
	}
	if (buf_size < TDX_QUOTE_BUF_HDR_SIZE ||
	    out_len > buf_size - TDX_QUOTE_BUF_HDR_SIZE) {
		if (ret != -EFBIG)
			fuzz_fail("a quote past the buffer must give EFBIG",
				  status, out_len, buf_size, ret);
		return;
	}
	if (ret != (long)out_len)
		fuzz_fail("a fitting quote must give its length", status,
			  out_len, buf_size, ret);
}

/* FUZZ_ENTRY is libFuzzer's entry point, named by the Makefile */
int FUZZ_ENTRY(const u8 *data, size_t size);

int FUZZ_ENTRY(const u8 *data, size_t size)
{
	struct tdx_quote_buf hdr;
	size_t buf_size;
	u8 *buf, *quote;
	u64 status;
	u32 out_len;
	long ret;

	if (!size)
		return 0;
	buf_size = fuzz_buf_size(data[0]);
	data++;
	size--;

	/* Exactly buf_size bytes: one byte more read is an ASan report */
	buf = malloc(buf_size ? buf_size : 1);
	if (!buf)
		return 0;
	memset(buf, 0, buf_size);
	memcpy(buf, data, size < buf_size ? size : buf_size);

	/* A header that does not fit is read as the host left the rest: 0 */
	memset(&hdr, 0, sizeof(hdr));
	memcpy(&hdr, buf, buf_size < sizeof(hdr) ? buf_size : sizeof(hdr));
	status = hdr.status;
	out_len = hdr.out_len;

	ret = tdx_quote_check_response(status, out_len, buf_size);
	fuzz_check_contract(status, out_len, buf_size, ret);

	if (ret > 0) {
		/* Exactly the quote, as the driver copies it: ASan bounds it */
		quote = malloc(ret);
		if (quote) {
			static const u8 zeros[TDX_REPORTDATA_SIZE];
			int rc;

			memcpy(quote, buf + TDX_QUOTE_BUF_HDR_SIZE, ret);
			rc = tdx_quote_check_reportdata(quote, ret, zeros);
			if (rc && rc != -EBADMSG)
				fuzz_fail("REPORTDATA check: 0 or EBADMSG only",
					  status, out_len, buf_size, rc);
			free(quote);
		}
	}
	free(buf);
	return 0;
}
