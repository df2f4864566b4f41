/*
 * The timeline: sessions and their hold time per hour of their end, kept
 * for every hour from the first to the last seen, and given per hour or
 * per local calendar day.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sysexits.h>

#include "options.h"
#include "timeline.h"
#include "util.h"

#define TIMELINE_HOURS_MAX (1 << 20)  /* about 119 years */
#define SEC_PER_HOUR       3600
#define HOURS_PER_DAY      24
/* Two days, and a partial hour at either end: longer spans go by day. */
#define AUTO_HOURS_MAX     (2 * HOURS_PER_DAY + 1)

const char *const timeline_by_names[TIMELINE_BYS] = {
	[BY_HOUR] = "hour", [BY_DAY] = "day",
};

/*
 * Hours are counted where local hours begin.  Every zone's offset is a whole
 * number of hours plus a fixed part (India's half hour), so one phase taken
 * from now places every hour; only Lord Howe's half-hour summer time is off.
 */
static long
zone_phase(void)
{
	time_t now = time(NULL);
	struct tm tm;
	long phase;

	if (localtime_r(&now, &tm) == NULL)
		return 0;
	phase = tm.tm_gmtoff % SEC_PER_HOUR;
	return phase < 0 ? phase + SEC_PER_HOUR : phase;
}

void
timeline_init(struct timeline *t)
{
	memset(t, 0, sizeof(*t));
	t->phase_sec = zone_phase();
}

void
timeline_free(struct timeline *t)
{
	free(t->hours);
}

static int64_t
hour_of(const struct timeline *t, uint64_t usec)
{
	return ((int64_t)(usec / USEC_PER_SEC) + t->phase_sec) / SEC_PER_HOUR;
}

static uint64_t
hour_start_usec(const struct timeline *t, int64_t hour)
{
	return (uint64_t)(hour * SEC_PER_HOUR - t->phase_sec) * USEC_PER_SEC;
}

/* Makes room for hour, keeping the hours from the first to the last seen. */
static void
timeline_cover(struct timeline *t, int64_t hour)
{
	int64_t first = t->nhours == 0 || hour < t->first ? hour : t->first;
	int64_t last = t->nhours == 0 ? hour : t->first + (int64_t)t->nhours - 1;
	size_t n, shift;

	if (hour > last)
		last = hour;
	n = (size_t)(last - first + 1);
	if (n > TIMELINE_HOURS_MAX)
		die(EX_DATAERR, "the records span more than %d hours",
		    TIMELINE_HOURS_MAX);
	if (n == t->nhours)
		return;
	shift = t->nhours == 0 ? 0 : (size_t)(t->first - first);
	t->hours = xreallocarray(t->hours, n, sizeof(*t->hours));
	if (t->nhours > 0)
		memmove(t->hours + shift, t->hours,
		    t->nhours * sizeof(*t->hours));
	memset(t->hours, 0, shift * sizeof(*t->hours));
	memset(t->hours + shift + t->nhours, 0,
	    (n - shift - t->nhours) * sizeof(*t->hours));
	t->first = first;
	t->nhours = n;
}

void
timeline_count(struct timeline *t, uint64_t end_usec, uint64_t ms)
{
	int64_t hour = hour_of(t, end_usec);
	struct interval *h;

	if (t->nhours == 0 || hour < t->first ||
	    hour >= t->first + (int64_t)t->nhours)
		timeline_cover(t, hour);
	h = &t->hours[hour - t->first];
	h->sessions++;
	h->held_ms += ms;
}

/* The counted hours, widened to a window edge the options give. */
static void
timeline_span(const struct timeline *t, const struct options *o,
    int64_t *first, int64_t *last)
{
	*first = t->first;
	*last = t->first + (int64_t)t->nhours - 1;
	if (o->since_set && (t->nhours == 0 ||
	    hour_of(t, o->since_usec) < *first))
		*first = hour_of(t, o->since_usec);
	if (o->until_usec != NO_END && o->until_usec > 0 && (t->nhours == 0 ||
	    hour_of(t, o->until_usec - 1) > *last))
		*last = hour_of(t, o->until_usec - 1);
	if (t->nhours == 0 && (!o->since_set || o->until_usec == NO_END))
		*last = *first - 1;
}

static struct interval
timeline_hour(const struct timeline *t, int64_t hour)
{
	struct interval in = { 0, 0, 0, 0 };

	if (hour >= t->first && hour < t->first + (int64_t)t->nhours)
		in = t->hours[hour - t->first];
	in.start_usec = hour_start_usec(t, hour);
	in.end_usec = hour_start_usec(t, hour + 1);
	return in;
}

/* Local midnight of the day that usec falls in, and of the next day. */
static void
local_day(uint64_t usec, uint64_t *start, uint64_t *end)
{
	time_t s = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;

	localtime_r(&s, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*start = (uint64_t)mktime(&tm) * USEC_PER_SEC;
	tm.tm_mday++;
	tm.tm_isdst = -1;
	*end = (uint64_t)mktime(&tm) * USEC_PER_SEC;
}

/* Appends an hour to out, into the day it began in when by day. */
static void
intervals_add(struct intervals *out, struct interval hour, bool by_day)
{
	struct interval *last = out->n > 0 ? &out->v[out->n - 1] : NULL;

	if (by_day && last != NULL && hour.start_usec < last->end_usec) {
		last->sessions += hour.sessions;
		last->held_ms += hour.held_ms;
		return;
	}
	if (by_day)
		local_day(hour.start_usec, &hour.start_usec, &hour.end_usec);
	out->v[out->n++] = hour;
}

void
timeline_intervals(const struct timeline *t, const struct options *o,
    struct intervals *out)
{
	int64_t first, last, hour;
	bool by_day;

	timeline_span(t, o, &first, &last);
	by_day = o->by == BY_DAY ||
	    (o->by == BY_AUTO && last - first + 1 > AUTO_HOURS_MAX);
	out->by = by_day ? BY_DAY : BY_HOUR;
	out->n = 0;
	out->v = last < first ? NULL :
	    xcalloc((size_t)(last - first + 1), sizeof(*out->v));
	for (hour = first; hour <= last; hour++)
		intervals_add(out, timeline_hour(t, hour), by_day);
}

void
intervals_free(struct intervals *in)
{
	free(in->v);
}

/* The largest session count of any interval. */
uint64_t
intervals_most(const struct intervals *in)
{
	uint64_t most = 0;
	size_t i;

	for (i = 0; i < in->n; i++)
		if (in->v[i].sessions > most)
			most = in->v[i].sessions;
	return most;
}

const char *
intervals_unit(const struct intervals *in)
{
	return timeline_by_names[in->by];
}
