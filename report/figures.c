/*
 * The figures worked out from the tally, once, for every output format:
 * the median, the top lists, each host's share in order, the timeline over
 * the window and, for --addresses, every address in order.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "format.h"
#include "hosts.h"
#include "options.h"
#include "table.h"
#include "tally.h"
#include "timeline.h"
#include "util.h"

const uint64_t class_bounds_ms[CLASS_BOUNDS] = {
	10000, 60000, 600000, 3600000,
};
const char *const class_labels[CLASSES] = {
	"< 10 s", "< 1 min", "< 10 min", "< 1 h", ">= 1 h",
};

const char *const reason_names[REASONS] = {
	END_REASON_PEER_CLOSED, END_REASON_WRITE_ERROR, END_REASON_MAX_TIME,
	END_REASON_HELO_TIMEOUT, END_REASON_QUIT, END_REASON_SIGNAL, "other",
};

static void
figures_top_addresses(struct figures *f, const struct tally *tl)
{
	struct top t;
	size_t i;

	tally_top_addresses(tl, &t);
	for (i = 0; i < t.n; i++) {
		const struct address *a = t.entries[i];
		struct ranked *r = &f->top_addresses[i];

		address_format(r->name, sizeof(r->name), a->addr);
		r->sessions = a->sessions;
		r->held_ms = a->held_ms;
	}
	f->ntop_addresses = t.n;
}

static void
figures_top_helos(struct figures *f, const struct tally *tl)
{
	struct top t;
	size_t i;

	tally_top_helos(tl, &t);
	for (i = 0; i < t.n; i++) {
		const struct helo *h = t.entries[i];
		struct ranked *r = &f->top_helos[i];

		snprintf(r->name, sizeof(r->name), "%s", h->name);
		r->sessions = h->sessions;
		r->held_ms = h->held_ms;
		r->error_ms = h->error_ms;
	}
	f->ntop_helos = t.n;
}

static int
host_compare(const void *a, const void *b)
{
	const struct host_figures *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : memcmp(&x->machine, &y->machine,
	    sizeof(x->machine));
}

static void
figures_hosts(struct figures *f, const struct tally *tl)
{
	const struct host *h;
	size_t i;

	f->nhosts = tl->hosts.count;
	f->hosts = xcalloc(f->nhosts + 1, sizeof(*f->hosts));
	for (i = 0; i < f->nhosts; i++) {
		h = (const struct host *)table_entry(&tl->hosts, (uint32_t)i);
		f->hosts[i].name = h->name;
		f->hosts[i].machine = h->machine;
		f->hosts[i].totals = h->totals;
	}
	qsort(f->hosts, f->nhosts, sizeof(*f->hosts), host_compare);
}

/* Sorts the tally's addresses in place: the table is not searched after. */
static void
figures_every_address(struct figures *f, struct tally *tl)
{
	size_t i;

	qsort(tl->addresses.entries, tl->addresses.used,
	    tl->addresses.entry_size, address_compare);
	f->nevery_address = tl->addresses.used;
	f->every_address = xcalloc(f->nevery_address + 1,
	    sizeof(*f->every_address));
	for (i = 0; i < f->nevery_address; i++)
		memcpy(f->every_address[i], ((const struct address *)
		    table_entry(&tl->addresses, (uint32_t)i))->addr,
		    sizeof(f->every_address[i]));
}

void
figures_compute(struct figures *f, struct tally *tl, const struct options *o)
{
	memset(f, 0, sizeof(*f));
	f->totals = tl->totals;
	f->median_ms = tally_median_ms(tl);
	f->addresses = tl->addresses.count;
	figures_top_addresses(f, tl);
	figures_top_helos(f, tl);
	figures_hosts(f, tl);
	timeline_intervals(&tl->timeline, o, &f->timeline);
	if (o->output == OUTPUT_ADDRESSES)
		figures_every_address(f, tl);
}

void
figures_free(struct figures *f)
{
	free(f->hosts);
	intervals_free(&f->timeline);
	free(f->every_address);
}
