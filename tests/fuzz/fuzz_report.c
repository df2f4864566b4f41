/*
 * libFuzzer target: tarpit-report's reading of what it does not control,
 * with its own code.  The input is lines, and each line is taken three ways:
 *   - as a journal field "NAME=value" for record_take_field(), all the lines
 *     of an input one entry, as sd-journal hands them over;
 *   - as a --since or --until argument for timestamp_parse();
 *   - as a number for number_parse(), with 0 to 6 decimals;
 *   - as the message of each Postfix daemon the blocklist reads, for
 *     postfix_parse(), and as a line of an --allowlist file, for
 *     allowlist_take_line();
 * and then what came out is checked, not merely survived:
 *   - a record that record_complete() takes has every field in range, and
 *     its HELO is printable ASCII, at most CLIENT_TEXT_MAX characters;
 *   - json_write_string() makes of each line (up to a NUL) one JSON string
 *     of printable ASCII that decodes back to the same octets;
 *   - a number read is no longer than its text and not over its bound;
 *   - an address a Postfix line gives, and a prefix an allowlist line gives,
 *     are written and read back to the same octets, a prefix with no bit
 *     set past its length.
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../number.h"
#include "../../report/address.h"
#include "../../report/allowlist.h"
#include "../../report/figures.h"
#include "../../report/output.h"
#include "../../report/postfix.h"
#include "../../report/record.h"
#include "../../report/timestamp.h"

#define NOW_USEC  UINT64_C(1796083200000000) /* 2026-12-01 00:00:00 UTC */
#define TEXT_MAX  4096                       /* octets of a line kept */

static void
check_record(const struct record *r)
{
	const char *c;

	if (!record_complete(r))
		return;
	if (r->port > 65535 || r->reason >= REASONS ||
	    r->duration_ms > DURATION_MAX_MS)
		abort();
	if (r->has_helo) {
		if (strlen(r->helo) > CLIENT_TEXT_MAX)
			abort();
		for (c = r->helo; *c != '\0'; c++)
			if (*c < 0x20 || *c > 0x7e)
				abort();
	}
}

static int
hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	abort();
}

/* Decodes the JSON string in buf[0..len), which must be all of it. */
static void
check_json_decodes_to(const char *buf, size_t len, const char *s)
{
	size_t i;
	unsigned char c;

	if (len < 2 || buf[0] != '"' || buf[len - 1] != '"')
		abort();
	for (i = 1; i < len - 1; i++, s++) {
		c = (unsigned char)buf[i];
		if (c < 0x20 || c > 0x7e || c == '"')
			abort();
		if (c == '\\') {
			if (++i >= len - 1)
				abort();
			if (buf[i] == 'u' && i + 4 < len - 1 &&
			    buf[i + 1] == '0' && buf[i + 2] == '0') {
				c = (unsigned char)(hex_value(buf[i + 3]) * 16 +
				    hex_value(buf[i + 4]));
				i += 4;
			} else if (buf[i] == '"' || buf[i] == '\\') {
				c = (unsigned char)buf[i];
			} else {
				abort();
			}
		}
		if (c != (unsigned char)*s)
			abort();
	}
	if (*s != '\0')
		abort();
}

static void
check_json_string(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		abort();
	json_write_string(f, s);
	if (fclose(f) != 0)
		abort();
	check_json_decodes_to(buf, len, s);
	free(buf);
}

static void
check_numbers(const char *s, size_t len)
{
	static const uint64_t bounds[] = { 1, 65535, INT32_MAX, UINT64_MAX };
	uint64_t value;
	size_t used, b;
	int d;

	for (d = 0; d <= 6; d++)
		for (b = 0; b < sizeof(bounds) / sizeof(*bounds); b++) {
			value = 0;
			used = number_parse(s, len, d, bounds[b], &value);
			if (used > len || (used > 0 && value > bounds[b]))
				abort();
		}
}

/* The prefix written out reads back as itself. */
static void
check_prefix(const struct prefix *p)
{
	char text[64];
	struct prefix back;

	if (p->len > ADDRESS_BITS)
		abort();
	prefix_format(text, sizeof(text), p);
	if (!prefix_parse(text, strlen(text), &back) || back.len != p->len ||
	    memcmp(back.addr, p->addr, sizeof(p->addr)) != 0)
		abort();
}

static void
check_postfix(const char *line, size_t len)
{
	static const char *const daemons[] = { "postscreen", "smtpd", "master" };
	struct prefix p;
	size_t d;

	for (d = 0; d < sizeof(daemons) / sizeof(*daemons); d++) {
		memset(&p, 0, sizeof(p));
		if (postfix_parse(daemons[d], line, len, p.addr) !=
		    POSTFIX_CONNECT)
			continue;
		p.len = ADDRESS_BITS;
		check_prefix(&p);
	}
}

static void
check_allowlist(const char *line, size_t len)
{
	struct allowlist a = { NULL, 0, 0 };

	if (allowlist_take_line(&a, line, len) && a.n == 1)
		check_prefix(&a.v[0]);
	allowlist_free(&a);
}

static void
check_line(struct record *r, const char *line, size_t len)
{
	char text[TEXT_MAX + 1];
	size_t n = len < TEXT_MAX ? len : TEXT_MAX;
	struct record one_line;
	uint64_t usec;

	record_take_field(r, line, len);
	memset(&one_line, 0, sizeof(one_line));
	(void)record_take_line(&one_line, line, len);
	check_record(&one_line);
	check_numbers(line, len);
	check_postfix(line, len);
	check_allowlist(line, len);
	memcpy(text, line, n);
	text[n] = '\0';
	check_json_string(text);
	(void)timestamp_parse(text, NOW_USEC, &usec);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	struct record r;

	memset(&r, 0, sizeof(r));
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		check_line(&r, p, (size_t)(nl - p));
		p = nl + 1;
	}
	check_record(&r);
	return 0;
}
