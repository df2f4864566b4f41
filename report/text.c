/*
 * The text output: a table for a person to read.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "figures.h"
#include "format.h"
#include "options.h"
#include "output.h"
#include "timeline.h"

#define BAR_WIDTH          40     /* characters in the longest bar */

static void
text_print_totals(const struct options *o, const struct figures *f)
{
	const struct totals *t = &f->totals;
	char from[64], to[64], median[64], longest[64], share[32], addr[64];
	char hours[32];

	strcpy(from, "the start of the journal");
	strcpy(to, "its end");
	if (o->since_set)
		format_moment(from, sizeof(from), o->since_usec);
	if (o->until_usec != NO_END)
		format_moment(to, sizeof(to), o->until_usec);
	printf("Sessions ended from %s to %s\n\n", from, to);
	format_hold(median, sizeof(median), f->median_ms);
	format_hold(longest, sizeof(longest), t->longest_ms);
	format_percent(share, sizeof(share), t->pregreet, t->sessions);
	printf("  %-22s %" PRIu64 "\n", "sessions", t->sessions);
	printf("  %-22s %" PRIu64 "\n", "distinct addresses", f->addresses);
	printf("  %-22s %" PRIu64 "\n", "unknown address", t->unknown_address);
	format_hours(hours, sizeof(hours), t->held_ms);
	printf("  %-22s %s hours\n", "spammer time wasted", hours);
	if (t->sessions > 0) {
		printf("  %-22s %s\n", "median hold", median);
		if (t->longest_addr_known)
			address_format(addr, sizeof(addr), t->longest_addr);
		else
			strcpy(addr, ADDRESS_UNKNOWN);
		printf("  %-22s %s, %s\n", "longest hold", longest, addr);
	} else {
		printf("  %-22s -\n  %-22s -\n", "median hold", "longest hold");
	}
	printf("  %-22s %" PRIu64 " (%s)\n", "pregreet", t->pregreet, share);
	printf("  %-22s %" PRIu64 "\n", "still held", t->held_now);
	printf("  %-22s %" PRIu64 "\n", "lost", t->lost);
	printf("  %-22s %" PRIu64 "\n", "skipped records", t->skipped);
	printf("  %-22s %" PRIu64 "\n", "ignored records", t->ignored);
	printf("  %-22s %" PRIu64 "\n", "re-sent records", t->resent);
}

/* Each host's share, named by its _HOSTNAME. */
static void
text_print_hosts(const struct figures *f)
{
	char held[32];
	size_t i;

	printf("\n%-32s %8s %9s %14s %10s %6s\n", "Host", "sessions",
	    "addresses", "held", "still held", "lost");
	for (i = 0; i < f->nhosts; i++) {
		const struct host_figures *h = &f->hosts[i];

		format_duration(held, sizeof(held), h->totals.held_ms);
		printf("  %-30s %8" PRIu64 " %9" PRIu64 " %14s %10" PRIu64
		    " %6" PRIu64 "\n", h->name[0] == '\0' ? "(no name)" :
		    h->name, h->totals.sessions, h->totals.addresses, held,
		    h->totals.held_now, h->totals.lost);
	}
}

static void
text_print_reasons(const struct totals *t)
{
	char share[32];
	size_t i;

	printf("\n%-22s %10s\n", "End reason", "sessions");
	for (i = 0; i < REASONS; i++) {
		format_percent(share, sizeof(share), t->reasons[i],
		    t->sessions);
		printf("  %-20s %10" PRIu64 "  %6s\n", reason_names[i],
		    t->reasons[i], share);
	}
}

static void
text_print_top_header(const char *what)
{
	char title[64];

	snprintf(title, sizeof(title), "Top %d %s by time held", TOP_COUNT,
	    what);
	printf("\n%-41s %8s  %s\n", title, "sessions", "held");
}

static void
text_print_tops(const struct figures *f)
{
	char held[32];
	size_t i;

	text_print_top_header("addresses");
	for (i = 0; i < f->ntop_addresses; i++) {
		const struct ranked *a = &f->top_addresses[i];

		format_duration(held, sizeof(held), a->held_ms);
		printf("  %-39s %8" PRIu64 "  %s\n", a->name, a->sessions,
		    held);
	}
	text_print_top_header("HELO names");
	for (i = 0; i < f->ntop_helos; i++) {
		const struct ranked *h = &f->top_helos[i];

		format_duration(held, sizeof(held), h->held_ms);
		printf("  %-39s %8" PRIu64 "  %s%s\n",
		    h->name[0] == '\0' ? "(empty)" : h->name, h->sessions,
		    h->error_ms > 0 ? "~" : "", held);
	}
}

/* A bar of '#' as long as count is to most, and never empty for a count. */
static void
text_bar(char bar[BAR_WIDTH + 1], uint64_t count, uint64_t most)
{
	size_t width = most == 0 ? 0 : (size_t)(count * BAR_WIDTH / most);

	if (width == 0 && count > 0)
		width = 1;
	memset(bar, '#', width);
	bar[width] = '\0';
}

static void
text_print_histogram(const struct totals *t)
{
	char share[32], bar[BAR_WIDTH + 1];
	uint64_t most = 0;
	size_t c;

	for (c = 0; c < CLASSES; c++)
		if (t->classes[c] > most)
			most = t->classes[c];
	printf("\n%-22s %10s\n", "Hold time", "sessions");
	for (c = 0; c < CLASSES; c++) {
		text_bar(bar, t->classes[c], most);
		format_percent(share, sizeof(share), t->classes[c],
		    t->sessions);
		printf("  %-20s %10" PRIu64 "  %6s%s%s\n", class_labels[c],
		    t->classes[c], share, bar[0] != '\0' ? "  " : "", bar);
	}
}

static void
text_print_timeline(const struct intervals *in)
{
	char when[64], hours[32], bar[BAR_WIDTH + 1], title[32];
	uint64_t most = intervals_most(in);
	size_t i;

	snprintf(title, sizeof(title), "Sessions by %s", intervals_unit(in));
	printf("\n%-22s %10s  %8s\n", title, "sessions", "hours");
	for (i = 0; i < in->n; i++) {
		format_interval(when, sizeof(when), in->v[i].start_usec,
		    in->by);
		format_hours(hours, sizeof(hours), in->v[i].held_ms);
		text_bar(bar, in->v[i].sessions, most);
		printf("  %-20s %10" PRIu64 "  %8s%s%s\n", when,
		    in->v[i].sessions, hours, bar[0] != '\0' ? "  " : "", bar);
	}
}

void
text_print(const struct options *o, const struct figures *f)
{
	text_print_totals(o, f);
	text_print_hosts(f);
	text_print_reasons(&f->totals);
	text_print_tops(f);
	text_print_histogram(&f->totals);
	text_print_timeline(&f->timeline);
}
