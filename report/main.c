/*
 * tarpit-report: what the tar pit caught, read back from the journal.
 *
 * It reads the connect and disconnect records tarpit(8) writes, one entry
 * at a time through sd-journal, and reports how many sessions there were,
 * how long they were held, and the worst addresses and HELO names.  Memory
 * grows with the distinct addresses and the sessions still open, never with
 * the number of records.
 *
 * The parts, each with its header: the options read here (options.h); the
 * journal opened and walked (journal.c), each entry read as a record
 * (record.c) of a host (hosts.c) and counted (tally.c, with timeline.c and
 * the hash tables of table.c), or counted on from --state (export.c); the
 * figures worked out once (figures.c) and printed in one of the output
 * formats (output.h: text.c, json.c, html.c, prometheus.c, addresses.c,
 * with format.c's pieces of text), into a file replaced at once (file.c).
 * timestamp.c reads --since and --until, util.c is what every part uses.
 * --blocklist reads the journal its own way (blocklist.c) for its rule
 * (evidence.c), with the Postfix lines (postfix.c), the allowlist
 * (allowlist.c) and the addresses (address.c) it needs, and writes the
 * list in its formats (listformat.c); trust.c judges who wrote an entry.
 * What a record looks like is ../record.h's, and how a number is read
 * ../number.h's: tarpit includes both too.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "blocklist.h"
#include "evidence.h"
#include "export.h"
#include "figures.h"
#include "file.h"
#include "hosts.h"
#include "journal.h"
#include "listformat.h"
#include "options.h"
#include "output.h"
#include "table.h"
#include "tally.h"
#include "timeline.h"
#include "timestamp.h"
#include "util.h"

#define ARGUMENT_SHOWN_MAX 64     /* characters of a bad argument echoed */

/* The output formats, one file each: a new one is a file and a line here. */
static void (*const printers[])(const struct options *,
    const struct figures *) = {
	[OUTPUT_TEXT] = text_print,
	[OUTPUT_JSON] = json_print,
	[OUTPUT_PROMETHEUS] = prometheus_print,
	[OUTPUT_ADDRESSES] = addresses_print,
	[OUTPUT_HTML] = html_print,
};

/* To standard output, or into a new file renamed over --output's. */
static void
report_print(const struct options *o, struct tally *tl)
{
	struct new_file out;
	struct figures f;

	output_begin(o->output_path, &out);
	figures_compute(&f, tl, o);
	printers[o->output](o, &f);
	figures_free(&f);
	output_end(o->output_path, &out);
}

#define TIME_FORMS "a time (now, today, yesterday, -1h, '2h ago'," \
    " 2026-12-01, '2026-12-01 10:00', @unix-seconds)"
#define STRING_OF(n) STRING_OF_(n)
#define STRING_OF_(n) #n
#define HELP_INDENT "                        " /* --help's text column */
#define SPAN_FORMS "a time span (24h, 90min, 2d, '1h 30min')"

/* What an option's value is, and so how it is read and described. */
enum option_kind { KIND_SINCE, KIND_UNTIL, KIND_PATH, KIND_FILE, KIND_BY,
    KIND_HOST, KIND_FORMAT, KIND_BLOCKLIST, KIND_EXPIRE, KIND_ACTION,
    KIND_HELP, KIND_VERSION };

/* The options of one group exclude each other. */
enum option_group { GROUP_NONE, GROUP_JOURNAL, GROUP_FORMAT, GROUPS };

/*
 * Every option, named once, in the order --help lists them: getopt's
 * arrays, --help and its synopsis, the unknown-option message, the groups
 * that exclude each other and the check of each value all come from here.
 */
