/*
 * The times --since and --until take: the timestamps of systemd.time(7)
 * that journalctl(1) reads, written anew here, as systemd's parser is not
 * in libsystemd.  tarpit-report(1) lists them; every form is there:
 *
 *   now, today, yesterday, tomorrow     midnight of the day, local time
 *   [Tue ]2026-12-01[ 10:00[:00[.5]]]   a date (YY-MM-DD too) and time;
 *   [Tue ]10:00[:00[.5]]                a time of today; a weekday given
 *                                       must be the date's
 *   ... UTC, ...Z                       any of these in UTC instead
 *   -SPAN, SPAN ago, +SPAN, SPAN left   before or after now
 *   @SPAN                               after the epoch: @1796083200.25
 *
 * where a SPAN is numbers with units, "1h 30min", "1.5h", "90" (seconds).
 * Fractions go to the microsecond, no further; the result lies from 1970
 * to 9999.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../number.h"
#include "timestamp.h"
#include "util.h"

#define FRACTION_DIGITS    6      /* decimals: microseconds */
#define TIME_MAX_SEC       INT64_C(253402300799) /* 9999-12-31 23:59:59 */
#define TIME_MAX_USEC      ((uint64_t)TIME_MAX_SEC * USEC_PER_SEC + \
    USEC_PER_SEC - 1)
#define USEC_PER_MIN       (60 * USEC_PER_SEC)
#define USEC_PER_HOUR      (60 * USEC_PER_MIN)
#define USEC_PER_DAY       (24 * USEC_PER_HOUR)

/*
 * The units of systemd.time(7), in microseconds, in the order they are
 * tried: a longer name before its prefix, "min" and "ms" before "m".  A
 * month is 30.44 days and a year 365.25, as there.
 */
static const struct {
	const char *name;
	uint64_t usec;
} span_units[] = {
	{ "seconds", USEC_PER_SEC }, { "second", USEC_PER_SEC },
	{ "sec", USEC_PER_SEC }, { "s", USEC_PER_SEC },
	{ "minutes", USEC_PER_MIN }, { "minute", USEC_PER_MIN },
	{ "min", USEC_PER_MIN },
	{ "months", 2630016 * USEC_PER_SEC },
	{ "month", 2630016 * USEC_PER_SEC }, { "M", 2630016 * USEC_PER_SEC },
	{ "msec", 1000 }, { "ms", 1000 }, { "m", USEC_PER_MIN },
	{ "hours", USEC_PER_HOUR }, { "hour", USEC_PER_HOUR },
	{ "hr", USEC_PER_HOUR }, { "h", USEC_PER_HOUR },
	{ "days", USEC_PER_DAY }, { "day", USEC_PER_DAY },
	{ "d", USEC_PER_DAY },
	{ "weeks", 7 * USEC_PER_DAY }, { "week", 7 * USEC_PER_DAY },
	{ "w", 7 * USEC_PER_DAY },
	{ "years", 31557600 * USEC_PER_SEC },
	{ "year", 31557600 * USEC_PER_SEC }, { "y", 31557600 * USEC_PER_SEC },
	{ "usec", 1 }, { "us", 1 }, { "\xc2\xb5s", 1 }, { "\xce\xbcs", 1 },
};

static const char *const weekdays[] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday",
};

/* The unit s[0..len) starts with, or seconds if none; its length read. */
static size_t
span_unit(const char *s, size_t len, uint64_t *usec)
{
	size_t u, n;

	for (u = 0; u < sizeof(span_units) / sizeof(*span_units); u++) {
		n = strlen(span_units[u].name);
		if (n <= len && memcmp(s, span_units[u].name, n) == 0) {
			*usec = span_units[u].usec;
			return n;
		}
	}
	*usec = USEC_PER_SEC;
	return 0;
}

/* "90", "1.5", ".5": a number in millionths; its length read, 0: none. */
static size_t
span_number(const char *s, size_t len, uint64_t *millionths)
{
	uint64_t fraction;
	size_t n, k;

	if (len == 0 || s[0] != '.')
		return number_parse(s, len, FRACTION_DIGITS, TIME_MAX_USEC,
		    millionths);
	n = number_parse(s + 1, len - 1, 0, UINT64_MAX, &fraction);
	if (n == 0 || n > FRACTION_DIGITS)
		return 0;
	for (k = n; k < FRACTION_DIGITS; k++)
		fraction *= 10;
	*millionths = fraction;
	return n + 1;
}

