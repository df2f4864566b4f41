/*
 * The one number parser, for both programs: tarpit(8) reads its option
 * values with it, tarpit-report(1) the numbers in journal fields and in the
 * times it is given.  It reads counted text, as journal fields are not
 * NUL-terminated, and a prefix of it, as a unit may follow in a time span.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef NUMBER_H
#define NUMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * A decimal with at most `decimals` digits after the point, scaled by
 * 10^decimals ("1.5" with 3 is 1500), from 0 to max: no sign, no space, at
 * least one digit on each side of a point.  It reads a prefix of s[0..len)
 * and returns its length, 0 for no such number.
 */
static inline size_t
number_parse(const char *s, size_t len, int decimals, uint64_t max,
    uint64_t *value)
{
	uint64_t v = 0, unit = 1;
	size_t i = 0, point;
	int d;

	for (d = 0; d < decimals; d++)
		unit *= 10;
	if (len == 0 || !is_digit(s[0]))
		return 0;
	for (; i < len && is_digit(s[i]); i++) {
		if (v > (max / unit) / 10 ||
		    v * 10 + (uint64_t)(s[i] - '0') > max / unit)
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	v *= unit;
	if (decimals > 0 && i < len && s[i] == '.') {
		for (point = ++i; i < len && is_digit(s[i]); i++) {
			if (unit == 1)
				return 0;
			unit /= 10;
			v += (uint64_t)(s[i] - '0') * unit;
		}
		if (i == point || v > max)
			return 0;
	}
	*value = v;
	return i;
}

/* The same number, and nothing else, in all of s[0..len). */
static inline bool
number_whole(const char *s, size_t len, int decimals, uint64_t max,
    uint64_t *value)
{
	return len > 0 && number_parse(s, len, decimals, max, value) == len;
}

#endif