static const struct option_spec {
	const char *name;
	const char *synopsis;     /* the value in the usage line */
	const char *value;        /* the value in --help, or NULL: none */
	const char *help;
	const char *accepts;      /* what a wrong value is not */
	size_t path;              /* KIND_PATH: its place in struct options */
	enum option_kind kind;
	enum option_group group;
	enum output output;       /* KIND_FORMAT: the format */
	char letter;              /* the short form, or 0 */
} option_specs[] = {
	{ .name = "since", .letter = 'S', .kind = KIND_SINCE,
	    .synopsis = "time", .value = "TIME",
	    .help = "window start, included (default: the journal's start)",
	    .accepts = TIME_FORMS },
	{ .name = "until", .letter = 'U', .kind = KIND_UNTIL,
	    .synopsis = "time", .value = "TIME",
	    .help = "window end, excluded (default: none)",
	    .accepts = TIME_FORMS },
	{ .name = "directory", .letter = 'D', .kind = KIND_PATH,
	    .group = GROUP_JOURNAL, .synopsis = "directory", .value = "DIR",
	    .help = "read the files in DIR and its directories (default: the\n"
	    HELP_INDENT "system journal)",
	    .accepts = "a directory",
	    .path = offsetof(struct options, directory) },
	{ .name = "file", .kind = KIND_FILE, .group = GROUP_JOURNAL,
	    .synopsis = "file", .value = "FILE",
	    .help = "read FILE; up to " STRING_OF(FILES_MAX) " times",
	    .accepts = "a journal file" },
	{ .name = "by", .kind = KIND_BY, .value = "UNIT",
	    .help = "the timeline by hour or by day (default: by hour for\n"
	    HELP_INDENT "up to two days, by day beyond)" },
	{ .name = "host", .kind = KIND_HOST, .synopsis = "name", .value = "NAME",
	    .help = "only the records of the host whose _HOSTNAME is NAME",
	    .accepts = "a host name (1 to " STRING_OF(HOST_NAME_TEXT_MAX)
	    " of A-Z a-z 0-9 . - _)" },
	{ .name = "json", .kind = KIND_FORMAT, .group = GROUP_FORMAT,
	    .help = "one JSON document", .output = OUTPUT_JSON },
	{ .name = "html", .kind = KIND_FORMAT, .group = GROUP_FORMAT,
	    .help = "one self-contained HTML page", .output = OUTPUT_HTML },
	{ .name = "prometheus", .kind = KIND_FORMAT, .group = GROUP_FORMAT,
	    .help = "text format for node_exporter's textfile collector",
	    .output = OUTPUT_PROMETHEUS },
	{ .name = "addresses", .kind = KIND_FORMAT, .group = GROUP_FORMAT,
	    .help = "every address, one a line, the longest held first",
	    .output = OUTPUT_ADDRESSES },
	{ .name = "blocklist", .kind = KIND_BLOCKLIST, .group = GROUP_FORMAT,
	    .synopsis = "format", .value = "FORMAT",
	    .help = "the list a higher MX should refuse: plain, postfix,\n"
	    HELP_INDENT "postscreen, rbldnsd or nft (see tarpit-report(1))",
	    .accepts = BLOCKLIST_FORMAT_LIST, .output = OUTPUT_BLOCKLIST },
	{ .name = "allowlist", .kind = KIND_PATH, .synopsis = "file",
	    .value = "FILE",
	    .help = "with --blocklist: never list FILE's addresses",
	    .accepts = "a file",
	    .path = offsetof(struct options, allowlist_path) },
	{ .name = "expire", .kind = KIND_EXPIRE, .synopsis = "span",
	    .value = "SPAN",
	    .help = "with --blocklist: list an address until SPAN after its\n"
	    HELP_INDENT "last evidence (default: 24h)",
	    .accepts = SPAN_FORMS },
	{ .name = "postfix-action", .kind = KIND_ACTION, .synopsis = "action",
	    .value = "ACTION",
	    .help = "with --blocklist postfix: each line's action (default:\n"
	    HELP_INDENT "'" POSTFIX_ACTION_DEFAULT "')",
	    .accepts = "a Postfix access action: printable ASCII, at most "
	    STRING_OF(POSTFIX_ACTION_MAX) " characters" },
	{ .name = "output", .letter = 'o', .kind = KIND_PATH,
	    .synopsis = "file", .value = "FILE",
	    .help = "write the report to a new file and rename it to FILE",
	    .accepts = "a file", .path = offsetof(struct options, output_path) },
	{ .name = "state", .kind = KIND_PATH, .synopsis = "file", .value = "FILE",
	    .help = "with --prometheus: count on from the counts and journal\n"
	    HELP_INDENT "cursor kept in FILE, then keep them there",
	    .accepts = "a file", .path = offsetof(struct options, state_path) },
	{ .name = "help", .letter = 'h', .kind = KIND_HELP,
	    .help = "print this help and exit" },
	{ .name = "version", .letter = 'V', .kind = KIND_VERSION,
	    .help = "print the version and exit" },
};

