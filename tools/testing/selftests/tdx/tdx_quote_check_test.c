// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit test of tdx_quote_check_response(), the driver's pure
 * validation of the host's GetQuote answer, compiled from the driver's own
 * source file. Prints TAP.
 */
#include <errno.h>
#include <stdio.h>

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

int main(void)
{
	unsigned int i, failed = 0;
	long got;

	printf("TAP version 13\n1..%zu\n", ARRAY_SIZE(cases));
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
	return failed ? 1 : 0;
}
