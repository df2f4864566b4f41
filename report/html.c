/*
 * The --html output: one self-contained page, with its style and its charts
 * (inline SVG) inside it, no script and nothing fetched from anywhere; its
 * Content-Security-Policy forbids loading anything at all.  Each figure
 * carries the value --json gives for it (data-json names the key), so the
 * page can be checked against the JSON.  Everything from a client is escaped.
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
#include <time.h>

#include "figures.h"
#include "format.h"
#include "options.h"
#include "output.h"
#include "timeline.h"
#include "util.h"

#define AXIS_LABELS_MAX    8      /* interval labels under the timeline */
#define BAR_PITCH          10     /* SVG units per interval, bar and gap */
#define BAR_WIDE           8

static const char page_style[] =
":root{--bg:#f6f4ef;--card:#fff;--ink:#1c1917;--muted:#6b645c;"
"--line:#e6e1d8;--bar:#d97706;--track:#f3e3c8;--accent:#9a3412}\n"
"@media (prefers-color-scheme:dark){:root{--bg:#171412;--card:#221e1b;"
"--ink:#f3efe9;--muted:#a69e94;--line:#37302a;--bar:#f59e0b;"
"--track:#3d3020;--accent:#fdba74}}\n"
"*{box-sizing:border-box}\n"
"body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.45 "
"system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif}\n"
"header,main,footer{max-width:72rem;margin:0 auto;padding:0 1rem}\n"
"header{padding-top:1.5rem}\n"
"h1{font-size:1.6rem;margin:0;letter-spacing:-.01em}\n"
"h1 span{color:var(--accent)}\n"
".window{margin:.25rem 0 0;color:var(--muted)}\n"
"h2{font-size:1rem;margin:0 0 .75rem}\n"
"section{background:var(--card);border:1px solid var(--line);"
"border-radius:.75rem;padding:1rem 1.1rem;margin:0 0 1rem;min-width:0}\n"
".figures{display:grid;grid-template-columns:repeat(auto-fit,"
"minmax(9rem,1fr));gap:.75rem;margin:1rem 0}\n"
".figure{background:var(--card);border:1px solid var(--line);"
"border-radius:.75rem;padding:.8rem 1rem}\n"
".figure dt,thead th{font-size:.75rem;text-transform:uppercase;"
"letter-spacing:.06em;color:var(--muted);font-weight:500}\n"
".figure dd{margin:.15rem 0 0;font-size:1.7rem;font-weight:650;"
"font-variant-numeric:tabular-nums;line-height:1.2}\n"
".figure small{display:block;font-size:.8rem;font-weight:400;"
"color:var(--muted);overflow-wrap:anywhere}\n"
".pair{display:grid;grid-template-columns:repeat(auto-fit,"
"minmax(20rem,1fr));gap:0 1rem}\n"
".chart{display:grid;grid-template-columns:auto 1fr;gap:0 .5rem}\n"
".y{display:flex;flex-direction:column;justify-content:space-between;"
"font-size:.75rem;color:var(--muted);text-align:right;"
"font-variant-numeric:tabular-nums;line-height:1;margin:-.35em 0}\n"
".timeline{display:block;width:100%;height:11rem;"
"border-bottom:1px solid var(--line);"
"background:linear-gradient(var(--line) 1px,transparent 1px) 0 0/100% 50%}\n"
".timeline rect{fill:var(--bar)}\n"
".timeline rect:hover{fill:var(--accent)}\n"
".x{grid-column:2;position:relative;height:1.2rem;font-size:.75rem;"
"color:var(--muted);white-space:nowrap}\n"
".x span{position:absolute;top:.2rem;transform:translateX(-50%)}\n"
"table{width:100%;border-collapse:collapse;"
"font-variant-numeric:tabular-nums}\n"
"th,td{padding:.3rem .4rem;text-align:left;vertical-align:baseline}\n"
"thead th{border-bottom:1px solid var(--line)}\n"
"tbody tr+tr>*{border-top:1px solid var(--line)}\n"
"tbody th{font-weight:500;white-space:nowrap}\n"
".n{text-align:right;white-space:nowrap}\n"
".share,.rank{color:var(--muted)}\n"
".graph{width:45%}\n"
".bar{display:block;width:100%;height:.7rem;background:var(--track);"
"border-radius:.2rem}\n"
".bar rect{fill:var(--bar)}\n"
".name{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;"
"font-size:.85rem;overflow-wrap:anywhere;word-break:break-all}\n"
".empty{color:var(--muted);margin:0}\n"
".scroll{overflow-x:auto}\n"
"footer{color:var(--muted);font-size:.8rem;padding-bottom:2rem}\n"
"@media (max-width:40rem){.x span:nth-child(even){display:none}}\n"
"@media (max-width:30rem){body{font-size:14px}.figure dd{font-size:1.4rem}"
"section{padding:.8rem}.graph{width:30%}th,td{padding:.3rem .25rem}}\n";

