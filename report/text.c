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

#include "report.h"

#define BAR_WIDTH          40     /* characters in the longest bar */

static const char *const class_labels[CLASSES] = {
	"< 10 s", "< 1 min", "< 10 min", "< 1 h", ">= 1 h",
};

static void
text_print_totals(const struct options *o, const struct tally *tl)
{
	char from[64], to[64], median[64], longest[64], share[32], addr[64];
	uint64_t hundredths = (tl->held_ms + MS_PER_HOUR / 200) /
	    (MS_PER_HOUR / 100);

	strcpy(from, "the start of the journal");
	strcpy(to, "its end");
	if (o->since_set)
		format_moment(from, sizeof(from), o->since_usec);
	if (o->until_usec != NO_END)
		format_moment(to, sizeof(to), o->until_usec);
	printf("Sessions ended from %s to %s\n\n", from, to);
	format_hold(median, sizeof(median), median_ms(tl));
	format_hold(longest, sizeof(longest), tl->longest_ms);
	format_percent(share, sizeof(share), tl->pregreet, tl->sessions);
	printf("  %-22s %" PRIu64 "\n", "sessions", tl->sessions);
	printf("  %-22s %zu\n", "distinct addresses", tl->addresses.count);
	printf("  %-22s %" PRIu64 "\n", "unknown address", tl->unknown_address);
	printf("  %-22s %" PRIu64 ".%02" PRIu64 " hours\n",
	    "spammer time wasted", hundredths / 100, hundredths % 100);
	if (tl->sessions > 0) {
		printf("  %-22s %s\n", "median hold", median);
		if (tl->longest_addr_known)
			address_format(addr, sizeof(addr), tl->longest_addr);
		else
			strcpy(addr, ADDRESS_UNKNOWN);
		printf("  %-22s %s, %s\n", "longest hold", longest, addr);
	} else {
		printf("  %-22s -\n  %-22s -\n", "median hold", "longest hold");
	}
	printf("  %-22s %" PRIu64 " (%s)\n", "pregreet", tl->pregreet, share);
	printf("  %-22s %" PRIu64 "\n", "still held", tl->held_now);
	printf("  %-22s %" PRIu64 "\n", "lost", tl->lost);
	printf("  %-22s %" PRIu64 "\n", "skipped records", tl->skipped);
}

static void
text_print_reasons(const struct tally *tl)
{
	char share[32];
	size_t i;

	printf("\n%-22s %10s\n", "End reason", "sessions");
	for (i = 0; i < REASONS; i++) {
		format_percent(share, sizeof(share), tl->reasons[i],
		    tl->sessions);
		printf("  %-20s %10" PRIu64 "  %6s\n", reason_names[i],
		    tl->reasons[i], share);
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
text_print_tops(const struct tally *tl)
{
	char addr[64], held[32];
	struct top t;
	size_t i;

	text_print_top_header("addresses");
	top_addresses(tl, &t);
	for (i = 0; i < t.n; i++) {
		const struct address *a = t.entries[i];

		address_format(addr, sizeof(addr), a->addr);
		format_duration(held, sizeof(held), a->held_ms);
		printf("  %-39s %8" PRIu64 "  %s\n", addr, a->sessions, held);
	}
	text_print_top_header("HELO names");
	top_helos(tl, &t);
	for (i = 0; i < t.n; i++) {
		const struct helo *h = t.entries[i];

		format_duration(held, sizeof(held), h->held_ms);
		printf("  %-39s %8" PRIu64 "  %s%s\n",
		    h->name[0] == '\0' ? "(empty)" : h->name, h->sessions,
		    h->error_ms > 0 ? "~" : "", held);
	}
}

static void
text_print_histogram(const struct tally *tl)
{
	char share[32], bar[BAR_WIDTH + 1];
	uint64_t most = 0;
	size_t c, width;

	for (c = 0; c < CLASSES; c++)
		if (tl->classes[c] > most)
			most = tl->classes[c];
	printf("\n%-22s %10s\n", "Hold time", "sessions");
	for (c = 0; c < CLASSES; c++) {
		width = most == 0 ? 0 : (size_t)(tl->classes[c] * BAR_WIDTH /
		    most);
		if (width == 0 && tl->classes[c] > 0)
			width = 1;
		memset(bar, '#', width);
		bar[width] = '\0';
		format_percent(share, sizeof(share), tl->classes[c],
		    tl->sessions);
		printf("  %-20s %10" PRIu64 "  %6s%s%s\n", class_labels[c],
		    tl->classes[c], share, width > 0 ? "  " : "", bar);
	}
}

void
text_print(const struct options *o, struct tally *tl)
{
	text_print_totals(o, tl);
	text_print_reasons(tl);
	text_print_tops(tl);
	text_print_histogram(tl);
}
