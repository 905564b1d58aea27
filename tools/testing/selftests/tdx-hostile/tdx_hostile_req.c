// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_hostile_req: one quote request through configfs-tsm, as the hostile
 * host matrix needs it observed. Stores a fresh random nonce as the
 * entry's inblob, reads outblob (timed), and prints one line:
 *
 *   ERR MS LEN REPORTDATA TAIL STABLE
 *
 * ERR		"OK" or the errno name of the read
 * MS		duration of the read in milliseconds
 * LEN		bytes returned
 * REPORTDATA	"ok": the quote's REPORTDATA is the nonce; "rewritten":
 *		every byte is the nonce's or the host's 0xA5 overwrite, some
 *		are 0xA5; "FOREIGN": anything else (a quote for another
 *		request); "-" on error
 * TAIL		bytes after the quote's own end (signature_data_len): "none",
 *		"zero", "NONZERO" (bytes of something else leaked), "SHORT"
 *		(the quote is cut), "-" on error
 * STABLE	a second read returns the same bytes: "yes", "NO", "-"
 *
 * usage: tdx_hostile_req ENTRY (the entry is created if needed)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "../tsm-stress/tsm_util.h"

static const char *check_reportdata(const uint8_t *q, size_t len,
				    const uint8_t *nonce)
{
	const uint8_t *rd = q + TDX_QUOTE_REPORTDATA_OFF;
	bool rewritten = false;
	size_t i;

	if (len < TDX_QUOTE_SIG_LEN_OFF)
		return "FOREIGN";
	for (i = 0; i < TSM_NONCE_LEN; i++) {
		if (rd[i] == nonce[i])
			continue;
		if (rd[i] != 0xa5)
			return "FOREIGN";
		rewritten = true;
	}
	return rewritten ? "rewritten" : "ok";
}

/* The quote's own length is 636 + signature_data_len (v4 and v5 TDX 1.0) */
static const char *check_tail(const uint8_t *q, size_t len)
{
	size_t end, i;
	uint32_t sig_len;

	if (len < TDX_QUOTE_SIG_LEN_OFF + 4)
		return "SHORT";
	memcpy(&sig_len, q + TDX_QUOTE_SIG_LEN_OFF, 4);
	end = TDX_QUOTE_SIG_LEN_OFF + 4 + (size_t)sig_len;
	if (end > len)
		return "SHORT";
	if (end == len)
		return "none";
	for (i = end; i < len; i++)
		if (q[i])
			return "NONZERO";
	return "zero";
}

int main(int argc, char **argv)
{
	static uint8_t quote[256 * 1024], again[256 * 1024];
	uint8_t nonce[TSM_NONCE_LEN];
	size_t len = 0, len2 = 0;
	const char *entry;
	uint64_t t0, ms;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s ENTRY\n", argv[0]);
		return 2;
	}
	entry = argv[1];
	rc = tsm_entry_create(entry);
	if (rc && rc != EEXIST) {
		fprintf(stderr, "mkdir %s: %s\n", entry, strerror(rc));
		return 1;
	}
	if (getrandom(nonce, sizeof(nonce), 0) != sizeof(nonce))
		return 1;
	rc = tsm_write_attr(entry, "inblob", nonce, sizeof(nonce));
	if (rc) {
		fprintf(stderr, "inblob: %s\n", strerror(rc));
		return 1;
	}

	t0 = tsm_now_ms();
	rc = tsm_read_attr(entry, "outblob", quote, sizeof(quote), &len);
	ms = tsm_now_ms() - t0;
	if (rc) {
		printf("%s %llu 0 - - -\n", tsm_errno_name(rc),
		       (unsigned long long)ms);
		return 0;
	}
	/* The report is cached: a second read must not see the host again */
	rc = tsm_read_attr(entry, "outblob", again, sizeof(again), &len2);
	printf("OK %llu %zu %s %s %s\n", (unsigned long long)ms, len,
	       check_reportdata(quote, len, nonce), check_tail(quote, len),
	       !rc && len2 == len && !memcmp(quote, again, len) ? "yes" : "NO");
	return 0;
}
