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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "export.h"
#include "figures.h"
#include "file.h"
#include "hosts.h"
#include "journal.h"
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

	if (o->output_path != NULL) {
		new_file_open(&out, o->output_path, 0644);
		if (dup2(out.fd, STDOUT_FILENO) < 0)
			die(EX_OSERR, "cannot write to %s: %s", out.temp,
			    strerror(errno));
	}
	figures_compute(&f, tl, o);
	printers[o->output](o, &f);
	figures_free(&f);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EX_IOERR, "cannot write the report: %s", strerror(errno));
	if (o->output_path != NULL)
		new_file_commit(&out);
}

static void __attribute__((noreturn))
usage(void)
{
	printf("usage: tarpit-report [--json | --html | --prometheus |"
	    " --addresses] [-S time] [-U time]\n"
	    "                     [--by hour | day] [-o file] [--state file]\n"
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
	    "Exit status: 0 success, %d usage error, %d cannot open the"
	    " journal,\n"
	    "  %d out of memory, %d cannot create the output or state file,\n"
	    "  %d cannot read the journal or write the report.\n",
	    FILES_MAX, TOP_COUNT, HELO_COUNTERS, EX_USAGE, EX_NOINPUT,
	    EX_OSERR, EX_CANTCREAT, EX_IOERR);
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
    OPT_BY, OPT_STATE, OPT_HOST };

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
		die(EX_USAGE, "--json, --html, --prometheus and --addresses"
		    " exclude each other");
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

static void
options_set(struct options *o, int option, const char *arg, uint64_t now)
{
	switch (option) {
	case 'S':
		if (!timestamp_parse(arg, now, &o->since_usec))
			usage_error_argument("--since", arg, TIME_FORMS);
		o->since_set = true;
		break;
	case 'U':
		if (!timestamp_parse(arg, now, &o->until_usec))
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
	    " --help (-h), --version (-V)", text);
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
