/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Validation of the host's answer to GetQuote. Pure: no kernel-only calls,
 * so that it also builds in userspace (a fuzzer compiles tdx-quote-check.c
 * with -I<linux>/tools/include -I<project>/include).
 */
#ifndef __TDX_QUOTE_CHECK_H
#define __TDX_QUOTE_CHECK_H

#include <linux/types.h>

long tdx_quote_check_response(u64 status, u32 out_len, size_t buf_size);
int tdx_quote_check_reportdata(const u8 *quote, size_t len,
			       const u8 *reportdata);

#endif /* __TDX_QUOTE_CHECK_H */