/* Adds millionths of the unit to *total; false past TIME_MAX_USEC. */
static bool
span_add(uint64_t *total, uint64_t millionths, uint64_t unit)
{
	uint64_t whole = millionths / USEC_PER_SEC;
	uint64_t part = millionths % USEC_PER_SEC, usec;

	if (whole > TIME_MAX_USEC / unit)
		return false;
	usec = whole * unit + part * (unit / USEC_PER_SEC) +
	    part * (unit % USEC_PER_SEC) / USEC_PER_SEC;
	if (usec > TIME_MAX_USEC - *total)
		return false;
	*total += usec;
	return true;
}

/* "1h 30min", "1.5h", "90", "2 days": the sum, in microseconds. */
bool
span_parse(const char *s, size_t len, uint64_t *usec)
{
	uint64_t total = 0, n, unit;
	size_t i = 0, used;
	bool any = false;

	for (;;) {
		while (i < len && s[i] == ' ')
			i++;
		if (i == len) {
			*usec = total;
			return any;
		}
		if ((used = span_number(s + i, len - i, &n)) == 0)
			return false;
		for (i += used; i < len && s[i] == ' '; i++)
			;
		i += span_unit(s + i, len - i, &unit);
		if (!span_add(&total, n, unit))
			return false;
		any = true;
	}
}

static bool
is_leap(uint64_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static uint64_t
days_in_month(uint64_t year, uint64_t month)
{
	static const uint64_t days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};

	return days[month - 1] + (month == 2 && is_leap(year));
}

/* Reads n, then the octet c, from *p; false if they are not there. */
static bool
field_parse(const char **p, const char *end, uint64_t max, char c,
    uint64_t *n)
{
	size_t len = number_parse(*p, (size_t)(end - *p), 0, max, n);

	if (len == 0 || (c != '\0' && (*p + len == end || (*p)[len] != c)))
		return false;
	*p += len + (c != '\0');
	return true;
}

/* Reads "HH:MM", "HH:MM:SS" or "HH:MM:SS.frac" from *p. */
static bool
clock_parse(const char **p, const char *end, struct tm *tm, uint64_t *usec)
{
	uint64_t hour, min, sec = 0;
	size_t n;

	if (!field_parse(p, end, 23, ':', &hour) ||
	    !field_parse(p, end, 59, '\0', &min))
		return false;
	if (*p < end && **p == ':') {
		(*p)++;
		if ((n = number_parse(*p, (size_t)(end - *p), FRACTION_DIGITS,
		    60 * USEC_PER_SEC - 1, &sec)) == 0)
			return false;
		*p += n;
	}
	tm->tm_hour = (int)hour;
	tm->tm_min = (int)min;
	tm->tm_sec = (int)(sec / USEC_PER_SEC);
	*usec = sec % USEC_PER_SEC;
	return true;
}

/* Reads "YYYY-MM-DD" or "YY-MM-DD" (1969 to 2068) from *p. */
static bool
date_parse(const char **p, const char *end, struct tm *tm)
{
	const char *start = *p;
	uint64_t year, month, day;

	if (!field_parse(p, end, 9999, '-', &year) ||
	    (*p - start != 5 && *p - start != 3))
		return false;
	if (*p - start == 3)
		year += year < 69 ? 2000 : 1900;
	if (!field_parse(p, end, 12, '-', &month) || month == 0 ||
	    !field_parse(p, end, 31, '\0', &day) || day == 0 ||
	    day > days_in_month(year, month) || year < 1970)
		return false;
	tm->tm_year = (int)year - 1900;
	tm->tm_mon = (int)month - 1;
	tm->tm_mday = (int)day;
	return true;
}

/* Reads "Tue " or "tuesday " (any case) from *p: its number, or -1. */
static int
weekday_parse(const char **p, const char *end)
{
	const char *space = memchr(*p, ' ', (size_t)(end - *p));
	size_t len, d;

	if (space == NULL)
		return -1;
	len = (size_t)(space - *p);
	for (d = 0; d < sizeof(weekdays) / sizeof(*weekdays); d++)
		if ((len == 3 || len == strlen(weekdays[d])) &&
		    strncasecmp(*p, weekdays[d], len) == 0) {
			*p = space + 1;
			return (int)d;
		}
	return -1;
}

