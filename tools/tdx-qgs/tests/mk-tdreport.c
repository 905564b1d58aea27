// SPDX-License-Identifier: GPL-2.0-only
/*
 * mk-tdreport: write a TDREPORT with a chosen REPORTDATA and correct
 * TEE_TCB_INFO_HASH / TEE_INFO_HASH (the MAC stays zero: only the platform
 * can make one). Test helper for tdx-qgs without the emulator.
 *
 *   mk-tdreport REPORTDATA_HEX OUT
 */
#include <stdio.h>
#include <string.h>

#include "../../lib/tdx-quote/crypto.h"
#include "../../lib/tdx-quote/layout.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int main(int argc, char **argv)
{
	struct tdx_report r;
	size_t i, n;
	FILE *f;

	if (argc != 3 || strlen(argv[1]) % 2 || strlen(argv[1]) > 128) {
		fprintf(stderr, "usage: mk-tdreport REPORTDATA_HEX OUT\n");
		return 64;
	}
	memset(&r, 0, sizeof(r));
	r.mac_struct.type = TDX_REPORT_TYPE_TDX;
	n = strlen(argv[1]) / 2;
	for (i = 0; i < n; i++) {
		int hi = hexval(argv[1][2 * i]), lo = hexval(argv[1][2 * i + 1]);

		if (hi < 0 || lo < 0) {
			fprintf(stderr, "mk-tdreport: bad hex\n");
			return 64;
		}
		r.mac_struct.report_data[i] = (u8)(hi << 4 | lo);
	}
	/* Distinct recognisable bytes in every field the quote body maps. */
	r.tee_tcb_info.valid[0] = 0xff;
	r.tee_tcb_info.valid[1] = 0x01;
	memset(r.tee_tcb_info.tee_tcb_svn, 0x03, 2);
	memset(r.tee_tcb_info.mr_seam, 0x5e, sizeof(r.tee_tcb_info.mr_seam));
	r.td_info.attributes[3] = 0x10;	/* SEPT_VE_DISABLE */
	r.td_info.xfam[0] = 0xe7;
	memset(r.td_info.mr_td, 0x7d, sizeof(r.td_info.mr_td));
	memset(r.td_info.mr_config_id, 0xc1, sizeof(r.td_info.mr_config_id));
	memset(r.td_info.mr_owner, 0x0e, sizeof(r.td_info.mr_owner));
	memset(r.td_info.mr_owner_config, 0x0c,
	       sizeof(r.td_info.mr_owner_config));
	for (i = 0; i < 4; i++)
		memset(r.td_info.rtmr[i], 0xa0 + (int)i,
		       sizeof(r.td_info.rtmr[i]));
	if (tdxq_tdreport_fix_hashes((u8 *)&r))
		return 1;
	f = fopen(argv[2], "we");
	if (!f || fwrite(&r, 1, sizeof(r), f) != sizeof(r) || fclose(f)) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
