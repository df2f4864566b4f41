/*
 * What every part uses: dying with one line, allocation that cannot
 * fail, and journal text made safe for a terminal.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <sysexits.h>

#include "util.h"

void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("tarpit-report: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL)
		die(EX_OSERR, "out of memory");
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	p = reallocarray(p, n, size);
	if (p == NULL)
		die(EX_OSERR, "out of memory");
	return p;
}

/* Journal text for a terminal: printable ASCII, bounded. */
void
sanitize_for_terminal(char *dst, size_t dstsize, const char *src, size_t len)
{
	size_t i;

	if (len > dstsize - 1)
		len = dstsize - 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = (c < 0x20 || c > 0x7e) ? '?' : (char)c;
	}
	dst[len] = '\0';
}
