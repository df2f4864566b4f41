/*
 * The times --since and --until take.
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
#include <time.h>

#include "../number.h"
#include "report.h"

#define SPAN_UNITS_MAX     1000000      /* the largest number in "-2d" */

struct time_unit {
	const char *name;
	uint64_t seconds;
};

static const struct time_unit time_units[] = {
	{ "s", 1 }, { "sec", 1 }, { "second", 1 }, { "seconds", 1 },
	{ "m", 60 }, { "min", 60 }, { "minute", 60 }, { "minutes", 60 },
	{ "h", 3600 }, { "hr", 3600 }, { "hour", 3600 }, { "hours", 3600 },
	{ "d", 86400 }, { "day", 86400 }, { "days", 86400 },
	{ "w", 604800 }, { "week", 604800 }, { "weeks", 604800 },
};

/* "1h", "1.5d", "1h 30min": a time span in microseconds. */
static bool
span_parse(const char *s, size_t len, uint64_t *usec)
{
	uint64_t total = 0, n;
	size_t i = 0, used, word, u;
	bool any = false;

	for (;;) {
		while (i < len && s[i] == ' ')
			i++;
		if (i == len) {
			*usec = total;
			return any;
		}
		used = number_parse(s + i, len - i, 6, SPAN_UNITS_MAX *
		    (uint64_t)USEC_PER_SEC, &n);
		if (used == 0)
			return false;
		i += used;
		for (word = i; i < len && s[i] >= 'a' && s[i] <= 'z'; i++)
			;
		for (u = 0; u < sizeof(time_units) / sizeof(*time_units); u++)
			if (strlen(time_units[u].name) == i - word &&
			    memcmp(time_units[u].name, s + word, i - word) == 0)
				break;
		if (u == sizeof(time_units) / sizeof(*time_units))
			return false;
		total += n * time_units[u].seconds;
		if (total > (uint64_t)INT64_MAX / 2)
			return false;
		any = true;
	}
}

static uint64_t
days_in_month(uint64_t year, uint64_t month)
{
	static const uint64_t days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return days[month - 1] + (month == 2 && leap);
}

/* Reads "HH:MM" or "HH:MM:SS" from *p; false if it is not there. */
static bool
clock_parse(const char **p, const char *end, struct tm *tm)
{
	uint64_t hour, min, sec = 0;
	size_t n;

	if ((n = number_parse(*p, (size_t)(end - *p), 0, 23, &hour)) == 0 ||
	    *p + n == end || (*p)[n] != ':')
		return false;
	*p += n + 1;
	if ((n = number_parse(*p, (size_t)(end - *p), 0, 59, &min)) == 0)
		return false;
	*p += n;
	if (*p < end && **p == ':') {
		if ((n = number_parse(*p + 1, (size_t)(end - *p - 1), 0, 59,
		    &sec)) == 0)
			return false;
		*p += n + 1;
	}
	tm->tm_hour = (int)hour;
	tm->tm_min = (int)min;
	tm->tm_sec = (int)sec;
	return true;
}

/* Reads "YYYY-MM-DD" from *p; false if it is not there. */
static bool
date_parse(const char **p, const char *end, struct tm *tm)
{
	uint64_t year, month, day;
	size_t n;

	if ((n = number_parse(*p, (size_t)(end - *p), 0, 9999, &year)) != 4 ||
	    *p + n == end || (*p)[n] != '-')
		return false;
	*p += n + 1;
	if ((n = number_parse(*p, (size_t)(end - *p), 0, 12, &month)) == 0 ||
	    month == 0 || *p + n == end || (*p)[n] != '-')
		return false;
	*p += n + 1;
	if ((n = number_parse(*p, (size_t)(end - *p), 0, 31, &day)) == 0 ||
	    day == 0 || day > days_in_month(year, month) || year < 1970)
		return false;
	*p += n;
	tm->tm_year = (int)year - 1900;
	tm->tm_mon = (int)month - 1;
	tm->tm_mday = (int)day;
	return true;
}

/*
 * "2026-12-01", "2026-12-01 10:00[:00]" (or with a T), "10:00[:00]" for
 * today; local time unless " UTC" or "Z" follows.
 */
static bool
calendar_parse(const char *s, time_t now, uint64_t *usec)
{
	const char *p = s, *end = s + strlen(s);
	struct tm tm;
	bool utc = false;
	time_t t;

	localtime_r(&now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	if (date_parse(&p, end, &tm)) {
		if ((*p == ' ' || *p == 'T') && is_digit(p[1])) {
			p++;
			if (!clock_parse(&p, end, &tm))
				return false;
		}
	} else {
		p = s;
		if (!clock_parse(&p, end, &tm))
			return false;
	}
	if (strcmp(p, " UTC") == 0 || strcmp(p, "Z") == 0)
		utc = true;
	else if (*p != '\0')
		return false;
	tm.tm_isdst = -1;
	t = utc ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1 || t < 0)
		return false;
	*usec = (uint64_t)t * USEC_PER_SEC;
	return true;
}

/* Midnight, local time, `days` days from today. */
static uint64_t
day_start(time_t now, int days)
{
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	return (uint64_t)mktime(&tm) * USEC_PER_SEC;
}

/* The time forms of journalctl(1) that a report window needs. */
bool
time_parse(const char *s, uint64_t now_usec, uint64_t *usec)
{
	time_t now = (time_t)(now_usec / USEC_PER_SEC);
	size_t len = strlen(s);
	uint64_t span;

	if (strcmp(s, "now") == 0)
		*usec = now_usec;
	else if (strcmp(s, "today") == 0)
		*usec = day_start(now, 0);
	else if (strcmp(s, "yesterday") == 0)
		*usec = day_start(now, -1);
	else if (strcmp(s, "tomorrow") == 0)
		*usec = day_start(now, 1);
	else if (s[0] == '@')
		return number_whole(s + 1, len - 1, 6, (uint64_t)INT64_MAX /
		    USEC_PER_SEC * USEC_PER_SEC, usec);
	else if ((s[0] == '-' && span_parse(s + 1, len - 1, &span)) ||
	    (len > 4 && strcmp(s + len - 4, " ago") == 0 &&
	    span_parse(s, len - 4, &span)))
		*usec = span > now_usec ? 0 : now_usec - span;
	else if (s[0] == '+' && span_parse(s + 1, len - 1, &span))
		*usec = now_usec + span;
	else
		return calendar_parse(s, now, usec);
	return true;
}
