// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit test of tdx_quote_check_response() and
 * tdx_quote_check_reportdata(), the driver's pure validation of the host's
 * GetQuote answer, compiled from the driver's own source file. Prints TAP.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <coco-tsm/tdx-abi.h>

#include "../../../../drivers/virt/coco/tdx-guest/tdx-quote-check.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BUF	(128 * 1024)
#define MAX	(BUF - 24)

static const struct {
	const char *name;
	u64 status;
	u32 out_len;
	size_t buf_size;
	long want;
} cases[] = {
	{ "success", TDX_QUOTE_STATUS_SUCCESS, 5000, BUF, 5000 },
	{ "success, one byte", TDX_QUOTE_STATUS_SUCCESS, 1, BUF, 1 },
	{ "success, largest fit", TDX_QUOTE_STATUS_SUCCESS, MAX, BUF, MAX },
	{ "one byte too many", TDX_QUOTE_STATUS_SUCCESS, MAX + 1, BUF, -EFBIG },
	{ "out_len 0xffffffff", TDX_QUOTE_STATUS_SUCCESS, 0xffffffff, BUF,
	  -EFBIG },
	{ "empty quote", TDX_QUOTE_STATUS_SUCCESS, 0, BUF, -EIO },
	{ "service unavailable", TDX_QUOTE_STATUS_SERVICE_UNAVAILABLE, 100,
	  BUF, -ECONNREFUSED },
	{ "service unavailable, empty", TDX_QUOTE_STATUS_SERVICE_UNAVAILABLE,
	  0, BUF, -ECONNREFUSED },
	{ "error", TDX_QUOTE_STATUS_ERROR, 100, BUF, -EIO },
	{ "still in flight", TDX_QUOTE_STATUS_IN_FLIGHT, 100, BUF, -EIO },
	{ "unknown status", 0x1234, 100, BUF, -EIO },
	{ "buffer smaller than header", TDX_QUOTE_STATUS_SUCCESS, 1, 23,
	  -EFBIG },
	{ "header only", TDX_QUOTE_STATUS_SUCCESS, 1, 24, -EFBIG },
};

/* REPORTDATA checks: a quote built from a layout, then maybe spoiled */
enum spoil { SPOIL_NONE, SPOIL_FIRST, SPOIL_LAST, SPOIL_SHORT };

static const struct {
	const char *name;
	unsigned int version;	/* 4, 5, or anything else */
	unsigned int body_type;	/* v5 only */
	unsigned int body_size;	/* v5 only: the size the quote claims */
	enum spoil spoil;
	int want;
} rd_cases[] = {
	{ "v4, own REPORTDATA", 4, 0, 0, SPOIL_NONE, 0 },
	{ "v4, first byte differs", 4, 0, 0, SPOIL_FIRST, -EBADMSG },
	{ "v4, last byte differs", 4, 0, 0, SPOIL_LAST, -EBADMSG },
	{ "v4, cut inside the body", 4, 0, 0, SPOIL_SHORT, -EBADMSG },
	{ "v5 TDX 1.0 body, own REPORTDATA", 5, 2, 584, SPOIL_NONE, 0 },
	{ "v5 TDX 1.5 body, own REPORTDATA", 5, 3, 648, SPOIL_NONE, 0 },
	{ "v5 TDX 1.5 body, last byte differs", 5, 3, 648, SPOIL_LAST,
	  -EBADMSG },
	{ "v5 TDX 1.5 body, cut inside the body", 5, 3, 648, SPOIL_SHORT,
	  -EBADMSG },
	{ "v5, SGX body", 5, 1, 384, SPOIL_NONE, -EBADMSG },
	{ "v5 TDX 1.0 type, 1.5 size", 5, 2, 648, SPOIL_NONE, -EBADMSG },
	{ "version 3", 3, 0, 0, SPOIL_NONE, -EBADMSG },
	{ "a TDREPORT (type 0x81)", 0x81, 0, 0, SPOIL_NONE, -EBADMSG },
};

static int check_reportdata_case(unsigned int i)
{
	static u8 quote[4096];
	u8 rd[TDX_REPORTDATA_SIZE];
	size_t body, body_size, len, j;

	memset(quote, 0, sizeof(quote));
	for (j = 0; j < sizeof(rd); j++)
		rd[j] = 0x40 + j;
	quote[0] = rd_cases[i].version & 0xff;
	quote[1] = rd_cases[i].version >> 8;
	if (rd_cases[i].version == 5) {
		body = TDX_QUOTE_HEADER_SIZE + TDX_QUOTE_V5_BODY_DESC_SIZE;
		body_size = rd_cases[i].body_size;
		quote[TDX_QUOTE_HEADER_SIZE] = rd_cases[i].body_type;
		quote[TDX_QUOTE_HEADER_SIZE + 2] = body_size & 0xff;
		quote[TDX_QUOTE_HEADER_SIZE + 3] = body_size >> 8;
	} else {
		body = TDX_QUOTE_HEADER_SIZE;
		body_size = TDX_QUOTE_BODY_TDX10_SIZE;
	}
	memcpy(quote + body + TDX_QUOTE_BODY_OFF_REPORTDATA, rd, sizeof(rd));
	/* The signature data follows the body; its length is not checked */
	len = body + body_size + 4 + 1000;

	switch (rd_cases[i].spoil) {
	case SPOIL_NONE:
		break;
	case SPOIL_FIRST:
		quote[body + TDX_QUOTE_BODY_OFF_REPORTDATA] ^= 1;
		break;
	case SPOIL_LAST:
		quote[body + TDX_QUOTE_BODY_OFF_REPORTDATA + 63] ^= 0x80;
		break;
	case SPOIL_SHORT:
		len = body + body_size - 1;
		break;
	}
	return tdx_quote_check_reportdata(quote, len, rd);
}

int main(void)
{
	unsigned int i, failed = 0;
	long got;

	printf("TAP version 13\n1..%zu\n",
	       ARRAY_SIZE(cases) + ARRAY_SIZE(rd_cases));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		got = tdx_quote_check_response(cases[i].status,
					       cases[i].out_len,
					       cases[i].buf_size);
		if (got == cases[i].want) {
			printf("ok %u %s\n", i + 1, cases[i].name);
		} else {
			printf("not ok %u %s: got %ld, want %ld\n", i + 1,
			       cases[i].name, got, cases[i].want);
			failed++;
		}
	}
	for (i = 0; i < ARRAY_SIZE(rd_cases); i++) {
		int rc = check_reportdata_case(i);
		unsigned int n = ARRAY_SIZE(cases) + i + 1;

		if (rc == rd_cases[i].want) {
			printf("ok %u reportdata: %s\n", n, rd_cases[i].name);
		} else {
			printf("not ok %u reportdata: %s: got %d, want %d\n", n,
			       rd_cases[i].name, rc, rd_cases[i].want);
			failed++;
		}
	}
	return failed ? 1 : 0;
}