#define OPTIONS (sizeof(option_specs) / sizeof(*option_specs))
#define LONG_ONLY 256             /* getopt's value of option i: this + i */

/* getopt's value for an option, and the option of a value. */
static int
option_value(const struct option_spec *s)
{
	return s->letter != 0 ? s->letter : LONG_ONLY + (int)(s - option_specs);
}

static const struct option_spec *
option_of_value(int value)
{
	size_t i;

	for (i = 0; i < OPTIONS; i++)
		if (option_value(&option_specs[i]) == value)
			return &option_specs[i];
	return NULL;
}

/* The names --by takes, joined by sep: "hour | day", "hour or day". */
static void
by_names_join(char *buf, size_t size, const char *sep)
{
	size_t len = 0;
	int by;

	buf[0] = '\0';
	for (by = BY_AUTO + 1; by < TIMELINE_BYS && len < size; by++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    by == BY_AUTO + 1 ? "" : sep, timeline_by_names[by]);
}

/* The option as the synopsis names it: "-S time", "--file file ...". */
static void
synopsis_item(char *buf, size_t size, const struct option_spec *s)
{
	char flag[32], names[32];
	const char *value = s->synopsis;

	if (s->kind == KIND_BY) {
		by_names_join(names, sizeof(names), " | ");
		value = names;
	}
	if (s->letter != 0)
		snprintf(flag, sizeof(flag), "-%c", s->letter);
	else
		snprintf(flag, sizeof(flag), "--%s", s->name);
	snprintf(buf, size, "%s%s%s%s", flag, value != NULL ? " " : "",
	    value != NULL ? value : "", s->kind == KIND_FILE ? " ..." : "");
}

/* Whether an option before s is of its group, and so gave its []. */
static bool
group_shown(const struct option_spec *s)
{
	const struct option_spec *t;

	for (t = option_specs; s->group != GROUP_NONE && t < s; t++)
		if (t->group == s->group)
			return true;
	return false;
}

#define SYNOPSIS_COLUMNS   80
#define SYNOPSIS_LEAD      "usage: tarpit-report"

/*
 * One more piece of the usage lines at *column: on a new line under the
 * lead if it would pass SYNOPSIS_COLUMNS, or if it is that new line.
 */
static size_t
synopsis_add(char *buf, size_t size, size_t *column, const char *piece)
{
	size_t len = 0, lead = strlen(SYNOPSIS_LEAD);

	if (strcmp(piece, "\n") == 0 ||
	    (*column + strlen(piece) > SYNOPSIS_COLUMNS && *column > lead)) {
		len = (size_t)snprintf(buf, size, "\n%*s", (int)lead, "");
		*column = lead;
		piece += piece[0] == '\n';
	}
	if (len < size)
		len += (size_t)snprintf(buf + len, size - len, "%s", piece);
	*column += strlen(piece);
	return len;
}

/*
 * "[-S time]", or a group: "[-D directory | --file file ...]", wrapped
 * before a "|" when the group is too long for the line.
 */
static size_t
synopsis_group(char *buf, size_t size, size_t *column,
    const struct option_spec *s)
{
	char item[96], piece[128];
	const struct option_spec *t, *next;
	size_t len = 0, whole = 0;

	/* a group that fits on a line of its own starts one */
	for (t = s; t < option_specs + OPTIONS; t++)
		if (t == s || (s->group != GROUP_NONE && t->group == s->group)) {
			synopsis_item(item, sizeof(item), t);
			whole += strlen(item) + 3;
		}
	if (*column + whole > SYNOPSIS_COLUMNS &&
	    strlen(SYNOPSIS_LEAD) + whole <= SYNOPSIS_COLUMNS)
		len = synopsis_add(buf, size, column, "\n");
	for (t = s; t != NULL && len < size; t = next) {
		for (next = t + 1; next < option_specs + OPTIONS &&
		    (s->group == GROUP_NONE || next->group != s->group); next++)
			;
		if (s->group == GROUP_NONE || next == option_specs + OPTIONS)
			next = NULL;
		synopsis_item(item, sizeof(item), t);
		snprintf(piece, sizeof(piece), "%s%s%s", t == s ? " [" : " | ",
		    item, next == NULL ? "]" : "");
		len += synopsis_add(buf + len, size - len, column, piece);
	}
	return len;
}

