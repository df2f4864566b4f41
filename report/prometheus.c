/*
 * The --prometheus output: the text exposition format, for
 * node_exporter's textfile collector.
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
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "figures.h"
#include "format.h"
#include "options.h"
#include "output.h"
#include "util.h"

static void
prometheus_print_header(const char *name, const char *type, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The per-host metrics: each a uint64_t of struct host_totals, ms as seconds. */
static const struct host_metric {
	const char *name, *type, *help;
	size_t offset;
	bool ms;
} host_metrics[] = {
	{ "tarpit_host_sessions_total", "counter",
	    "Tar pit sessions that ended, by host.",
	    offsetof(struct host_totals, sessions), false },
	{ "tarpit_host_addresses", "gauge",
	    "Distinct client addresses, by host.",
	    offsetof(struct host_totals, addresses), false },
	{ "tarpit_host_hold_seconds_total", "counter",
	    "Time the tar pit held clients, by host.",
	    offsetof(struct host_totals, held_ms), true },
	{ "tarpit_host_sessions_held", "gauge",
	    "Sessions still held, by host.",
	    offsetof(struct host_totals, held_now), false },
	{ "tarpit_host_sessions_lost", "gauge",
	    "Sessions whose end was never logged: the host went down, by host.",
	    offsetof(struct host_totals, lost), false },
};

/*
 * A label value as the text format has it: '"' and '\\' escaped.  A name is
 * printable ASCII when read (sanitize_for_terminal), so it has no line feed.
 */
static void
prometheus_print_label_value(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
}

/*
 * Each host's share, labelled by its _HOSTNAME, in metrics of their own so
 * that summing one over its hosts gives the total.
 */
static void
prometheus_print_hosts(const struct figures *f)
{
	size_t i, m;

	for (m = 0; m < sizeof(host_metrics) / sizeof(host_metrics[0]); m++) {
		const struct host_metric *hm = &host_metrics[m];

		prometheus_print_header(hm->name, hm->type, hm->help);
		for (i = 0; i < f->nhosts; i++) {
			uint64_t value = *(const uint64_t *)(const void *)
			    ((const char *)&f->hosts[i].totals + hm->offset);

			printf("%s{host=\"", hm->name);
			prometheus_print_label_value(f->hosts[i].name);
			printf("\"} ");
			if (hm->ms)
				print_seconds(value);
			else
				printf("%" PRIu64, value);
			putchar('\n');
		}
	}
}

void
prometheus_print(const struct options *o, const struct figures *f)
{
	const struct totals *t = &f->totals;
	size_t i;

	prometheus_print_header("tarpit_sessions_total", "counter",
	    "Tar pit sessions that ended, by end reason.");
	for (i = 0; i < REASONS; i++)
		printf("tarpit_sessions_total{reason=\"%s\"} %" PRIu64 "\n",
		    reason_names[i], t->reasons[i]);
	prometheus_print_header("tarpit_pregreet_sessions_total", "counter",
	    "Sessions whose client spoke before the banner.");
	printf("tarpit_pregreet_sessions_total %" PRIu64 "\n", t->pregreet);
	prometheus_print_header("tarpit_hold_seconds", "histogram",
	    "How long the tar pit held each client.");
	for (i = 0; i < CLASSES - 1; i++)
		printf("tarpit_hold_seconds_bucket{le=\"%" PRIu64 "\"} %"
		    PRIu64 "\n", class_bounds_ms[i] / MS_PER_SEC,
		    t->classes_le[i]);
	printf("tarpit_hold_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n",
	    t->sessions);
	printf("tarpit_hold_seconds_sum ");
	print_seconds(t->held_ms);
	printf("\ntarpit_hold_seconds_count %" PRIu64 "\n", t->sessions);
	prometheus_print_header("tarpit_hold_longest_seconds", "gauge",
	    "The longest time one client was held.");
	printf("tarpit_hold_longest_seconds ");
	print_seconds(t->longest_ms);
	putchar('\n');
	/* Counting them for good would keep every address in the state. */
	if (o->state_path == NULL) {
		prometheus_print_header("tarpit_addresses", "gauge",
		    "Distinct client addresses.");
		printf("tarpit_addresses %" PRIu64 "\n", f->addresses);
	}
	prometheus_print_header("tarpit_sessions_held", "gauge",
	    "Sessions still held: connected and not yet ended.");
	printf("tarpit_sessions_held %" PRIu64 "\n", t->held_now);
	prometheus_print_header("tarpit_sessions_lost_total", "counter",
	    "Sessions whose end was never logged: their boot ended under them.");
	printf("tarpit_sessions_lost_total %" PRIu64 "\n", t->lost);
	prometheus_print_header("tarpit_report_skipped_records_total", "counter",
	    "Tar pit records skipped as malformed.");
	printf("tarpit_report_skipped_records_total %" PRIu64 "\n",
	    t->skipped);
	prometheus_print_header("tarpit_report_ignored_records_total", "counter",
	    "Records with tarpit's fields that another program wrote, ignored.");
	printf("tarpit_report_ignored_records_total %" PRIu64 "\n",
	    t->ignored);
	/* The state keeps one count for the journal, not one for each host. */
	if (o->state_path != NULL)
		return;
	prometheus_print_header("tarpit_report_resent_records_total", "counter",
	    "Tar pit records an uploader sent twice, counted once.");
	printf("tarpit_report_resent_records_total %" PRIu64 "\n", t->resent);
	prometheus_print_hosts(f);
}
