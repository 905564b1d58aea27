// SPDX-License-Identifier: GPL-2.0-only
/*
 * RTMR event logs: a file of SHA-384 digests, one a line, in the order
 * they were extended into a run-time measurement register, replayed into
 * the value the register must hold: RTMR = SHA-384(RTMR || digest) for
 * each line, starting from zero (the value at boot) or a given value.
 *
 * Log files are untrusted: lines are bounded, anything but 96 hex digits
 * (blank lines and '#' comments aside) is refused with its line number.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tdx-quote.h"
#include "../lib/tdx-quote/crypto.h"

/* Longest line accepted: 96 digits, spaces, CR, newline, with room */
#define RTMR_LINE_MAX	256

static int hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/**
 * hex_decode() - turn 2 * @n hex digits into @n bytes
 * @s: the digits (at least 2 * @n characters, or a NUL before them)
 * @n: bytes wanted
 * @out: the bytes
 *
 * Return: 0, or -1 at the first character that is not a hex digit.
 */
int hex_decode(const char *s, size_t n, u8 *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int hi = hexdigit(s[2 * i]), lo;

		if (hi < 0)
			return -1;
		lo = hexdigit(s[2 * i + 1]);
		if (lo < 0)
			return -1;
		out[i] = (u8)(hi << 4 | lo);
	}
	return 0;
}

/**
 * rtmr_parse_hex() - parse exactly 96 hex digits into a register value
 * @s: the digits, followed by nothing but spaces, tabs, CR or LF
 * @out: the 48 bytes
 *
 * Return: 0, or -1 if @s is not exactly one 96-digit hex string.
 */
int rtmr_parse_hex(const char *s, u8 out[RTMR_SIZE])
{
	if (hex_decode(s, RTMR_SIZE, out))
		return -1;
	for (s += 2 * RTMR_SIZE; *s; s++)
		if (!strchr(" \t\r\n", *s))
			return -1;
	return 0;
}

/**
 * rtmr_replay() - replay an RTMR event log
 * @path: the log, one 96-hex-digit SHA-384 digest a line ("-": stdin);
 *	blank lines and lines starting with '#' are skipped
 * @init: the register's value before the first extend of the log
 * @out: the register's value after the last
 * @count: how many extends the log held
 *
 * Return: 0, or EXIT_BAD_INPUT after a message on stderr (unreadable
 * file, over-long or malformed line).
 */
int rtmr_replay(const char *path, const u8 init[RTMR_SIZE],
		u8 out[RTMR_SIZE], size_t *count)
{
	char line[RTMR_LINE_MAX];
	u8 buf[2 * RTMR_SIZE];
	unsigned long lineno = 0;
	FILE *f;
	int ret = 0;

	f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	if (!f) {
		fprintf(stderr, "tdx-quote: %s: %s\n", path, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	memcpy(out, init, RTMR_SIZE);
	*count = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(stderr, "tdx-quote: %s:%lu: line too long\n",
				path, lineno);
			ret = EXIT_BAD_INPUT;
			break;
		}
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (rtmr_parse_hex(line, buf + RTMR_SIZE)) {
			fprintf(stderr,
				"tdx-quote: %s:%lu: not a SHA-384 digest (96 hex digits)\n",
				path, lineno);
			ret = EXIT_BAD_INPUT;
			break;
		}
		memcpy(buf, out, RTMR_SIZE);
		if (tdxq_sha384(buf, sizeof(buf), out)) {
			fprintf(stderr, "tdx-quote: SHA-384 failed\n");
			ret = EXIT_BAD_INPUT;
			break;
		}
		(*count)++;
	}
	if (!ret && ferror(f)) {
		fprintf(stderr, "tdx-quote: %s: read error\n", path);
		ret = EXIT_BAD_INPUT;
	}
	if (f != stdin)
		fclose(f);
	return ret;
}
