/*
 * What every part uses: dying with one line, allocation that cannot fail,
 * journal text made safe for a terminal, and the units of time.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef REPORT_UTIL_H
#define REPORT_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define MS_PER_SEC         UINT64_C(1000)
#define USEC_PER_SEC       UINT64_C(1000000)
#define MS_PER_HOUR        UINT64_C(3600000)

void die(int status, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
void sanitize_for_terminal(char *dst, size_t dstsize, const char *src,
    size_t len);

#endif
