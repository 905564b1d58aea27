// SPDX-License-Identifier: GPL-2.0-only
/*
 * tdx-quote: dump and verify TDX quotes (v4, v5) and TDREPORTs.
 *
 * Input files are untrusted: they are read with a size cap and handed to
 * the bounds-checked parser in tools/lib/tdx-quote.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tdx-quote.h"

static const char usage_text[] =
"usage: tdx-quote dump [--json] FILE\n"
"       tdx-quote verify --root ROOT.pem [--nonce HEX | --nonce-file F]\n"
"                        [--rtmr N:LOG]... FILE\n"
"       tdx-quote rtmr-replay [--init HEX] LOG\n"
"\n"
"dump    prints every field of a TDX quote v4/v5 or a 1024-byte TDREPORT\n"
"        (format detected from the version field and the size).\n"
"verify  checks the quote signature (attestation key), the QE report\n"
"        data binding, the PCK certificate chain up to ROOT.pem, the QE\n"
"        report signature (PCK leaf key) and, if given, that REPORTDATA\n"
"        equals the nonce (1..64 bytes, zero-padded to 64).\n"
"        Certificate validity dates are NOT checked\n"
"        (X509_V_FLAG_NO_CHECK_TIME): freshness comes from the nonce, and\n"
"        archived quotes carry expired chains.\n"
"        --rtmr N:LOG (N 0..3, repeatable) also checks that RTMR N equals\n"
"        the replay of the event log LOG from zero.\n"
"rtmr-replay  prints, as 96 hex digits, the RTMR value that the SHA-384\n"
"        digests of LOG (one as 96 hex digits a line; blank lines and\n"
"        '#' lines skipped; '-' is stdin) give when extended in order into\n"
"        a register holding zero, or HEX: RTMR = SHA-384(RTMR || digest).\n"
"\n"
"exit status: 0 success, 1 verification failed, 2 bad input (unreadable,\n"
"truncated, oversized or malformed file), 64 usage error\n";

static int usage(void)
{
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

/* Read a whole file, refusing anything larger than @max bytes. */
static u8 *read_file(const char *path, size_t max, size_t *len)
{
	size_t cap = 4096, n = 0;
	u8 *buf = NULL, *nbuf;
	ssize_t got;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "tdx-quote: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n == cap || !buf) {
			if (buf)
				cap *= 2;
			nbuf = realloc(buf, cap);
			if (!nbuf)
				goto err;
			buf = nbuf;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fprintf(stderr, "tdx-quote: %s: %s\n", path,
				strerror(errno));
			goto err;
		}
		if (!got)
			break;
		n += (size_t)got;
		if (n > max) {
			fprintf(stderr,
				"tdx-quote: %s: oversized, more than %zu bytes\n",
				path, max);
			goto err;
		}
	}
	close(fd);
	*len = n;
	return buf;
err:
	free(buf);
	close(fd);
	return NULL;
}

static int parse_hex_nonce(const char *s, u8 *out, size_t *len)
{
	size_t n = strlen(s);

	if (!n || n % 2 || n > 128 || hex_decode(s, n / 2, out))
		return -1;
	*len = n / 2;
	return 0;
}

static int load_quote(const char *path, u8 **buf, struct tdxq_quote *q)
{
	size_t len;

	*buf = read_file(path, TDXQ_INPUT_MAX, &len);
	if (!*buf)
		return EXIT_BAD_INPUT;
	if (tdxq_parse_quote(*buf, len, q)) {
		fprintf(stderr, "tdx-quote: %s: bad quote: %s\n", path, q->msg);
		free(*buf);
		*buf = NULL;
		return EXIT_BAD_INPUT;
	}
	return 0;
}

static int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct emit e = { .f = stdout };
	struct tdxq_quote q;
	size_t len;
	u8 *buf;
	int c, ret;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c != 'j')
			return usage();
		e.json = true;
	}
	if (optind != argc - 1)
		return usage();
	buf = read_file(argv[optind], TDXQ_INPUT_MAX, &len);
	if (!buf)
		return EXIT_BAD_INPUT;
	switch (tdxq_detect(buf, len)) {
	case TDXQ_FMT_QUOTE:
		if (tdxq_parse_quote(buf, len, &q)) {
			fprintf(stderr, "tdx-quote: %s: bad quote: %s\n",
				argv[optind], q.msg);
			ret = EXIT_BAD_INPUT;
			break;
		}
		ret = dump_quote(&e, &q);
		break;
	case TDXQ_FMT_TDREPORT:
		ret = dump_tdreport(&e, buf, len);
		break;
	default:
		fprintf(stderr,
			"tdx-quote: %s: neither a TDX quote (version 4 or 5) nor a 1024-byte TDREPORT (%zu bytes%s)\n",
			argv[optind], len, len >= 2 ? ", unknown version" : "");
		ret = EXIT_BAD_INPUT;
		break;
	}
	free(buf);
	return ret;
}

