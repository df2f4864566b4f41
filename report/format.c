/*
 * Pieces of text the output formats share: addresses, durations, shares
 * and moments.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "format.h"
#include "timeline.h"
#include "util.h"

void
address_format(char *buf, size_t size, const unsigned char addr[16])
{
	const struct in6_addr *a6 = (const void *)addr;

	if (IN6_IS_ADDR_V4MAPPED(a6))
		inet_ntop(AF_INET, addr + 12, buf, (socklen_t)size);
	else
		inet_ntop(AF_INET6, addr, buf, (socklen_t)size);
}

/* "12.345 s", "12m 03s", "3h 02m 05s", "2d 03h 02m": exact below a minute. */
void
format_duration(char *buf, size_t size, uint64_t ms)
{
	uint64_t s = ms / MS_PER_SEC;

	if (s < 60)
		snprintf(buf, size, "%" PRIu64 ".%03" PRIu64 " s", s,
		    ms % MS_PER_SEC);
	else if (s < 3600)
		snprintf(buf, size, "%" PRIu64 "m %02" PRIu64 "s", s / 60,
		    s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%" PRIu64 "h %02" PRIu64 "m %02" PRIu64
		    "s", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, size, "%" PRIu64 "d %02" PRIu64 "h %02" PRIu64
		    "m", s / 86400, s / 3600 % 24, s / 60 % 60);
}

/* Exact seconds, and in a person's units past a minute. */
void
format_hold(char *buf, size_t size, uint64_t ms)
{
	char human[32];

	format_duration(human, sizeof(human), ms);
	if (ms < 60 * MS_PER_SEC)
		snprintf(buf, size, "%s", human);
	else
		snprintf(buf, size, "%" PRIu64 ".%03" PRIu64 " s (%s)",
		    ms / MS_PER_SEC, ms % MS_PER_SEC, human);
}

/* Tenths of a percent, rounded: "20.0%". */
void
format_percent(char *buf, size_t size, uint64_t part, uint64_t whole)
{
	uint64_t tenths = whole == 0 ? 0 : (part * 1000 + whole / 2) / whole;

	snprintf(buf, size, "%" PRIu64 ".%" PRIu64 "%%", tenths / 10,
	    tenths % 10);
}

void
format_moment(char *buf, size_t size, uint64_t usec)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
		snprintf(buf, size, "@%" PRIu64, usec / USEC_PER_SEC);
}

/* Hours to the hundredth, rounded: "12.34". */
void
format_hours(char *buf, size_t size, uint64_t ms)
{
	uint64_t hundredths = (ms + MS_PER_HOUR / 200) / (MS_PER_HOUR / 100);

	snprintf(buf, size, "%" PRIu64 ".%02" PRIu64, hundredths / 100,
	    hundredths % 100);
}

/* Where an interval of the timeline begins: "2026-12-01 Tue", "10:00". */
void
format_interval(char *buf, size_t size, uint64_t start_usec,
    enum timeline_by by)
{
	time_t t = (time_t)(start_usec / USEC_PER_SEC);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, size,
	    by == BY_DAY ? "%Y-%m-%d %a" : "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, size, "@%" PRIu64, start_usec / USEC_PER_SEC);
}

/* Seconds from milliseconds, exactly: "12.345". */
void
print_seconds(uint64_t ms)
{
	printf("%" PRIu64 ".%03" PRIu64, ms / MS_PER_SEC, ms % MS_PER_SEC);
}