/* The usage lines, wrapped under "usage: tarpit-report" at 80 columns. */
static size_t
usage_synopsis(char *buf, size_t size)
{
	size_t i, len, column;
	const struct option_spec *s;

	len = (size_t)snprintf(buf, size, "%s", SYNOPSIS_LEAD);
	column = len;
	for (i = 0; i < OPTIONS && len < size; i++) {
		s = &option_specs[i];
		if (s->kind == KIND_HELP || s->kind == KIND_VERSION ||
		    group_shown(s))
			continue;
		len += synopsis_group(buf + len, size - len, &column, s);
	}
	for (i = 0; i < OPTIONS && len < size; i++)
		if (option_specs[i].kind == KIND_HELP ||
		    option_specs[i].kind == KIND_VERSION)
			len += (size_t)snprintf(buf + len, size - len,
			    option_specs[i].kind == KIND_HELP ?
			    "\n       tarpit-report -%c" : " | -%c",
			    option_specs[i].letter);
	return len;
}

/* "  -S, --since TIME      window start, ..." */
static size_t
usage_option(char *buf, size_t size, const struct option_spec *s)
{
	char flag[8] = "", name[32];

	if (s->letter != 0)
		snprintf(flag, sizeof(flag), "-%c,", s->letter);
	snprintf(name, sizeof(name), "--%s%s%s", s->name,
	    s->value != NULL ? " " : "", s->value != NULL ? s->value : "");
	/* one too long for the column has its help on the next line */
	return (size_t)snprintf(buf, size, "  %-4s%-18s%s%s\n", flag, name,
	    strlen(name) >= 18 ? "\n" HELP_INDENT : "", s->help);
}

static void __attribute__((noreturn))
usage(void)
{
	char text[4096];
	size_t i, len;

	len = usage_synopsis(text, sizeof(text));
	len += (size_t)snprintf(text + len, sizeof(text) - len, "\n"
	    "Reports what tarpit(8) caught, from its records in the journal.\n");
	for (i = 0; i < OPTIONS && len < sizeof(text); i++)
		len += usage_option(text + len, sizeof(text) - len,
		    &option_specs[i]);
	if (len < sizeof(text))
		snprintf(text + len, sizeof(text) - len,
		    "TIME: now, today, yesterday, tomorrow, 2026-12-01,"
		    " '2026-12-01 10:00[:00[.5]]',\n"
		    "  10:00, 'Tue 10:00', -SPAN, 'SPAN ago', +SPAN, 'SPAN left',"
		    " @SPAN (since the\n"
		    "  epoch); a date or time may end in ' UTC'.  SPAN: '1h 30min',"
		    " 1.5h, 90 (s);\n"
		    "  units us ms s m h d w M y and their names; see"
		    " tarpit-report(1).\n"
		    "The table lists the top %d addresses and HELO names; HELO"
		    " names are exact\n"
		    "  up to %d distinct ones, and marked ~ where they may be"
		    " overstated.\n"
		    "With --blocklist, -U is the moment the list is made for"
		    " (default: now).\n"
		    "Exit status: 0 success, %d usage error, %d cannot open the"
		    " journal,\n"
		    "  %d out of memory, %d cannot create the output or state"
		    " file,\n"
		    "  %d cannot read the journal or write the report.\n"
		    "  With --blocklist also %d a wrong allowlist line, %d cannot"
		    " open the allowlist.\n",
		    TOP_COUNT, HELO_COUNTERS, EX_USAGE, EX_NOINPUT, EX_OSERR,
		    EX_CANTCREAT, EX_IOERR, EX_DATAERR, EX_NOINPUT);
	fputs(text, stdout);
	exit(EXIT_SUCCESS);
}

/* The one-line error for a wrong option value; no value is a wrong one. */
static void __attribute__((noreturn))
option_invalid(const struct option_spec *s, const char *arg)
{
	char text[ARGUMENT_SHOWN_MAX + 1], names[32];
	const char *accepts = s->accepts;

	if (s->kind == KIND_BY) {
		by_names_join(names, sizeof(names), " or ");
		accepts = names;
	}
	sanitize_for_terminal(text, sizeof(text), arg, strlen(arg));
	die(EX_USAGE, "--%s: '%s' is not %s", s->name, text, accepts);
}

