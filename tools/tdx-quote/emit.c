// SPDX-License-Identifier: GPL-2.0-only
/*
 * Field writer for `tdx-quote dump`: the same walk over a quote produces
 * indented "name: value" text or JSON, so both outputs always name the
 * same fields. Binary fields are lowercase hex in both.
 */
#include <inttypes.h>
#include <string.h>

#include "tdx-quote.h"

#define MAX_DEPTH	((int)ARRAY_SIZE(((struct emit *)0)->need_comma))

static void indent(struct emit *e)
{
	/* Text output has no top-level braces, so it starts one level out. */
	int i, n = e->json ? e->depth : e->depth - 1;

	for (i = 0; i < n; i++)
		fputs("  ", e->f);
}

/* JSON string body with everything outside printable ASCII escaped. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Start a value: separator, indentation and name. */
static void begin(struct emit *e, const char *name)
{
	if (e->json) {
		if (e->depth > 0 && e->need_comma[e->depth - 1])
			fputc(',', e->f);
		if (e->depth > 0)
			e->need_comma[e->depth - 1] = true;
		fputc('\n', e->f);
		indent(e);
		if (name) {
			json_string(e->f, name);
			fputs(": ", e->f);
		}
		return;
	}
	indent(e);
	if (name)
		fprintf(e->f, "%s:", name);
	else
		fputc('-', e->f);
}

/**
 * emit_open() - start a nested object or array
 * @e: writer
 * @name: member name, NULL at the top level or inside an array
 * @array: open an array instead of an object
 */
void emit_open(struct emit *e, const char *name, bool array)
{
	if (e->json || e->depth > 0 || name)
		begin(e, name);
	if (e->json)
		fputc(array ? '[' : '{', e->f);
	else if (e->depth > 0 || name)
		fputc('\n', e->f);
	if (e->depth < MAX_DEPTH - 1)
		e->depth++;
	e->need_comma[e->depth - 1] = false;
}

/**
 * emit_close() - end the innermost object or array
 * @e: writer
 * @array: it was an array
 */
void emit_close(struct emit *e, bool array)
{
	if (e->depth > 0)
		e->depth--;
	if (!e->json)
		return;
	fputc('\n', e->f);
	indent(e);
	fputc(array ? ']' : '}', e->f);
	if (!e->depth)
		fputc('\n', e->f);
}

/**
 * emit_hex() - write a byte field as hex
 * @e: writer
 * @name: field name
 * @p: bytes
 * @n: number of bytes
 */
void emit_hex(struct emit *e, const char *name, const u8 *p, size_t n)
{
	size_t i;

	begin(e, name);
	fputs(e->json ? "\"" : " ", e->f);
	for (i = 0; i < n; i++)
		fprintf(e->f, "%02x", p[i]);
	fputs(e->json ? "\"" : "\n", e->f);
}

/**
 * emit_uint() - write an integer field
 * @e: writer
 * @name: field name
 * @v: value
 * @hex_width: in text, print as 0x-prefixed hex of this many digits;
 *	       0 prints decimal. JSON always gets a decimal number.
 */
void emit_uint(struct emit *e, const char *name, u64 v, int hex_width)
{
	begin(e, name);
	if (e->json)
		fprintf(e->f, "%" PRIu64, v);
	else if (hex_width)
		fprintf(e->f, " 0x%0*" PRIx64 "\n", hex_width, v);
	else
		fprintf(e->f, " %" PRIu64 "\n", v);
}

/**
 * emit_str() - write a string field
 * @e: writer
 * @name: field name
 * @s: NUL-terminated value
 */
void emit_str(struct emit *e, const char *name, const char *s)
{
	begin(e, name);
	if (e->json) {
		json_string(e->f, s);
		return;
	}
	if (strchr(s, '\n'))
		fprintf(e->f, "\n%s", s);
	else
		fprintf(e->f, " %s\n", s);
}

/**
 * emit_bool() - write a boolean field
 * @e: writer
 * @name: field name
 * @v: value
 */
void emit_bool(struct emit *e, const char *name, bool v)
{
	begin(e, name);
	fprintf(e->f, e->json ? "%s" : " %s\n", v ? "true" : "false");
}
