/*
 * The timeline: sessions and their hold time per hour of their end, counted
 * as the records come (timeline_count) and given per hour or per local day
 * over the window (timeline_intervals).
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef REPORT_TIMELINE_H
#define REPORT_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

struct options;

/* What one interval of the timeline is: --by, which takes their names. */
enum timeline_by { BY_AUTO, BY_HOUR, BY_DAY };
#define TIMELINE_BYS       (BY_DAY + 1)
extern const char *const timeline_by_names[TIMELINE_BYS]; /* NULL: BY_AUTO */

/* Sessions that ended in one interval of time, and their hold time. */
struct interval {
	uint64_t start_usec;      /* included */
	uint64_t end_usec;        /* excluded */
	uint64_t sessions;
	uint64_t held_ms;
};

/* The sessions per hour, from the first hour with one to the last. */
struct timeline {
	struct interval *hours;   /* counts only; the times are worked out */
	size_t nhours;
	int64_t first;            /* hours[0]: hours since the epoch */
	long phase_sec;           /* where the local hours begin, past UTC's */
};

/* The timeline as it is shown: hours or days, over the window. */
struct intervals {
	struct interval *v;
	size_t n;
	enum timeline_by by;      /* BY_HOUR or BY_DAY */
};

void timeline_init(struct timeline *t);
void timeline_free(struct timeline *t);
void timeline_count(struct timeline *t, uint64_t end_usec, uint64_t ms);
void timeline_intervals(const struct timeline *t, const struct options *o,
    struct intervals *out);
void intervals_free(struct intervals *in);
uint64_t intervals_most(const struct intervals *in);
const char *intervals_unit(const struct intervals *in);

#endif