static void __attribute__((noreturn))
option_unknown(const char *arg)
{
	char text[ARGUMENT_SHOWN_MAX + 1], accepted[512];
	size_t i, len = 0;

	for (i = 0; i < OPTIONS && len < sizeof(accepted); i++)
		len += (size_t)snprintf(accepted + len, sizeof(accepted) - len,
		    option_specs[i].letter != 0 ? "%s--%s (-%c)" : "%s--%s",
		    i == 0 ? "" : ", ", option_specs[i].name,
		    option_specs[i].letter);
	sanitize_for_terminal(text, sizeof(text), arg, strlen(arg));
	die(EX_USAGE, "unknown option '%s'; accepted: %s", text, accepted);
}

/* "--json, --html, --prometheus and --addresses exclude each other" */
static void __attribute__((noreturn))
group_conflict(enum option_group group)
{
	char names[256];
	size_t i, n = 0, members = 0, len = 0;

	for (i = 0; i < OPTIONS; i++)
		members += option_specs[i].group == group;
	for (i = 0; i < OPTIONS && len < sizeof(names); i++) {
		if (option_specs[i].group != group)
			continue;
		n++;
		len += (size_t)snprintf(names + len, sizeof(names) - len,
		    "%s--%s", n == 1 ? "" : n == members ? " and " : ", ",
		    option_specs[i].name);
	}
	die(EX_USAGE, "%s exclude each other", names);
}

/* What a hostname can be; the journal's _HOSTNAME is one. */
static bool
host_name_valid(const char *s)
{
	size_t len = strlen(s);

	return len > 0 && len <= HOST_NAME_TEXT_MAX &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789.-_") == len;
}

/* --blocklist FORMAT: one of the formats' names. */
static bool
option_blocklist(struct options *o, const char *arg)
{
	int f;

	for (f = 0; f < BLOCKLIST_FORMATS; f++)
		if (strcmp(arg, blocklist_format_names[f]) == 0) {
			o->blocklist = f;
			return true;
		}
	return false;
}

