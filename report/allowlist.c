/*
 * The allowlist file read, and asked: see allowlist.h.  A line that is not
 * an address or a prefix stops the program: a typo must not leave a
 * partner listed.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sysexits.h>

#include "allowlist.h"
#include "util.h"

#define LINE_SHOWN_MAX     64     /* characters of a wrong line echoed */
#define ALLOWLIST_LINE_MAX 4096   /* octets of a line; longer is wrong */

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* One line: nothing, or one more prefix; false if it is neither. */
bool
allowlist_take_line(struct allowlist *a, const char *line, size_t len)
{
	const char *hash = memchr(line, '#', len);
	struct prefix p;

	if (hash != NULL)
		len = (size_t)(hash - line);
	while (len > 0 && is_blank(line[0])) {
		line++;
		len--;
	}
	while (len > 0 && is_blank(line[len - 1]))
		len--;
	if (len == 0)
		return true;
	if (!prefix_parse(line, len, &p))
		return false;
	if (a->n == a->room) {
		a->room = a->room == 0 ? 16 : a->room * 2;
		a->v = xreallocarray(a->v, a->room, sizeof(*a->v));
	}
	a->v[a->n++] = p;
	return true;
}

void
allowlist_read(struct allowlist *a, const char *path)
{
	char shown[LINE_SHOWN_MAX + 1], *line = NULL;
	size_t room = 0, number = 0;
	ssize_t len;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		die(EX_NOINPUT, "--allowlist: cannot open %s: %s", path,
		    strerror(errno));
	while ((len = getline(&line, &room, f)) >= 0) {
		number++;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if (len <= ALLOWLIST_LINE_MAX &&
		    allowlist_take_line(a, line, (size_t)len))
			continue;
		sanitize_for_terminal(shown, sizeof(shown), line, (size_t)len);
		die(EX_DATAERR, "--allowlist: %s:%zu: '%s' is not an address or"
		    " a prefix (192.0.2.7, 198.51.100.0/24, 2001:db8::/32)",
		    path, number, shown);
	}
	if (ferror(f))
		die(EX_IOERR, "--allowlist: cannot read %s: %s", path,
		    strerror(errno));
	free(line);
	fclose(f);
}

/* Whether any of p's addresses is allowed: then none of p is listed. */
bool
allowlist_covers(const struct allowlist *a, const struct prefix *p)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (prefix_overlap(&a->v[i], p))
			return true;
	return false;
}

void
allowlist_free(struct allowlist *a)
{
	free(a->v);
	a->v = NULL;
	a->n = a->room = 0;
}
