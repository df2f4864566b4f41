/*
 * The --json output: one JSON document.
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

#include "figures.h"
#include "format.h"
#include "options.h"
#include "output.h"
#include "timeline.h"
#include "util.h"

/*
 * A JSON string of s, valid whatever s holds: '"' and '\' get a backslash,
 * and every other octet outside printable ASCII (the controls, DEL, and
 * those of UTF-8 or any other encoding) is \u00XX, the code point of the
 * same number.  The report sanitizes what it reads before it gets here;
 * this does not count on it.
 */
void
json_write_string(FILE *out, const char *s)
{
	unsigned char c;

	putc('"', out);
	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			fprintf(out, "\\u%04x", c);
		else
			putc(c, out);
	}
	putc('"', out);
}

static void
json_print_moment(const char *name, uint64_t usec, bool set)
{
	if (set)
		printf("  \"%s\": %" PRIu64 ",\n", name, usec);
	else
		printf("  \"%s\": null,\n", name);
}

static void
json_print_totals(const struct options *o, const struct figures *f)
{
	const struct totals *t = &f->totals;
	char addr[64];
	size_t i;

	printf("{\n");
	json_print_moment("since_usec", o->since_usec, o->since_set);
	json_print_moment("until_usec", o->until_usec, o->until_usec != NO_END);
	printf("  \"sessions\": %" PRIu64 ",\n", t->sessions);
	printf("  \"distinct_addresses\": %" PRIu64 ",\n", f->addresses);
	printf("  \"unknown_address_sessions\": %" PRIu64 ",\n",
	    t->unknown_address);
	printf("  \"held_sec\": ");
	print_seconds(t->held_ms);
	if (t->sessions > 0) {
		printf(",\n  \"median_hold_sec\": ");
		print_seconds(f->median_ms);
		printf(",\n  \"longest_hold_sec\": ");
		print_seconds(t->longest_ms);
		address_format(addr, sizeof(addr), t->longest_addr);
		printf(",\n  \"longest_hold_address\": ");
		json_write_string(stdout, t->longest_addr_known ? addr :
		    ADDRESS_UNKNOWN);
	} else {
		printf(",\n  \"median_hold_sec\": null,\n"
		    "  \"longest_hold_sec\": null,\n"
		    "  \"longest_hold_address\": null");
	}
	printf(",\n  \"pregreet_sessions\": %" PRIu64 ",\n", t->pregreet);
	printf("  \"still_held\": %" PRIu64 ",\n", t->held_now);
	printf("  \"lost\": %" PRIu64 ",\n", t->lost);
	printf("  \"skipped_records\": %" PRIu64 ",\n", t->skipped);
	printf("  \"ignored_records\": %" PRIu64 ",\n", t->ignored);
	printf("  \"resent_records\": %" PRIu64 ",\n", t->resent);
	printf("  \"end_reasons\": {");
	for (i = 0; i < REASONS; i++)
		printf("%s\n    \"%s\": %" PRIu64, i == 0 ? "" : ",",
		    reason_names[i], t->reasons[i]);
	printf("\n  },\n  \"hold_time\": [");
	for (i = 0; i < CLASSES; i++) {
		printf("%s\n    { \"below_sec\": ", i == 0 ? "" : ",");
		if (i < CLASSES - 1)
			printf("%" PRIu64, class_bounds_ms[i] / MS_PER_SEC);
		else
			printf("null");
		printf(", \"sessions\": %" PRIu64 " }", t->classes[i]);
	}
	printf("\n  ],\n");
}

/* The intervals add up to the totals: each session is in the one it ended in. */
static void
json_print_timeline(const struct intervals *in)
{
	size_t i;

	printf("  \"timeline_by\": \"%s\",\n  \"timeline\": [",
	    intervals_unit(in));
	for (i = 0; i < in->n; i++) {
		printf("%s\n    { \"start_usec\": %" PRIu64 ", \"end_usec\": %"
		    PRIu64 ", \"sessions\": %" PRIu64 ", \"held_sec\": ",
		    i == 0 ? "" : ",", in->v[i].start_usec, in->v[i].end_usec,
		    in->v[i].sessions);
		print_seconds(in->v[i].held_ms);
		printf(" }");
	}
	printf("\n  ],\n");
}

/* Each host's share, by _HOSTNAME ("" if none) and machine ID. */
static void
json_print_hosts(const struct figures *f)
{
	size_t i;

	printf("  \"hosts\": [");
	for (i = 0; i < f->nhosts; i++) {
		const struct host_figures *h = &f->hosts[i];
		char machine[SD_ID128_STRING_MAX];

		printf("%s\n    { \"host\": ", i == 0 ? "" : ",");
		json_write_string(stdout, h->name);
		printf(", \"machine_id\": \"%s\", \"sessions\": %" PRIu64
		    ", \"distinct_addresses\": %" PRIu64 ", \"held_sec\": ",
		    sd_id128_to_string(h->machine, machine), h->totals.sessions,
		    h->totals.addresses);
		print_seconds(h->totals.held_ms);
		printf(", \"still_held\": %" PRIu64 ", \"lost\": %" PRIu64
		    ", \"resent_records\": %" PRIu64 " }", h->totals.held_now,
		    h->totals.lost, h->totals.resent);
	}
	printf("\n  ],\n");
}

static void
json_print_tops(const struct figures *f)
{
	size_t i;

	printf("  \"top_addresses\": [");
	for (i = 0; i < f->ntop_addresses; i++) {
		const struct ranked *a = &f->top_addresses[i];

		printf("%s\n    { \"address\": ", i == 0 ? "" : ",");
		json_write_string(stdout, a->name);
		printf(", \"sessions\": %" PRIu64 ", \"held_sec\": ",
		    a->sessions);
		print_seconds(a->held_ms);
		printf(" }");
	}
	printf("\n  ],\n  \"top_helo\": [");
	for (i = 0; i < f->ntop_helos; i++) {
		const struct ranked *h = &f->top_helos[i];

		printf("%s\n    { \"helo\": ", i == 0 ? "" : ",");
		json_write_string(stdout, h->name);
		printf(", \"sessions\": %" PRIu64 ", \"held_sec\": ",
		    h->sessions);
		print_seconds(h->held_ms);
		printf(", \"error_sec\": ");
		print_seconds(h->error_ms);
		printf(" }");
	}
	printf("\n  ]\n}\n");
}

void
json_print(const struct options *o, const struct figures *f)
{
	json_print_totals(o, f);
	json_print_timeline(&f->timeline);
	json_print_hosts(f);
	json_print_tops(f);
}