/* One line of a cidr: table after its tab: no control character. */
static bool
postfix_action_valid(const char *s)
{
	size_t len = strlen(s), i;

	if (len == 0 || len > POSTFIX_ACTION_MAX || s[0] == ' ')
		return false;
	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

static bool
option_by(struct options *o, const char *arg)
{
	int by;

	for (by = BY_AUTO + 1; by < TIMELINE_BYS; by++)
		if (strcmp(arg, timeline_by_names[by]) == 0) {
			o->by = (enum timeline_by)by;
			return true;
		}
	return false;
}

/* Sets one option from its value; false when the value is not valid. */
static bool
option_set(struct options *o, const struct option_spec *s, const char *arg,
    uint64_t now)
{
	switch (s->kind) {
	case KIND_SINCE:
		o->since_set = true;
		return timestamp_parse(arg, now, &o->since_usec);
	case KIND_UNTIL:
		return timestamp_parse(arg, now, &o->until_usec);
	case KIND_PATH:
		if (arg[0] == '\0')
			return false;
		*(const char **)(void *)((char *)o + s->path) = arg;
		return true;
	case KIND_FILE:
		if (arg[0] == '\0')
			return false;
		if (o->nfiles == FILES_MAX)
			die(EX_USAGE, "--%s: at most %d files", s->name,
			    FILES_MAX);
		o->files[o->nfiles++] = arg;
		return true;
	case KIND_BY:
		return option_by(o, arg);
	case KIND_HOST:
		o->host = arg;
		return host_name_valid(arg);
	case KIND_BLOCKLIST:
		o->output = s->output;
		return option_blocklist(o, arg);
	case KIND_EXPIRE:
		o->expire_set = true;
		return span_parse(arg, strlen(arg), &o->expire_usec) &&
		    o->expire_usec > 0;
	case KIND_ACTION:
		o->postfix_action = arg;
		return postfix_action_valid(arg);
	default:
		o->output = s->output;
		return true;
	}
}

/* --blocklist reads as far back as its rule needs, and no further. */
static void
options_check_blocklist(const struct options *o)
{
	bool blocklist = o->output == OUTPUT_BLOCKLIST;

	if (blocklist && (o->since_set || o->by != BY_AUTO))
		die(EX_USAGE, "--blocklist: no --since or --by; it reads back"
		    " --expire and 30 days from --until (default: now)");
	if (!blocklist && (o->allowlist_path != NULL || o->expire_set ||
	    o->postfix_action != NULL))
		die(EX_USAGE, "--allowlist, --expire and --postfix-action:"
		    " only with --blocklist");
	if (o->postfix_action != NULL && o->blocklist != BLOCKLIST_POSTFIX)
		die(EX_USAGE, "--postfix-action: only with --blocklist postfix");
}

static void
options_check(const struct options *o, int argc, char **argv)
{
	char text[ARGUMENT_SHOWN_MAX + 1];

	if (optind < argc) {
		sanitize_for_terminal(text, sizeof(text), argv[optind], strlen(argv[optind]));
		die(EX_USAGE, "unexpected argument '%s'; journal files go"
		    " with --file", text);
	}
	if (o->since_set && o->until_usec != NO_END &&
	    o->since_usec >= o->until_usec)
		die(EX_USAGE, "--since: must be before --until");
	/* The state holds one count, of every host. */
	if (o->state_path != NULL && o->host != NULL)
		die(EX_USAGE, "--host and --state exclude each other");
	if (o->state_path != NULL && o->output != OUTPUT_PROMETHEUS)
		die(EX_USAGE, "--state: only with --prometheus");
	if (o->state_path != NULL && (o->since_set || o->until_usec != NO_END))
		die(EX_USAGE, "--state: counts everything since its first run;"
		    " no --since or --until");
	options_check_blocklist(o);
}

/* getopt's short string (":S:U:...") and long options, from the table. */
static void
getopt_arrays(char *shorts, struct option *longs)
{
	const struct option_spec *s;
	size_t i;

	*shorts++ = ':';
	for (i = 0; i < OPTIONS; i++) {
		s = &option_specs[i];
		longs[i] = (struct option){ s->name, s->value != NULL ?
		    required_argument : no_argument, NULL, option_value(s) };
		if (s->letter == 0)
			continue;
		*shorts++ = s->letter;
		if (s->value != NULL)
			*shorts++ = ':';
	}
	*shorts = '\0';
	longs[OPTIONS] = (struct option){ NULL, 0, NULL, 0 };
}

static void
options_parse(struct options *o, int argc, char **argv)
{
	static char shorts[2 * OPTIONS + 2];
	static struct option longs[OPTIONS + 1];
	const struct option_spec *s, *given[GROUPS] = { NULL };
	char flag[3] = "-?";
	struct timespec ts;
	uint64_t now;
	int c;

	memset(o, 0, sizeof(*o));
	o->until_usec = NO_END;
	o->expire_usec = EXPIRE_DEFAULT;
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (uint64_t)ts.tv_sec * USEC_PER_SEC +
	    (uint64_t)ts.tv_nsec / 1000;
	getopt_arrays(shorts, longs);
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		s = option_of_value(c == ':' ? optopt : c);
		if (s == NULL) {
			/* A long option has no one-letter name to show. */
			flag[1] = (char)optopt;
			option_unknown(optopt > 0 && optopt < LONG_ONLY ? flag :
			    argv[optind - 1]);
		}
		if (s->kind == KIND_HELP)
			usage();
		if (s->kind == KIND_VERSION) {
			printf("tarpit-report " REPORT_VERSION "\n");
			exit(EXIT_SUCCESS);
		}
		if (!option_set(o, s, c == ':' ? "" : optarg, now))
			option_invalid(s, c == ':' ? "" : optarg);
		if (s->group == GROUP_NONE)
			continue;
		if (given[s->group] != NULL && given[s->group] != s)
			group_conflict(s->group);
		given[s->group] = s;
	}
	options_check(o, argc, argv);
}

int
main(int argc, char **argv)
{
	struct options options;
	struct tally tally;
	sd_journal *j;

	options_parse(&options, argc, argv);
	hash_seed_init();
	j = journal_open(&options);
	if (options.output == OUTPUT_BLOCKLIST) {
		if (options.postfix_action == NULL)
			options.postfix_action = POSTFIX_ACTION_DEFAULT;
		blocklist_report(j, &options);
		sd_journal_close(j);
		return EXIT_SUCCESS;
	}
	tally_init(&tally);
	if (options.state_path != NULL)
		export_read(j, &options, &tally);
	else
		journal_read(j, &options, &tally);
	report_print(&options, &tally);
	tally_free(&tally);
	sd_journal_close(j);
	return EXIT_SUCCESS;
}
