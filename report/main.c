/*
 * tarpit-report: what the tar pit caught, read back from the journal.
 *
 * It reads the connect and disconnect records tarpit(8) writes, one entry
 * at a time through sd-journal, and reports how many sessions there were,
 * how long they were held, and the worst addresses and HELO names.  Memory
 * grows with the distinct addresses and the sessions still open, never with
 * the number of records.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "blocklist.h"
#include "evidence.h"
#include "listformat.h"
#include "report.h"

/* The output formats, one file each: a new one is a file and a line here. */
static void (*const printers[])(const struct options *, struct tally *) = {
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

	output_begin(o->output_path, &out);
	printers[o->output](o, tl);
	output_end(o->output_path, &out);
}

static void __attribute__((noreturn))
usage(void)
{
	printf("usage: tarpit-report [--json | --html | --prometheus |"
	    " --addresses] [-S time] [-U time]\n"
	    "                     [--by hour | day] [-o file] [--state file]\n"
	    "                     [-D directory | --file file ...] [--host name]\n"
	    "       tarpit-report --blocklist format [--allowlist file]"
	    " [--expire span]\n"
	    "                     [--postfix-action action] [-U time] [-o file]\n"
	    "                     [-D directory | --file file ...] [--host name]\n"
	    "       tarpit-report -h | -V\n"
	    "Reports what tarpit(8) caught, from its records in the journal.\n"
	    "  -S, --since TIME      window start, included (default: the"
	    " journal's start)\n"
	    "  -U, --until TIME      window end, excluded (default: none)\n"
	    "  -D, --directory DIR   read the files in DIR and its directories (default:"
	    " the\n                        system journal)\n"
	    "      --file FILE       read FILE; up to %d times\n"
	    "      --by UNIT         the timeline by hour or by day (default:"
	    " by hour for\n"
	    "                        up to two days, by day beyond)\n"
	    "      --host NAME       only the records of the host whose _HOSTNAME"
	    " is NAME\n"
	    "      --json            one JSON document\n"
	    "      --html            one self-contained HTML page\n"
	    "  -o, --output FILE     write the report to a new file and rename"
	    " it to FILE\n"
	    "      --state FILE      with --prometheus: count on from the counts"
	    " and journal\n"
	    "                        cursor kept in FILE, then keep them there\n"
	    "      --prometheus      text format for node_exporter's textfile"
	    " collector\n"
	    "      --addresses       every address, one a line, the longest"
	    " held first\n"
	    "      --blocklist FMT   the addresses a higher MX should refuse:"
	    " plain, postfix,\n"
	    "                        postscreen, rbldnsd or nft (see"
	    " tarpit-report(1))\n"
	    "      --allowlist FILE  never list the addresses and prefixes in"
	    " FILE\n"
	    "      --expire SPAN     list an address until SPAN after its last"
	    " evidence\n"
	    "                        (default: 24h)\n"
	    "      --postfix-action ACTION\n"
	    "                        the postfix table's action (default:\n"
	    "                        '" POSTFIX_ACTION_DEFAULT "')\n"
	    "  -h, --help            print this help and exit\n"
	    "  -V, --version         print the version and exit\n"
	    "TIME: now, today, yesterday, tomorrow, 2026-12-01,"
	    " '2026-12-01 10:00[:00[.5]]',\n"
	    "  10:00, 'Tue 10:00', -SPAN, 'SPAN ago', +SPAN, 'SPAN left',"
	    " @SPAN (since the\n"
	    "  epoch); a date or time may end in ' UTC'.  SPAN: '1h 30min',"
	    " 1.5h, 90 (s);\n"
	    "  units us ms s m h d w M y and their names; see"
	    " tarpit-report(1).\n"
	    "The table lists the top %d addresses and HELO names; HELO names"
	    " are exact\n"
	    "  up to %d distinct ones, and marked ~ where they may be"
	    " overstated.\n"
	    "With --blocklist, -U is the moment the list is made for"
	    " (default: now).\n"
	    "Exit status: 0 success, %d usage error, %d cannot open the"
	    " journal,\n"
	    "  %d out of memory, %d cannot create the output or state file,\n"
	    "  %d cannot read the journal or write the report.\n"
	    "  With --blocklist also %d a wrong allowlist line, %d cannot open"
	    " the allowlist.\n",
	    FILES_MAX, TOP_COUNT, HELO_COUNTERS, EX_USAGE, EX_NOINPUT,
	    EX_OSERR, EX_CANTCREAT, EX_IOERR, EX_DATAERR, EX_NOINPUT);
	exit(EXIT_SUCCESS);
}