/* Reads " UTC" or "Z", or nothing, and then the end, from p. */
static bool
zone_parse(const char *p, const char *end, bool *utc)
{
	*utc = (size_t)(end - p) == 4 ? memcmp(p, " UTC", 4) == 0 :
	    (size_t)(end - p) == 1 && *p == 'Z';
	return *utc || p == end;
}

/* tm, local or UTC, in microseconds; false before 1970 or after 9999. */
static bool
moment_of(struct tm *tm, bool utc, int weekday, uint64_t *usec)
{
	time_t t;

	tm->tm_isdst = -1;
	t = utc ? timegm(tm) : mktime(tm);
	if (t == (time_t)-1 || t < 0 || t > TIME_MAX_SEC ||
	    (weekday >= 0 && tm->tm_wday != weekday))
		return false;
	*usec = (uint64_t)t * USEC_PER_SEC;
	return true;
}

static void
day_of(time_t now, bool utc, struct tm *tm)
{
	if (utc)
		gmtime_r(&now, tm);
	else
		localtime_r(&now, tm);
}

/* "[Tue ]2026-12-01[ 10:00[:00[.5]]]" or "[Tue ]10:00[:00[.5]]", zoned. */
static bool
calendar_parse(const char *s, time_t now, uint64_t *usec)
{
	const char *p = s, *end = s + strlen(s), *q;
	int weekday = weekday_parse(&p, end);
	struct tm date, clock;
	uint64_t fraction = 0;
	bool has_date, utc;

	memset(&date, 0, sizeof(date));
	memset(&clock, 0, sizeof(clock));
	q = p;
	if ((has_date = date_parse(&q, end, &date)))
		p = q;
	if (!has_date || ((*p == ' ' || *p == 'T') && is_digit(p[1]))) {
		p += has_date;
		if (!clock_parse(&p, end, &clock, &fraction))
			return false;
	}
	if (!zone_parse(p, end, &utc))
		return false;
	if (!has_date)
		day_of(now, utc, &date);
	date.tm_hour = clock.tm_hour;
	date.tm_min = clock.tm_min;
	date.tm_sec = clock.tm_sec;
	if (!moment_of(&date, utc, weekday, usec))
		return false;
	*usec += fraction;
	return true;
}

/* "today", "yesterday", "tomorrow": midnight, local or " UTC". */
static bool
day_parse(const char *s, time_t now, uint64_t *usec)
{
	static const struct {
		const char *word;
		int days;
	} words[] = { { "yesterday", -1 }, { "today", 0 }, { "tomorrow", 1 } };
	struct tm tm;
	size_t w, n;
	bool utc;

	for (w = 0; w < sizeof(words) / sizeof(*words); w++) {
		n = strlen(words[w].word);
		if (strncmp(s, words[w].word, n) != 0 ||
		    (s[n] != '\0' && strcmp(s + n, " UTC") != 0))
			continue;
		utc = s[n] != '\0';
		day_of(now, utc, &tm);
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_mday += words[w].days;
		return moment_of(&tm, utc, -1, usec);
	}
	return false;
}

/* A span before now (-SPAN, SPAN ago) or after it (+SPAN, SPAN left). */
static bool
relative_parse(const char *s, uint64_t now_usec, uint64_t *usec)
{
	size_t len = strlen(s);
	uint64_t span;
	bool before;

	if (s[0] == '-' || s[0] == '+') {
		before = s[0] == '-';
		s++;
		len--;
	} else if (len > 4 && strcmp(s + len - 4, " ago") == 0) {
		before = true;
		len -= 4;
	} else if (len > 5 && strcmp(s + len - 5, " left") == 0) {
		before = false;
		len -= 5;
	} else {
		return false;
	}
	if (!span_parse(s, len, &span) || (before ? span > now_usec :
	    span > TIME_MAX_USEC - now_usec))
		return false;
	*usec = before ? now_usec - span : now_usec + span;
	return true;
}

/* The forms at the top of this file; false for anything else. */
bool
timestamp_parse(const char *s, uint64_t now_usec, uint64_t *usec)
{
	time_t now = (time_t)(now_usec / USEC_PER_SEC);

	if (strcmp(s, "now") == 0) {
		*usec = now_usec;
		return true;
	}
	if (s[0] == '@')
		return span_parse(s + 1, strlen(s) - 1, usec);
	return day_parse(s, now, usec) || relative_parse(s, now_usec, usec) ||
	    calendar_parse(s, now, usec);
}
