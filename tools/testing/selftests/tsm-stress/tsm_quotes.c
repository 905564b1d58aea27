// SPDX-License-Identifier: GPL-2.0
/*
 * tsm_quotes: many reports in a row through one entry, each for a new
 * inblob and each checked to be made from it: the load of the memory
 * tests (kmemleak, slab usage before and after).
 *
 * usage: tsm_quotes [-c COUNT] [-t SECONDS] [-n ENTRY]
 * Stops after COUNT reports or SECONDS, whichever comes first; prints the
 * count as '# quotes: N in S ms' and exits 0 when every report was right
 * and at least one was made.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsm_util.h"

int main(int argc, char **argv)
{
	unsigned int count = 10000, seconds = 60, done = 0;
	static uint8_t blob[TSM_BLOB_MAX];
	uint8_t nonce[TSM_NONCE_LEN], in[TSM_NONCE_LEN];
	const char *name = "quotes";
	uint64_t t0, deadline, rnd = 7;
	enum tsm_kind kind;
	size_t len, in_len;
	int opt, rc = 0;

	while ((opt = getopt(argc, argv, "c:t:n:")) != -1) {
		switch (opt) {
		case 'c':
			count = atoi(optarg);
			break;
		case 't':
			seconds = atoi(optarg);
			break;
		case 'n':
			name = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-c count] [-t seconds] [-n entry]\n",
				argv[0]);
			return 2;
		}
	}

	rc = tsm_entry_create(name);
	if (rc) {
		printf("# mkdir %s: %s\n", name, strerror(rc));
		return 1;
	}
	kind = tsm_entry_kind(name);

	t0 = tsm_now_ms();
	deadline = t0 + seconds * 1000ull;
	while (done < count && tsm_now_ms() < deadline) {
		tsm_nonce_make(nonce, 0, done, &rnd);
		rc = tsm_write_attr(name, "inblob", nonce, sizeof(nonce));
		if (rc) {
			printf("# report %u: store: %s\n", done, strerror(rc));
			break;
		}
		rc = tsm_read_attr(name, "outblob", blob, sizeof(blob), &len);
		if (rc) {
			printf("# report %u: read: %s\n", done, strerror(rc));
			break;
		}
		if (tsm_blob_inblob(kind, blob, len, in, &in_len) ||
		    in_len != sizeof(nonce) || memcmp(in, nonce, in_len)) {
			printf("# report %u (%zu bytes) is not of its inblob\n",
			       done, len);
			rc = EPROTO;
			break;
		}
		done++;
	}
	printf("# quotes: %u in %llu ms\n", done,
	       (unsigned long long)(tsm_now_ms() - t0));
	if (tsm_entry_remove(name)) {
		printf("# rmdir %s failed\n", name);
		rc = rc ?: EIO;
	}
	return rc || !done;
}