static void __attribute__((noreturn))
usage_error_argument(const char *option, const char *arg, const char *what)
{
	char text[ARGUMENT_SHOWN_MAX + 1];

	sanitize_for_terminal(text, sizeof(text), arg, strlen(arg));
	die(EX_USAGE, "%s: '%s' is not %s", option, text, what);
}

enum { OPT_FILE = 256, OPT_JSON, OPT_PROMETHEUS, OPT_ADDRESSES, OPT_HTML,
    OPT_BY, OPT_STATE, OPT_HOST, OPT_BLOCKLIST, OPT_ALLOWLIST, OPT_EXPIRE,
    OPT_POSTFIX_ACTION };

static const struct option long_options[] = {
	{ "since",      required_argument, NULL, 'S' },
	{ "until",      required_argument, NULL, 'U' },
	{ "directory",  required_argument, NULL, 'D' },
	{ "file",       required_argument, NULL, OPT_FILE },
	{ "json",       no_argument,       NULL, OPT_JSON },
	{ "prometheus", no_argument,       NULL, OPT_PROMETHEUS },
	{ "addresses",  no_argument,       NULL, OPT_ADDRESSES },
	{ "html",       no_argument,       NULL, OPT_HTML },
	{ "by",         required_argument, NULL, OPT_BY },
	{ "output",     required_argument, NULL, 'o' },
	{ "state",      required_argument, NULL, OPT_STATE },
	{ "host",       required_argument, NULL, OPT_HOST },
	{ "blocklist",  required_argument, NULL, OPT_BLOCKLIST },
	{ "allowlist",  required_argument, NULL, OPT_ALLOWLIST },
	{ "expire",     required_argument, NULL, OPT_EXPIRE },
	{ "postfix-action", required_argument, NULL, OPT_POSTFIX_ACTION },
	{ "help",       no_argument,       NULL, 'h' },
	{ "version",    no_argument,       NULL, 'V' },
	{ NULL,         0,                 NULL, 0 },
};

#define TIME_FORMS "a time (now, today, yesterday, -1h, '2h ago'," \
    " 2026-12-01, '2026-12-01 10:00', @unix-seconds)"

static void
option_output(struct options *o, enum output output)
{
	if (o->output_set && o->output != output)
		die(EX_USAGE, "--json, --html, --prometheus, --addresses and"
		    " --blocklist exclude each other");
	o->output = output;
	o->output_set = true;
}

#define HOST_NAME_FORM "a host name (1 to 64 of A-Z a-z 0-9 . - _)"

/* What a hostname can be; the journal's _HOSTNAME is one. */
static bool
host_name_valid(const char *s)
{
	size_t len = strlen(s);

	return len > 0 && len <= HOST_NAME_TEXT_MAX &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789.-_") == len;
}

#define SPAN_FORMS "a time span (24h, 90min, 2d, '1h 30min')"
#define ACTION_FORM "a Postfix access action: printable ASCII, at most 200" \
    " characters, such as '450 4.7.1 Try again later'"

