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
#include <stdlib.h>

#include "format.h"
#include "hosts.h"
#include "options.h"
#include "output.h"
#include "record.h"
#include "tally.h"
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
json_print_totals(const struct options *o, const struct tally *tl)
{
	char addr[64];
	size_t i;

	printf("{\n");
	json_print_moment("since_usec", o->since_usec, o->since_set);
	json_print_moment("until_usec", o->until_usec, o->until_usec != NO_END);
	printf("  \"sessions\": %" PRIu64 ",\n", tl->sessions);
	printf("  \"distinct_addresses\": %zu,\n", tl->addresses.count);
	printf("  \"unknown_address_sessions\": %" PRIu64 ",\n",
	    tl->unknown_address);
	printf("  \"held_sec\": ");
	print_seconds(tl->held_ms);
	if (tl->sessions > 0) {
		printf(",\n  \"median_hold_sec\": ");
		print_seconds(median_ms(tl));
		printf(",\n  \"longest_hold_sec\": ");
		print_seconds(tl->longest_ms);
		address_format(addr, sizeof(addr), tl->longest_addr);
		printf(",\n  \"longest_hold_address\": ");
		json_write_string(stdout, tl->longest_addr_known ? addr :
		    ADDRESS_UNKNOWN);
	} else {
		printf(",\n  \"median_hold_sec\": null,\n"
		    "  \"longest_hold_sec\": null,\n"
		    "  \"longest_hold_address\": null");
	}
	printf(",\n  \"pregreet_sessions\": %" PRIu64 ",\n", tl->pregreet);
	printf("  \"still_held\": %" PRIu64 ",\n", tl->held_now);
	printf("  \"lost\": %" PRIu64 ",\n", tl->lost);
	printf("  \"skipped_records\": %" PRIu64 ",\n", tl->skipped);
	printf("  \"resent_records\": %" PRIu64 ",\n", tl->resent);
	printf("  \"end_reasons\": {");
	for (i = 0; i < REASONS; i++)
		printf("%s\n    \"%s\": %" PRIu64, i == 0 ? "" : ",",
		    reason_names[i], tl->reasons[i]);
	printf("\n  },\n  \"hold_time\": [");
	for (i = 0; i < CLASSES; i++) {
		printf("%s\n    { \"below_sec\": ", i == 0 ? "" : ",");
		if (i < CLASSES - 1)
			printf("%" PRIu64, class_bounds_ms[i] / MS_PER_SEC);
		else
			printf("null");
		printf(", \"sessions\": %" PRIu64 " }", tl->classes[i]);
	}
	printf("\n  ],\n");
}

/* The intervals add up to the totals: each session is in the one it ended in. */
static void
json_print_timeline(const struct options *o, const struct tally *tl)
{
	struct intervals in;
	size_t i;

	timeline_intervals(&tl->timeline, o, &in);
	printf("  \"timeline_by\": \"%s\",\n  \"timeline\": [",
	    intervals_unit(&in));
	for (i = 0; i < in.n; i++) {
		printf("%s\n    { \"start_usec\": %" PRIu64 ", \"end_usec\": %"
		    PRIu64 ", \"sessions\": %" PRIu64 ", \"held_sec\": ",
		    i == 0 ? "" : ",", in.v[i].start_usec, in.v[i].end_usec,
		    in.v[i].sessions);
		print_seconds(in.v[i].held_ms);
		printf(" }");
	}
	printf("\n  ],\n");
	intervals_free(&in);
}

/* Each host's share, by _HOSTNAME ("" if none) and machine ID. */
static void
json_print_hosts(const struct tally *tl)
{
	struct host *hosts = hosts_sorted(tl);
	size_t i;

	printf("  \"hosts\": [");
	for (i = 0; i < tl->hosts.count; i++) {
		const struct host *h = &hosts[i];
		char machine[SD_ID128_STRING_MAX];

		printf("%s\n    { \"host\": ", i == 0 ? "" : ",");
		json_write_string(stdout, h->name);
		printf(", \"machine_id\": \"%s\", \"sessions\": %" PRIu64
		    ", \"distinct_addresses\": %" PRIu64 ", \"held_sec\": ",
		    sd_id128_to_string(h->machine, machine), h->sessions,
		    h->addresses);
		print_seconds(h->held_ms);
		printf(", \"still_held\": %" PRIu64 ", \"lost\": %" PRIu64
		    ", \"resent_records\": %" PRIu64 " }", h->held_now,
		    h->lost, h->resent);
	}
	printf("\n  ],\n");
	free(hosts);
}

static void
json_print_tops(const struct tally *tl)
{
	char addr[64];
	struct top t;
	size_t i;

	printf("  \"top_addresses\": [");
	top_addresses(tl, &t);
	for (i = 0; i < t.n; i++) {
		const struct address *a = t.entries[i];

		address_format(addr, sizeof(addr), a->addr);
		printf("%s\n    { \"address\": ", i == 0 ? "" : ",");
		json_write_string(stdout, addr);
		printf(", \"sessions\": %" PRIu64 ", \"held_sec\": ",
		    a->sessions);
		print_seconds(a->held_ms);
		printf(" }");
	}
	printf("\n  ],\n  \"top_helo\": [");
	top_helos(tl, &t);
	for (i = 0; i < t.n; i++) {
		const struct helo *h = t.entries[i];

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
json_print(const struct options *o, struct tally *tl)
{
	json_print_totals(o, tl);
	json_print_timeline(o, tl);
	json_print_hosts(tl);
	json_print_tops(tl);
}