static void print_hex(const u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
	putchar('\n');
}

static int cmd_rtmr_replay(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "init", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	u8 init[RTMR_SIZE] = { 0 }, value[RTMR_SIZE];
	size_t count;
	int c, ret;

	while ((c = getopt_long(argc, argv, "i:", opts, NULL)) != -1) {
		if (c != 'i')
			return usage();
		if (rtmr_parse_hex(optarg, init)) {
			fprintf(stderr,
				"tdx-quote: --init wants 96 hex digits\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1)
		return usage();
	ret = rtmr_replay(argv[optind], init, value, &count);
	if (ret)
		return ret;
	print_hex(value, sizeof(value));
	return 0;
}

/* --rtmr N:LOG; N once each */
static int parse_rtmr_opt(const char *arg, struct rtmr_expect *rtmrs,
			  int *nr)
{
	static const u8 zero[RTMR_SIZE];
	int i, index;

	if (arg[0] < '0' || arg[0] >= '0' + RTMR_COUNT || arg[1] != ':' ||
	    !arg[2]) {
		fprintf(stderr, "tdx-quote: --rtmr wants N:LOG, N 0 to 3\n");
		return EXIT_USAGE;
	}
	index = arg[0] - '0';
	for (i = 0; i < *nr; i++) {
		if (rtmrs[i].index == index) {
			fprintf(stderr, "tdx-quote: --rtmr %d given twice\n",
				index);
			return EXIT_USAGE;
		}
	}
	rtmrs[*nr].index = index;
	rtmrs[*nr].log = arg + 2;
	if (rtmr_replay(arg + 2, zero, rtmrs[*nr].value, &rtmrs[*nr].extends))
		return EXIT_BAD_INPUT;
	(*nr)++;
	return 0;
}

static int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "nonce", required_argument, NULL, 'n' },
		{ "nonce-file", required_argument, NULL, 'f' },
		{ "rtmr", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL, *nonce_hex = NULL, *nonce_file = NULL;
	struct rtmr_expect rtmrs[RTMR_COUNT];
	u8 nonce[64], *nbuf, *buf;
	size_t nonce_len = 0;
	struct tdxq_quote q;
	int c, ret, nr_rtmrs = 0;

	while ((c = getopt_long(argc, argv, "r:n:f:m:", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			ret = parse_rtmr_opt(optarg, rtmrs, &nr_rtmrs);
			if (ret == EXIT_USAGE)
				return usage();
			if (ret)
				return ret;
			break;
		case 'r':
			root = optarg;
			break;
		case 'n':
			nonce_hex = optarg;
			break;
		case 'f':
			nonce_file = optarg;
			break;
		default:
			return usage();
		}
	}
	if (!root || optind != argc - 1 || (nonce_hex && nonce_file))
		return usage();
	if (nonce_hex && parse_hex_nonce(nonce_hex, nonce, &nonce_len)) {
		fprintf(stderr,
			"tdx-quote: --nonce wants 2 to 128 hex digits, an even number\n");
		return EXIT_USAGE;
	}
	if (nonce_file) {
		nbuf = read_file(nonce_file, sizeof(nonce), &nonce_len);
		if (!nbuf)
			return EXIT_BAD_INPUT;
		memcpy(nonce, nbuf, nonce_len);
		free(nbuf);
		if (!nonce_len) {
			fprintf(stderr, "tdx-quote: %s: empty nonce\n",
				nonce_file);
			return EXIT_BAD_INPUT;
		}
	}
	ret = load_quote(argv[optind], &buf, &q);
	if (ret)
		return ret;
	ret = verify_quote(&q, root, nonce_len ? nonce : NULL, nonce_len,
			   rtmrs, nr_rtmrs);
	free(buf);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "dump"))
		return cmd_dump(argc - 1, argv + 1);
	if (!strcmp(argv[1], "verify"))
		return cmd_verify(argc - 1, argv + 1);
	if (!strcmp(argv[1], "rtmr-replay"))
		return cmd_rtmr_replay(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, stdout);
		return 0;
	}
	return usage();
}