static void
option_blocklist(struct options *o, const char *arg)
{
	int f;

	for (f = 0; f < BLOCKLIST_FORMATS; f++)
		if (strcmp(arg, blocklist_format_names[f]) == 0) {
			option_output(o, OUTPUT_BLOCKLIST);
			o->blocklist = f;
			return;
		}
	usage_error_argument("--blocklist", arg, BLOCKLIST_FORMAT_LIST);
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

/* The options that only --blocklist reads. */
static void
options_set_blocklist(struct options *o, int option, const char *arg)
{
	switch (option) {
	case OPT_BLOCKLIST:
		option_blocklist(o, arg);
		break;
	case OPT_ALLOWLIST:
		if (arg[0] == '\0')
			usage_error_argument("--allowlist", arg, "a file");
		o->allowlist_path = arg;
		break;
	case OPT_EXPIRE:
		if (!span_parse(arg, strlen(arg), &o->expire_usec) ||
		    o->expire_usec == 0)
			usage_error_argument("--expire", arg, SPAN_FORMS);
		o->expire_set = true;
		break;
	case OPT_POSTFIX_ACTION:
		if (!postfix_action_valid(arg))
			usage_error_argument("--postfix-action", arg,
			    ACTION_FORM);
		o->postfix_action = arg;
		break;
	}
}

static void
options_set(struct options *o, int option, const char *arg, uint64_t now)
{
	switch (option) {
	case 'S':
		if (!time_parse(arg, now, &o->since_usec))
			usage_error_argument("--since", arg, TIME_FORMS);
		o->since_set = true;
		break;
	case 'U':
		if (!time_parse(arg, now, &o->until_usec))
			usage_error_argument("--until", arg, TIME_FORMS);
		break;
	case 'D':
		if (arg[0] == '\0')
			usage_error_argument("--directory", arg, "a directory");
		o->directory = arg;
		break;
	case OPT_FILE:
		if (arg[0] == '\0')
			usage_error_argument("--file", arg, "a journal file");
		if (o->nfiles == FILES_MAX)
			die(EX_USAGE, "--file: at most %d files", FILES_MAX);
		o->files[o->nfiles++] = arg;
		break;
	case OPT_HOST:
		if (!host_name_valid(arg))
			usage_error_argument("--host", arg, HOST_NAME_FORM);
		o->host = arg;
		break;
	case OPT_JSON:
		option_output(o, OUTPUT_JSON);
		break;
	case OPT_PROMETHEUS:
		option_output(o, OUTPUT_PROMETHEUS);
		break;
	case OPT_ADDRESSES:
		option_output(o, OUTPUT_ADDRESSES);
		break;
	case OPT_HTML:
		option_output(o, OUTPUT_HTML);
		break;
	case 'o':
		if (arg[0] == '\0')
			usage_error_argument("--output", arg, "a file");
		o->output_path = arg;
		break;
	case OPT_STATE:
		if (arg[0] == '\0')
			usage_error_argument("--state", arg, "a file");
		o->state_path = arg;
		break;
	case OPT_BY:
		if (strcmp(arg, "hour") == 0)
			o->by = BY_HOUR;
		else if (strcmp(arg, "day") == 0)
			o->by = BY_DAY;
		else
			usage_error_argument("--by", arg, "hour or day");
		break;
	default:
		options_set_blocklist(o, option, arg);
		break;
	}
}

static void __attribute__((noreturn))
option_unknown(const char *arg)
{
	char text[ARGUMENT_SHOWN_MAX + 1];

	sanitize_for_terminal(text, sizeof(text), arg, strlen(arg));
	die(EX_USAGE, "unknown option '%s'; accepted: --since (-S), --until"
	    " (-U), --directory (-D), --file, --by, --json, --html,"
	    " --prometheus, --addresses, --output (-o), --state, --host,"
	    " --blocklist, --allowlist, --expire, --postfix-action,"
	    " --help (-h), --version (-V)", text);
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
	if (o->directory != NULL && o->nfiles > 0)
		die(EX_USAGE, "--directory and --file exclude each other");
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

static void
options_parse(struct options *o, int argc, char **argv)
{
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
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":S:U:D:o:hV", long_options,
	    NULL)) != -1) {
		switch (c) {
		case 'h':
			usage();
		case 'V':
			printf("tarpit-report " REPORT_VERSION "\n");
			exit(EXIT_SUCCESS);
		case ':':
			/* No value is a wrong value: the same one-line error. */
			options_set(o, optopt, "", now);
			break;
		case '?':
			/* A long option has no one-letter name to show. */
			flag[1] = (char)optopt;
			option_unknown(optopt > 0 && optopt < OPT_FILE ? flag :
			    argv[optind - 1]);
		default:
			options_set(o, c, optarg, now);
			break;
		}
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
