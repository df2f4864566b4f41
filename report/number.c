/*
 * The one number parser of the report: decimals scaled to an integer, read
 * from counted text, as journal fields are not NUL-terminated.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include "report.h"

bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The one number parser: a decimal with at most `decimals` digits after the
 * point, scaled by 10^decimals ("1.5" with 3 is 1500), from 0 to max.  It
 * reads a prefix of s[0..len) and returns its length, 0 for no number.
 */
size_t
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

bool
number_whole(const char *s, size_t len, int decimals, uint64_t max,
    uint64_t *value)
{
	return len > 0 && number_parse(s, len, decimals, max, value) == len;
}
