/*
 * The figures: everything the report reports, worked out once from the tally
 * (figures_compute) for the output formats to print, so that a format reads
 * what it shows and never how it was counted.  The totals are counted into
 * struct totals as the records come, and --state keeps them.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef REPORT_FIGURES_H
#define REPORT_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-id128.h>

#include "../record.h"
#include "timeline.h"

#define TOP_COUNT          10     /* addresses and HELO names listed */

/* The coarse hold-time classes of the bars and the Prometheus buckets. */
#define CLASS_BOUNDS       4
#define CLASSES            (CLASS_BOUNDS + 1)
extern const uint64_t class_bounds_ms[CLASS_BOUNDS];
extern const char *const class_labels[CLASSES];

/* The END_REASON values counted, in the order shown; the last is the rest. */
#define REASONS            (END_REASONS + 1)
extern const char *const reason_names[REASONS];

struct options;
struct tally;

/* What the records add up to. */
struct totals {
	uint64_t sessions;
	uint64_t held_ms;
	uint64_t pregreet;                /* sessions */
	uint64_t unknown_address;         /* sessions */
	uint64_t reasons[REASONS];
	uint64_t classes[CLASSES];        /* below each bound */
	uint64_t classes_le[CLASS_BOUNDS]; /* up to and including each bound */
	uint64_t longest_ms;
	unsigned char longest_addr[16];   /* IPv4 v4-mapped */
	bool longest_addr_known;
	uint64_t skipped;                 /* records, malformed */
	uint64_t ignored;                 /* records another program wrote */
	uint64_t held_now;
	uint64_t lost;
	uint64_t resent;                  /* records that came twice, skipped */
};

/* One host's share of the totals. */
struct host_totals {
	uint64_t sessions;
	uint64_t addresses;       /* distinct */
	uint64_t held_ms;
	uint64_t held_now;
	uint64_t lost;
	uint64_t resent;
};

/* A host, by its _HOSTNAME ("" if none) and machine ID, and its share. */
struct host_figures {
	const char *name;         /* the tally's: valid while it is */
	sd_id128_t machine;
	struct host_totals totals;
};

/* One line of a top list: an address or a HELO name and its time held. */
struct ranked {
	char name[CLIENT_TEXT_MAX + 1];  /* the address as text, or the HELO */
	uint64_t sessions;
	uint64_t held_ms;         /* overstated by at most error_ms */
	uint64_t error_ms;
};

struct figures {
	struct totals totals;
	uint64_t median_ms;
	uint64_t addresses;               /* distinct */
	struct ranked top_addresses[TOP_COUNT];
	size_t ntop_addresses;
	struct ranked top_helos[TOP_COUNT];
	size_t ntop_helos;
	struct host_figures *hosts;       /* by name, then machine ID */
	size_t nhosts;
	struct intervals timeline;        /* over the window, as --by says */
	unsigned char (*every_address)[16]; /* --addresses only: the longest */
	size_t nevery_address;              /* held first */
};

void figures_compute(struct figures *f, struct tally *tl,
    const struct options *o);
void figures_free(struct figures *f);

#endif