/* Text for a page: the five characters HTML gives a meaning escaped. */
static void
html_text(const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", stdout);
			break;
		case '<':
			fputs("&lt;", stdout);
			break;
		case '>':
			fputs("&gt;", stdout);
			break;
		case '"':
			fputs("&quot;", stdout);
			break;
		case '\'':
			fputs("&#39;", stdout);
			break;
		default:
			putchar(*s);
		}
	}
}

/* "1,234,567": a count for a person. */
static void
format_count(char *buf, size_t size, uint64_t n)
{
	char digits[32];
	size_t len, i, o = 0;

	len = (size_t)snprintf(digits, sizeof(digits), "%" PRIu64, n);
	for (i = 0; i < len && o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

/* A hold time in two units at most: "12.3 s", "12m 03s", "3h 02m", "2d 03h". */
static void
format_short_duration(char *buf, size_t size, uint64_t ms)
{
	uint64_t s = ms / MS_PER_SEC;

	if (s < 60)
		snprintf(buf, size, "%" PRIu64 ".%" PRIu64 " s", s,
		    ms % MS_PER_SEC / 100);
	else if (s < 3600)
		snprintf(buf, size, "%" PRIu64 "m %02" PRIu64 "s", s / 60,
		    s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%" PRIu64 "h %02" PRIu64 "m", s / 3600,
		    s / 60 % 60);
	else
		snprintf(buf, size, "%" PRIu64 "d %02" PRIu64 "h", s / 86400,
		    s / 3600 % 24);
}

/* Hours to three figures or more, to fit a card: "2.47 h", "23.5 h", "1,236 h". */
static void
format_short_hours(char *buf, size_t size, uint64_t ms)
{
	char count[32];

	if (ms < 10 * MS_PER_HOUR) {
		snprintf(buf, size, "%" PRIu64 ".%02" PRIu64 " h",
		    ms / MS_PER_HOUR, ms % MS_PER_HOUR * 100 / MS_PER_HOUR);
	} else if (ms < 100 * MS_PER_HOUR) {
		snprintf(buf, size, "%" PRIu64 ".%" PRIu64 " h",
		    ms / MS_PER_HOUR, ms % MS_PER_HOUR * 10 / MS_PER_HOUR);
	} else {
		format_count(count, sizeof(count), ms / MS_PER_HOUR);
		snprintf(buf, size, "%s h", count);
	}
}

/* Seconds from milliseconds, as --json has them, in a string. */
static void
format_seconds(char *buf, size_t size, uint64_t ms)
{
	snprintf(buf, size, "%" PRIu64 ".%03" PRIu64, ms / MS_PER_SEC,
	    ms % MS_PER_SEC);
}

static void
html_print_head(const struct options *o)
{
	char from[64] = "the start", to[64] = "now";

	if (o->since_set)
		format_moment(from, sizeof(from), o->since_usec);
	if (o->until_usec != NO_END)
		format_moment(to, sizeof(to), o->until_usec);
	printf("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width,"
	    " initial-scale=1\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\""
	    " content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<title>tarpit: what it caught, %s to %s</title>\n"
	    "<style>\n%s</style>\n</head>\n<body>\n", from, to, page_style);
}

static void
html_print_header(const struct options *o)
{
	char from[64] = "the start of the journal", to[64] = "its end";

	if (o->since_set)
		format_moment(from, sizeof(from), o->since_usec);
	if (o->until_usec != NO_END)
		format_moment(to, sizeof(to), o->until_usec);
	printf("<header>\n<h1><span>tarpit</span> &middot; what it caught</h1>\n"
	    "<p class=\"window\">Sessions ended from %s to %s</p>\n"
	    "</header>\n<main>\n", from, to);
}

/*
 * One headline figure: its label, the value --json gives under key (exact,
 * in data), how a person reads it, and an optional note under it.
 */
static void
html_figure(const char *label, const char *key, const char *value,
    const char *shown, const char *note)
{
	printf("<div class=\"figure\"><dt>%s</dt><dd><data data-json=\"%s\""
	    " value=\"%s\">%s</data>", label, key, value, shown);
	if (note != NULL) {
		fputs("<small>", stdout);
		html_text(note);
		fputs("</small>", stdout);
	}
	fputs("</dd></div>\n", stdout);
}

static void
html_figure_count(const char *label, const char *key, uint64_t n,
    const char *note)
{
	char value[32], shown[32];

	snprintf(value, sizeof(value), "%" PRIu64, n);
	format_count(shown, sizeof(shown), n);
	html_figure(label, key, value, shown, note);
}

static void
html_figure_hold(const char *label, const char *key, const struct figures *f,
    uint64_t ms, const char *note)
{
	char value[32], shown[32];

	if (f->totals.sessions == 0) {
		html_figure(label, key, "", "&ndash;", NULL);
		return;
	}
	format_seconds(value, sizeof(value), ms);
	format_short_duration(shown, sizeof(shown), ms);
	html_figure(label, key, value, shown, note);
}

static void
html_print_figures(const struct figures *f)
{
	const struct totals *t = &f->totals;
	char value[32], shown[80], addr[64];
	char note[sizeof(addr) + sizeof(" sessions")];

	fputs("<dl class=\"figures\">\n", stdout);
	html_figure_count("Sessions", "sessions", t->sessions, NULL);
	html_figure_count("Distinct addresses", "distinct_addresses",
	    f->addresses, NULL);
	format_seconds(value, sizeof(value), t->held_ms);
	format_short_hours(shown, sizeof(shown), t->held_ms);
	html_figure("Spammer time wasted", "held_sec", value, shown, NULL);
	html_figure_hold("Median hold", "median_hold_sec", f, f->median_ms,
	    NULL);
	if (t->longest_addr_known)
		address_format(addr, sizeof(addr), t->longest_addr);
	else
		strcpy(addr, "unknown address");
	html_figure_hold("Longest hold", "longest_hold_sec", f,
	    t->longest_ms, addr);
	snprintf(value, sizeof(value), "%" PRIu64, t->pregreet);
	format_percent(shown, sizeof(shown), t->pregreet, t->sessions);
	format_count(addr, sizeof(addr), t->pregreet);
	snprintf(note, sizeof(note), "%s session%s", addr,
	    t->pregreet == 1 ? "" : "s");
	html_figure("Pregreet", "pregreet_sessions", value, shown, note);
	html_figure_count("Still held", "still_held", t->held_now, NULL);
	fputs("</dl>\n", stdout);
}

/* The top of the scale: the least round number (10, 12, 15, 20, 25, 30, 40,
 * 50, 60, 80 times a power of ten, and whole) that is at least n. */
static uint64_t
nice_ceiling(uint64_t n)
{
	static const uint64_t steps[] = { 10, 12, 15, 20, 25, 30, 40, 50, 60,
	    80 };
	uint64_t power;
	size_t i;

	for (power = 1; n > power; power *= 10)
		for (i = 0; i < sizeof(steps) / sizeof(*steps); i++)
			if (steps[i] * power % 10 == 0 &&
			    steps[i] * power / 10 >= n)
				return steps[i] * power / 10;
	return n == 0 ? 1 : power;
}

static void
html_print_bars(const struct intervals *in, uint64_t top)
{
	char when[64], hours[32];
	double height;
	size_t i;

	printf("<svg class=\"timeline\" viewBox=\"0 0 %zu 100\""
	    " preserveAspectRatio=\"none\" role=\"img\""
	    " aria-label=\"Sessions per %s\">", in->n * BAR_PITCH,
	    intervals_unit(in));
	for (i = 0; i < in->n; i++) {
		height = 100.0 * (double)in->v[i].sessions / (double)top;
		format_interval(when, sizeof(when), in->v[i].start_usec, in->by);
		format_hours(hours, sizeof(hours), in->v[i].held_ms);
		printf("<rect x=\"%zu\" y=\"%.2f\" width=\"%d\" height=\"%.2f\">"
		    "<title>%s: %" PRIu64 " sessions, %s h</title></rect>",
		    i * BAR_PITCH + (BAR_PITCH - BAR_WIDE) / 2, 100.0 - height,
		    BAR_WIDE, height, when, in->v[i].sessions, hours);
	}
	fputs("</svg>\n", stdout);
}

/* A few labels under the bars, each centred under its interval. */
static void
html_print_axis(const struct intervals *in)
{
	size_t step = (in->n + AXIS_LABELS_MAX - 1) / AXIS_LABELS_MAX, i;
	time_t t;
	struct tm tm;
	char label[32];

	fputs("<div class=\"x\">", stdout);
	for (i = 0; i < in->n; i += step) {
		t = (time_t)(in->v[i].start_usec / USEC_PER_SEC);
		if (localtime_r(&t, &tm) == NULL || strftime(label,
		    sizeof(label), in->by == BY_DAY ? "%b %d" : "%H:%M",
		    &tm) == 0)
			continue;
		printf("<span style=\"left:%.2f%%\">%s</span>",
		    100.0 * ((double)i + 0.5) / (double)in->n, label);
	}
	fputs("</div>", stdout);
}

static void
html_print_timeline(const struct intervals *in)
{
	uint64_t top;
	char most[32], half[32];

	printf("<section>\n<h2>Sessions per %s</h2>\n", intervals_unit(in));
	if (in->n == 0) {
		fputs("<p class=\"empty\">No session ended in this window.</p>\n",
		    stdout);
	} else {
		top = nice_ceiling(intervals_most(in));
		format_count(most, sizeof(most), top);
		format_count(half, sizeof(half), top / 2);
		printf("<div class=\"chart\"><div class=\"y\"><span>%s</span>"
		    "<span>%s</span><span>0</span></div>\n", most,
		    top % 2 == 0 ? half : "");
		html_print_bars(in, top);
		html_print_axis(in);
		fputs("</div>\n", stdout);
	}
	fputs("</section>\n", stdout);
}

/* A bar as long as count is to most, on a track of the full length. */
static void
html_bar(uint64_t count, uint64_t most)
{
	printf("<svg class=\"bar\" viewBox=\"0 0 100 1\""
	    " preserveAspectRatio=\"none\"><rect width=\"%.2f\" height=\"1\"/>"
	    "</svg>", most == 0 ? 0.0 : 100.0 * (double)count / (double)most);
}

/* A table of labels with a bar, a count and its share of every session. */
static void
html_print_shares(const char *title, const char *what,
    const char *const labels[], const uint64_t counts[], size_t n,
    uint64_t sessions)
{
	char share[32];
	uint64_t most = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (counts[i] > most)
			most = counts[i];
	printf("<section><h2>%s</h2><table><thead><tr><th>%s</th><th></th>"
	    "<th class=\"n\">sessions</th><th class=\"n\">share</th></tr>"
	    "</thead><tbody>\n", title, what);
	for (i = 0; i < n; i++) {
		format_percent(share, sizeof(share), counts[i], sessions);
		fputs("<tr><th scope=\"row\">", stdout);
		html_text(labels[i]);
		fputs("</th><td class=\"graph\">", stdout);
		html_bar(counts[i], most);
		printf("</td><td class=\"n\">%" PRIu64 "</td>"
		    "<td class=\"n share\">%s</td></tr>\n", counts[i], share);
	}
	fputs("</tbody></table></section>\n", stdout);
}

static void
html_print_top_header(const char *what, const char *column)
{
	printf("<section><h2>Top %d %s by time held</h2><table><thead><tr>"
	    "<th></th><th>%s</th><th class=\"n\">sessions</th>"
	    "<th class=\"n\">held</th></tr></thead><tbody>\n", TOP_COUNT, what,
	    column);
}

/* One row of a top list; an estimate (~) where the count may be overstated. */
static void
html_print_top_row(size_t rank, const char *name, uint64_t sessions,
    uint64_t held_ms, bool estimate)
{
	char held[32], exact[32];

	format_short_duration(held, sizeof(held), held_ms);
	format_seconds(exact, sizeof(exact), held_ms);
	printf("<tr><td class=\"rank\">%zu</td><td class=\"name\">", rank);
	html_text(name);
	printf("</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%s"
	    "<data value=\"%s\">%s</data></td></tr>\n", sessions,
	    estimate ? "~" : "", exact, held);
}

static void
html_print_tops(const struct figures *f)
{
	size_t i;

	fputs("<div class=\"pair\">\n", stdout);
	html_print_top_header("addresses", "address");
	for (i = 0; i < f->ntop_addresses; i++) {
		const struct ranked *a = &f->top_addresses[i];

		html_print_top_row(i + 1, a->name, a->sessions, a->held_ms,
		    false);
	}
	fputs("</tbody></table></section>\n", stdout);
	html_print_top_header("HELO names", "HELO name");
	for (i = 0; i < f->ntop_helos; i++) {
		const struct ranked *h = &f->top_helos[i];

		html_print_top_row(i + 1, h->name[0] == '\0' ? "(empty)" :
		    h->name, h->sessions, h->held_ms, h->error_ms > 0);
	}
	fputs("</tbody></table></section>\n</div>\n", stdout);
}

/* Each host's share, when the journal holds records of more than one. */
static void
html_print_hosts(const struct figures *f)
{
	char held[32], exact[32];
	size_t i;

	if (f->nhosts < 2)
		return;
	/* six columns may not fit a phone: the table scrolls, not the page */
	fputs("<section><h2>Hosts</h2><div class=\"scroll\"><table><thead>"
	    "<tr><th>host</th><th class=\"n\">sessions</th>"
	    "<th class=\"n\">addresses</th>"
	    "<th class=\"n\">held</th><th class=\"n\">still held</th>"
	    "<th class=\"n\">lost</th></tr></thead><tbody>\n", stdout);
	for (i = 0; i < f->nhosts; i++) {
		const struct host_figures *h = &f->hosts[i];

		format_short_duration(held, sizeof(held), h->totals.held_ms);
		format_seconds(exact, sizeof(exact), h->totals.held_ms);
		fputs("<tr><td class=\"name\">", stdout);
		html_text(h->name[0] == '\0' ? "(no name)" : h->name);
		printf("</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%"
		    PRIu64 "</td><td class=\"n\"><data value=\"%s\">%s</data>"
		    "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%"
		    PRIu64 "</td></tr>\n", h->totals.sessions,
		    h->totals.addresses, exact, held, h->totals.held_now,
		    h->totals.lost);
	}
	fputs("</tbody></table></div></section>\n", stdout);
}

static void
html_print_footer(const struct totals *t)
{
	char now[64];

	format_moment(now, sizeof(now), (uint64_t)time(NULL) * USEC_PER_SEC);
	printf("</main>\n<footer><p><data data-json=\"unknown_address_sessions\""
	    " value=\"%" PRIu64 "\">%" PRIu64 "</data> sessions from an unknown"
	    " address, <data data-json=\"lost\" value=\"%" PRIu64 "\">%" PRIu64
	    "</data> lost, <data data-json=\"skipped_records\" value=\"%" PRIu64
	    "\">%" PRIu64 "</data> records skipped, <data data-json=\""
	    "ignored_records\" value=\"%" PRIu64 "\">%" PRIu64 "</data> ignored"
	    " as not tarpit's.  tarpit-report "
	    REPORT_VERSION ", %s.</p></footer>\n</body>\n</html>\n",
	    t->unknown_address, t->unknown_address, t->lost, t->lost,
	    t->skipped, t->skipped, t->ignored, t->ignored, now);
}

void
html_print(const struct options *o, const struct figures *f)
{
	const struct totals *t = &f->totals;

	html_print_head(o);
	html_print_header(o);
	html_print_figures(f);
	html_print_timeline(&f->timeline);
	fputs("<div class=\"pair\">\n", stdout);
	html_print_shares("Hold time", "held", class_labels, t->classes,
	    CLASSES, t->sessions);
	html_print_shares("End reasons", "reason", reason_names, t->reasons,
	    REASONS, t->sessions);
	fputs("</div>\n", stdout);
	html_print_tops(f);
	html_print_hosts(f);
	html_print_footer(t);
}
