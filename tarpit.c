/*
 * tarpit: an SMTP tar pit for one connection on stdin and stdout.
 *
 * It sends a banner, reads the client's first command, then trickles the
 * lines of a "250-" reply that never reaches its last line, so a spam bot
 * that came through a domain's lowest-priority MX waits instead of sending.
 * A real mail server only ever sees 2xx continuation lines, 221 or 421, and
 * defers.  Two log records per connection; nothing else is kept.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#ifndef TARPIT_NATIVE_JOURNAL
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#endif

#include "number.h"
#include "record.h"

#define TARPIT_VERSION          "0.1"

#define DEFAULT_DELAY_MS        10000     /* milliseconds between lines */
#define MIN_DELAY_MS            10        /* milliseconds */
#define MAX_DELAY_MS            3600000   /* milliseconds */
#define DEFAULT_MAX_TIME_MS     3600000   /* milliseconds per session */
#define MAX_MAX_TIME_MS         604800000 /* milliseconds: one week */
/* RFC 5321 4.5.3.2.7: a server waits at least 5 minutes for a command. */
#define DEFAULT_HELO_TIMEOUT_MS 300000    /* milliseconds */
#define MIN_HELO_TIMEOUT_MS     10        /* milliseconds */
#define MAX_HELO_TIMEOUT_MS     3600000   /* milliseconds */
/* postscreen_greet_wait's default: the final "220 " line comes this late. */
#define DEFAULT_GREET_WAIT_MS   6000      /* milliseconds, mean */
/* Jittered up to 1.5 times, at most 300 s: the 5 minutes a client waits for
 * the greeting by RFC 5321 4.5.3.2.1. */
#define MAX_GREET_WAIT_MS       200000    /* milliseconds, mean */

#define LINE_MAX_OCTETS   512  /* RFC 5321 4.5.3.1.5, CRLF included */
#define HOSTNAME_MAX      253  /* characters, RFC 1035 */
#define VERB_MAX          16   /* characters of a non-HELO verb kept */
#define TOKEN_MIN         8    /* characters in a trickled line */
#define TOKEN_MAX         64   /* characters in a trickled line */
#define RECEIVE_BUFFER    1024 /* octets: pipelined input just waits here */
#define RECORD_MAX        512  /* octets in one log line; the longest is 491 */
#define JOURNAL_FIELDS_MAX 16  /* fields in one journal entry */
#define STACK_SETUP_MAX   65536 /* octets of stack the set-up may reach */
#define STACK_CALLEE_MAX  1024  /* octets of stack madvise(2)'s call needs */
#define MS_DECIMALS       3    /* seconds are read to the millisecond */
#define LOG_RETRY_MS      60000 /* how long the last records wait for a log */
#define LOG_RETRY_PAUSE_MS 500  /* between two tries */
#define JOURNAL_LINGER_MS 100  /* after the last record: see log_linger() */

#define DEFAULT_USER      "nobody" /* who a session started as root becomes */
/* A peer that stops acknowledging for this many delays is gone. */
#define USER_TIMEOUT_DELAYS 3


#define JOURNAL_SOCKET    "/run/systemd/journal/socket"
#define SYSLOG_SOCKET     "/dev/log"
#define DEV_NULL          "/dev/null"
#define SYSLOG_HEADER_MAX 32   /* octets of "<PRI>tarpit[PID]: " */

#define NO_DEADLINE       INT64_MAX

enum log_target { TARGET_AUTO, TARGET_JOURNAL, TARGET_SYSLOG, TARGET_STDERR,
    TARGET_NONE };

static const char *const log_target_names[] = {
	"auto", "journal", "syslog", "stderr", "none",
};

struct config {
	long delay_ms;
	long max_time_ms;          /* 0: no limit */
	long helo_timeout_ms;
	long greet_wait_ms;        /* 0: the one-line banner at once */
	enum log_target log_target;
	const char *user;          /* to become when started as root */
	char hostname[HOSTNAME_MAX + 1];
};

enum command { COMMAND_NONE, COMMAND_HELO, COMMAND_QUIT, COMMAND_OTHER };

struct session {
	char addr[INET6_ADDRSTRLEN];
	unsigned int port;         /* 0: unknown */
	bool input_is_socket;
	bool output_is_socket;
	bool output_apart;         /* fd 1 is a socket other than fd 0 */
	bool half_closed;          /* the peer sent FIN but may still read */
	bool pregreet;
	enum command command;
	char client_text[CLIENT_TEXT_MAX + 1]; /* HELO name or verb, sanitized */
	int64_t start_ms;
	int64_t end_ms;               /* max-time deadline, or NO_DEADLINE */
	int64_t ended_ms;             /* when it ended, for its duration */
	bool connect_logged;          /* a log took the connect record */
	unsigned long long bytes_sent;
	unsigned long long lines_sent;
	const char *end_reason;
};

/* One log field: its journal name, its name in the one-line form. */
struct field {
	const char *journal_name;
	const char *line_name;
	const char *value;
	bool quoted;               /* the value came from the client */
};

enum wait_result { WAIT_READY, WAIT_TIMEOUT, WAIT_SIGNAL };
enum read_result { READ_LINE, READ_NOTHING, READ_TIMEOUT, READ_SIGNAL };
enum event { EVENT_TIMEOUT, EVENT_SIGNAL, EVENT_HANGUP, EVENT_HALF_CLOSE };

static volatile sig_atomic_t stop_signal;
static sigset_t wait_mask;     /* the signal mask while waiting */
static uint64_t random_state;

static enum log_target log_backend = TARGET_NONE;
static bool log_fallback;      /* a record the journal refuses goes to syslog */

/*
 * Monotonic milliseconds: all deadlines are on this clock.  Read with the
 * system call, not through the vDSO: the clock is read a few times a line,
 * and the vDSO's first use costs a held session its page tables.
 */
static int64_t
now_ms(void)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* splitmix64: jitter and tokens only need to be unpredictable to a bot. */
static uint64_t
random_next(void)
{
	uint64_t z = (random_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static long
random_below(long bound)
{
	return (long)(random_next() % (uint64_t)bound);
}

/* A pause drawn between half and 1.5 times its mean, so no two sessions
 * keep step and a bot cannot learn the rhythm. */
static long
jittered_ms(long mean_ms)
{
	return mean_ms / 2 + random_below(mean_ms + 1);
}

static void
random_seed(void)
{
	if (getrandom(&random_state, sizeof(random_state), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(random_state))
		random_state = (uint64_t)now_ms() ^ ((uint64_t)getpid() << 32);
}

/*
 * Makes client bytes safe for any log: printable ASCII, bounded, and
 * neither '"' nor '\', so that a value quoted in the one-line form ends at
 * its closing quote.  (tarpit-report's sanitize_for_terminal keeps both:
 * it shows a value alone, on a terminal, never inside quotes.)
 */
static void
sanitize_for_log(char *dst, size_t dstsize, const char *src, size_t len)
{
	size_t i;

	if (len > dstsize - 1)
		len = dstsize - 1;
	if (len > CLIENT_TEXT_MAX)
		len = CLIENT_TEXT_MAX;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = (c < 0x20 || c > 0x7e || c == '"' || c == '\\') ?
		    '?' : (char)c;
	}
	dst[len] = '\0';
}

/* Formats milliseconds as seconds: "10", "0.05", or always 3 decimals. */
static void
format_seconds(char *buf, size_t size, int64_t ms, bool all_decimals)
{
	int64_t fraction = ms % 1000;
	int digits = 3;

	if (!all_decimals) {
		if (fraction == 0) {
			snprintf(buf, size, "%" PRId64, ms / 1000);
			return;
		}
		for (; fraction % 10 == 0; fraction /= 10)
			digits--;
	}
	snprintf(buf, size, "%" PRId64 ".%0*" PRId64, ms / 1000, digits,
	    fraction);
}

/* An option value or the peer's port: number.h's number, from min to max. */
static bool
parse_number(const char *s, int decimals, long min, long max, long *result)
{
	uint64_t value;

	if (!number_whole(s, strlen(s), decimals, (uint64_t)max, &value) ||
	    value < (uint64_t)min)
		return false;
	*result = (long)value;
	return true;
}

static bool
hostname_valid(const char *name)
{
	size_t len = strlen(name);

	return len >= 1 && len <= HOSTNAME_MAX &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == len;
}

/*
 * Whether a line on stderr would reach the client or nobody: fd 2 is a
 * socket (xinetd hands over the connection as fd 2 too), /dev/null (the
 * shipped unit's StandardError=null, which spares journald a stream for
 * every held session) or closed.  Such lines go to syslog instead.
 */
static bool
stderr_unread(void)
{
	struct stat st, null;

	if (fstat(STDERR_FILENO, &st) != 0 || S_ISSOCK(st.st_mode))
		return true;
	return S_ISCHR(st.st_mode) && stat(DEV_NULL, &null) == 0 &&
	    st.st_rdev == null.st_rdev;
}

/*
 * One line to the syslog socket, one datagram: "<PRI>tarpit[PID]: line".
 * It has no timestamp, so the receiver stamps it on arrival (RFC 3164
 * 4.3.2): syslog(3) would read the zone file and the clock through the vDSO,
 * and a held session would keep paying for both mappings.  The socket is
 * opened for each record, not kept for the hours a bot is held.  Returns 0
 * or a negative errno.
 */
static int
syslog_line(int priority, const char *line)
{
	static const struct sockaddr_un dev_log = {
		.sun_family = AF_UNIX, .sun_path = SYSLOG_SOCKET,
	};
	char datagram[RECORD_MAX + SYSLOG_HEADER_MAX];
	int len, fd, result = 0;

	len = snprintf(datagram, sizeof(datagram), "<%d>" RECORD_IDENTIFIER
	    "[%ld]: %s",
	    LOG_MAIL | priority, (long)getpid(), line);
	if (len < 0)
		return -EINVAL;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -errno;
	if ((size_t)len >= sizeof(datagram))
		len = sizeof(datagram) - 1;
	if (sendto(fd, datagram, (size_t)len, MSG_NOSIGNAL,
	    (const struct sockaddr *)&dev_log, sizeof(dev_log)) == -1)
		result = -errno;
	close(fd);
	return result;
}

/* Errors before the session go to stderr, or to syslog where it is unread. */
static void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	char line[RECORD_MAX] = "tarpit: ";
	size_t prefix = strlen(line), len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + prefix, sizeof(line) - prefix - 1, fmt, ap);
	va_end(ap);
	len = strlen(line);
	if (stderr_unread()) {
		(void)syslog_line(LOG_ERR, line + prefix);
	} else {
		line[len++] = '\n';
		(void)!write(STDERR_FILENO, line, len);
	}
	exit(status);
}

/* The range and default of an option in seconds: parsing, --help, errors. */
struct seconds_option {
	long min_ms;
	long max_ms;
	long default_ms;
};

static const struct seconds_option delay_option =
    { MIN_DELAY_MS, MAX_DELAY_MS, DEFAULT_DELAY_MS };
static const struct seconds_option max_time_option =
    { 0, MAX_MAX_TIME_MS, DEFAULT_MAX_TIME_MS };
static const struct seconds_option helo_timeout_option =
    { MIN_HELO_TIMEOUT_MS, MAX_HELO_TIMEOUT_MS, DEFAULT_HELO_TIMEOUT_MS };
static const struct seconds_option greet_wait_option =
    { 0, MAX_GREET_WAIT_MS, DEFAULT_GREET_WAIT_MS };

/* What an option's value is, and so how it is read and described. */
enum option_kind { KIND_SECONDS, KIND_HOSTNAME, KIND_LOG, KIND_USER,
    KIND_HELP, KIND_VERSION };

#define HELP_INDENT "                              " /* --help's text column */

/*
 * Every option, named once: getopt's arrays, --help, the unknown-option
 * message and the check of each value all come from this table.  In help,
 * "%s" is where the default and range go, or the log targets.
 */
static const struct option_spec {
	const char *name;
	char letter;               /* the short form, or 0 */
	enum option_kind kind;
	const char *synopsis;      /* the value in the usage line */
	const char *value;         /* the value in --help */
	const char *help;
	const struct seconds_option *seconds;
	size_t field;              /* offset of the config's milliseconds */
} option_specs[] = {
	{ "delay", 'd', KIND_SECONDS, "seconds", "SECONDS",
	    "pause between lines, jittered by half (%s)",
	    &delay_option, offsetof(struct config, delay_ms) },
	{ "max-time", 't', KIND_SECONDS, "seconds", "SECONDS",
	    "end the session, 0 for never (%s)",
	    &max_time_option, offsetof(struct config, max_time_ms) },
	{ "helo-timeout", 0, KIND_SECONDS, "seconds", "SECONDS",
	    "wait for the first command (%s)",
	    &helo_timeout_option, offsetof(struct config, helo_timeout_ms) },
	{ "greet-wait", 0, KIND_SECONDS, "seconds", "SECONDS",
	    "send \"220-\" at once, the final \"220 \" after this,\n"
	    HELP_INDENT "jittered by half; 0 for one line (%s)",
	    &greet_wait_option, offsetof(struct config, greet_wait_ms) },
	{ "hostname", 'H', KIND_HOSTNAME, "hostname", "NAME",
	    "name in replies (default: this host's name)", NULL, 0 },
	{ "log", 'l', KIND_LOG, NULL, "TARGET", "%s (default auto)", NULL, 0 },
	{ "user", 'u', KIND_USER, "user", "NAME",
	    "user to become if started as root (default " DEFAULT_USER ")",
	    NULL, 0 },
	{ "help", 'h', KIND_HELP, NULL, NULL, "print this help and exit",
	    NULL, 0 },
	{ "version", 'V', KIND_VERSION, NULL, NULL, "print the version and exit",
	    NULL, 0 },
};

#define OPTIONS (sizeof(option_specs) / sizeof(*option_specs))
#define LONG_ONLY 256              /* getopt's value of option i: this + i */

/* getopt's value for an option, and the option of a value. */
static int
option_value(const struct option_spec *o)
{
	return o->letter != 0 ? o->letter : LONG_ONLY + (int)(o - option_specs);
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

/* The log targets joined by sep: "auto|journal|..." or "auto, journal, ...". */
static void
log_targets_join(char *buf, size_t size, const char *sep)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(log_target_names) / sizeof(*log_target_names) &&
	    len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    i == 0 ? "" : sep, log_target_names[i]);
}

/* "default 10, 0.01 to 3600" for --help, from the constants the code uses. */
static void
format_range(char *buf, size_t size, const struct seconds_option *o)
{
	char def[24], min[24], max[24];

	format_seconds(def, sizeof(def), o->default_ms, false);
	format_seconds(min, sizeof(min), o->min_ms, false);
	format_seconds(max, sizeof(max), o->max_ms, false);
	snprintf(buf, size, "default %s, %s to %s", def, min, max);
}

/* What an option's help puts for its "%s". */
static void
option_detail(char *buf, size_t size, const struct option_spec *o)
{
	buf[0] = '\0';
	if (o->kind == KIND_SECONDS)
		format_range(buf, size, o->seconds);
	else if (o->kind == KIND_LOG)
		log_targets_join(buf, size, ", ");
}

/* "[-d seconds] ..." wrapped under "usage: tarpit " at 80 columns. */
static size_t
usage_synopsis(char *buf, size_t size)
{
	static const char lead[] = "usage: tarpit";
	char item[96], targets[64];
	size_t i, len, column;
	const struct option_spec *o;

	log_targets_join(targets, sizeof(targets), "|");
	len = (size_t)snprintf(buf, size, "%s", lead);
	column = len;
	for (i = 0; i < OPTIONS && len < size; i++) {
		o = &option_specs[i];
		if (o->kind == KIND_HELP || o->kind == KIND_VERSION)
			continue;
		if (o->letter != 0)
			snprintf(item, sizeof(item), " [-%c %s]", o->letter,
			    o->synopsis != NULL ? o->synopsis : targets);
		else
			snprintf(item, sizeof(item), " [--%s %s]", o->name,
			    o->synopsis);
		if (column + strlen(item) > 80) {
			len += (size_t)snprintf(buf + len, size - len, "\n%*s",
			    (int)strlen(lead), "");
			column = strlen(lead);
		}
		len += (size_t)snprintf(buf + len, size - len, "%s", item);
		column += strlen(item);
	}
	return len;
}
/* "  -d, --delay SECONDS         pause ..." */
static size_t
usage_option(char *buf, size_t size, const struct option_spec *o)
{
	char flag[8] = "", name[40], detail[96], help[256];

	if (o->letter != 0)
		snprintf(flag, sizeof(flag), "-%c,", o->letter);
	snprintf(name, sizeof(name), "--%s%s%s", o->name,
	    o->value != NULL ? " " : "", o->value != NULL ? o->value : "");
	option_detail(detail, sizeof(detail), o);
	snprintf(help, sizeof(help), o->help, detail);
	return (size_t)snprintf(buf, size, "  %-4s%-24s%s\n", flag, name, help);
}

/* Never inlined: its buffer would deepen main's frame, and every held
 * session would keep those stack pages. */
static void __attribute__((noreturn, noinline, cold))
usage(void)
{
	char text[2048];
	size_t i, len;

	len = usage_synopsis(text, sizeof(text));
	len += (size_t)snprintf(text + len, sizeof(text) - len,
	    "\n       tarpit -h | -V\n"
	    "Holds the SMTP client on fd 0 and 1 on a reply that never ends.\n");
	for (i = 0; i < OPTIONS && len < sizeof(text); i++)
		len += usage_option(text + len, sizeof(text) - len,
		    &option_specs[i]);
	if (len < sizeof(text))
		snprintf(text + len, sizeof(text) - len, "Exit status: 0 after a"
		    " session, %d for a usage error, %d if the seccomp filter"
		    " cannot be installed, %d if root cannot be dropped.\n",
		    EX_USAGE, EX_OSERR, EX_NOPERM);
	(void)!write(STDOUT_FILENO, text, strlen(text));
	exit(EXIT_SUCCESS);
}

/* What an option takes, for its error message. */
static void
option_accepts(char *buf, size_t size, const struct option_spec *o)
{
	char min[24], max[24], targets[64];

	switch (o->kind) {
	case KIND_SECONDS:
		format_seconds(min, sizeof(min), o->seconds->min_ms, false);
		format_seconds(max, sizeof(max), o->seconds->max_ms, false);
		snprintf(buf, size, "a number of seconds from %s to %s", min, max);
		break;
	case KIND_HOSTNAME:
		snprintf(buf, size, "1 to %d letters, digits, dots and hyphens",
		    HOSTNAME_MAX);
		break;
	case KIND_LOG:
		log_targets_join(targets, sizeof(targets), ", ");
		snprintf(buf, size, "one of %s", targets);
		break;
	default:
		snprintf(buf, size, "a user name");
		break;
	}
}

/* The one-line error for a missing (arg NULL) or wrong option value. */
static void __attribute__((noreturn))
option_invalid(const struct option_spec *o, const char *arg)
{
	char accepts[96], text[CLIENT_TEXT_MAX + 1];

	option_accepts(accepts, sizeof(accepts), o);
	if (arg == NULL)
		die(EX_USAGE, "--%s needs a value: %s", o->name, accepts);
	sanitize_for_log(text, sizeof(text), arg, strlen(arg));
	die(EX_USAGE, "--%s: '%s' is not %s", o->name, text, accepts);
}

static void __attribute__((noreturn))
option_unknown(const char *arg)
{
	char text[CLIENT_TEXT_MAX + 1], accepted[256];
	size_t i, len = 0;

	for (i = 0; i < OPTIONS && len < sizeof(accepted); i++)
		len += (size_t)snprintf(accepted + len, sizeof(accepted) - len,
		    option_specs[i].letter != 0 ? "%s--%s (-%c)" : "%s--%s",
		    i == 0 ? "" : ", ", option_specs[i].name,
		    option_specs[i].letter);
	sanitize_for_log(text, sizeof(text), arg, strlen(arg));
	die(EX_USAGE, "unknown option '%s'; accepted: %s", text, accepted);
}

static bool
option_log_target(enum log_target *target, const char *arg)
{
	size_t i;

	for (i = 0; i < sizeof(log_target_names) / sizeof(*log_target_names);
	    i++) {
		if (strcmp(arg, log_target_names[i]) == 0) {
			*target = (enum log_target)i;
			return true;
		}
	}
	return false;
}

static long *
config_seconds(struct config *config, const struct option_spec *o)
{
	return (long *)(void *)((char *)config + o->field);
}

/* Sets one option from its value; false when the value is not valid. */
static bool
config_set(struct config *config, const struct option_spec *o,
    const char *arg)
{
	switch (o->kind) {
	case KIND_SECONDS:
		return parse_number(arg, MS_DECIMALS, o->seconds->min_ms,
		    o->seconds->max_ms, config_seconds(config, o));
	case KIND_HOSTNAME:
		if (!hostname_valid(arg))
			return false;
		snprintf(config->hostname, sizeof(config->hostname), "%s", arg);
		return true;
	case KIND_LOG:
		return option_log_target(&config->log_target, arg);
	default:
		config->user = arg;
		return true;
	}
}

static void
config_defaults(struct config *config)
{
	size_t i;

	for (i = 0; i < OPTIONS; i++)
		if (option_specs[i].kind == KIND_SECONDS)
			*config_seconds(config, &option_specs[i]) =
			    option_specs[i].seconds->default_ms;
	config->log_target = TARGET_AUTO;
	config->user = DEFAULT_USER;
	if (gethostname(config->hostname, sizeof(config->hostname)) != 0 ||
	    !hostname_valid(config->hostname))
		strcpy(config->hostname, "localhost");
}

/* getopt's short string (":d:t:...") and long options, from the table. */
static void
getopt_arrays(char *shorts, struct option *longs)
{
	const struct option_spec *o;
	size_t i;

	*shorts++ = ':';
	for (i = 0; i < OPTIONS; i++) {
		o = &option_specs[i];
		longs[i] = (struct option){ o->name, o->value != NULL ?
		    required_argument : no_argument, NULL, option_value(o) };
		if (o->letter == 0)
			continue;
		*shorts++ = o->letter;
		if (o->value != NULL)
			*shorts++ = ':';
	}
	*shorts = '\0';
	longs[OPTIONS] = (struct option){ NULL, 0, NULL, 0 };
}

static void
config_parse(struct config *config, int argc, char **argv)
{
	static char shorts[2 * OPTIONS + 2];
	static struct option longs[OPTIONS + 1];
	const struct option_spec *o;
	char flag[3] = "-?";
	int c;

	config_defaults(config);
	getopt_arrays(shorts, longs);
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		o = option_of_value(c == ':' ? optopt : c);
		if (o == NULL) {
			flag[1] = (char)optopt;
			option_unknown(optopt != 0 ? flag : argv[optind - 1]);
		}
		if (c == ':')
			option_invalid(o, NULL);
		if (o->kind == KIND_HELP)
			usage();
		if (o->kind == KIND_VERSION) {
			(void)!write(STDOUT_FILENO, "tarpit " TARPIT_VERSION "\n",
			    sizeof("tarpit " TARPIT_VERSION "\n") - 1);
			exit(EXIT_SUCCESS);
		}
		if (!config_set(config, o, optarg))
			option_invalid(o, optarg);
	}
	if (optind < argc) {
		char text[CLIENT_TEXT_MAX + 1];

		sanitize_for_log(text, sizeof(text), argv[optind], strlen(argv[optind]));
		die(EX_USAGE, "unexpected argument '%s'; tarpit takes options only",
		    text);
	}
}

/* Stores an IPv4 or IPv6 address, a v4-mapped one as plain IPv4. */
static void
peer_set_addr(struct session *s, int family, const void *addr)
{
	const struct in6_addr *a6 = addr;

	if (family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(a6)) {
		family = AF_INET;
		addr = &a6->s6_addr[12];
	}
	if (inet_ntop(family, addr, s->addr, sizeof(s->addr)) == NULL)
		strcpy(s->addr, ADDRESS_UNKNOWN);
}

/* The accepting server's word for the peer: checked, never trusted. */
static bool
peer_from_environment(struct session *s, const char *addr_name,
    const char *port_name)
{
	const char *addr = getenv(addr_name);
	const char *port = port_name != NULL ? getenv(port_name) : NULL;
	unsigned char buf[sizeof(struct in6_addr)];
	long port_number;

	if (addr == NULL)
		return false;
	if (inet_pton(AF_INET, addr, buf) == 1)
		peer_set_addr(s, AF_INET, buf);
	else if (inet_pton(AF_INET6, addr, buf) == 1)
		peer_set_addr(s, AF_INET6, buf);
	if (port != NULL && parse_number(port, 0, 1, 65535, &port_number))
		s->port = (unsigned int)port_number;
	return true;
}

/*
 * The socket's own answer first.  Only where it has none, the accepting server's:
 * fd 0 not a socket (ENOTSOCK), or a peer already gone (ENOTCONN), as when a
 * flood makes an instance start after its client has left.
 */
static void
peer_find(struct session *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	strcpy(s->addr, ADDRESS_UNKNOWN);
	s->port = 0;
	if (getpeername(STDIN_FILENO, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET) {
			const struct sockaddr_in *sin = (void *)&ss;

			peer_set_addr(s, AF_INET, &sin->sin_addr);
			s->port = ntohs(sin->sin_port);
			return;
		}
		if (ss.ss_family == AF_INET6) {
			const struct sockaddr_in6 *sin6 = (void *)&ss;

			peer_set_addr(s, AF_INET6, &sin6->sin6_addr);
			s->port = ntohs(sin6->sin6_port);
			return;
		}
	}
	if (!peer_from_environment(s, "REMOTE_ADDR", "REMOTE_PORT") &&
	    !peer_from_environment(s, "TCPREMOTEIP", "TCPREMOTEPORT"))
		peer_from_environment(s, "REMOTE_HOST", NULL);
}

static bool
journal_present(void)
{
	struct stat st;

	return stat(JOURNAL_SOCKET, &st) == 0 && S_ISSOCK(st.st_mode);
}

/*
 * auto is the journal with syslog behind it, record by record: a record the
 * journal refuses goes to syslog, and the next one tries the journal again.
 * Where there is no journal socket at all, syslog alone: libsystemd drops a
 * record sent to a missing socket and reports success.
 */
static void
log_open(enum log_target target)
{
	switch (target) {
	case TARGET_AUTO:
		log_fallback = true;
		target = journal_present() ? TARGET_JOURNAL : TARGET_SYSLOG;
		break;
	case TARGET_STDERR:
		if (stderr_unread())
			target = TARGET_SYSLOG;
		break;
	default:
		break;
	}
	log_backend = target;
}

/* The one-line form: key=value pairs, client text in quotes. */
static void
record_format_line(char *line, size_t size, const char *event,
    const struct field *fields, size_t n)
{
	size_t i, len;

	len = (size_t)snprintf(line, size, KEY_EVENT "=%s", event);
	for (i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(line + len, size - len,
		    fields[i].quoted ? " %s=\"%s\"" : " %s=%s",
		    fields[i].line_name, fields[i].value);
}

/*
 * The only function that differs between the builds: one entry of
 * "FIELD=value" strings to the journal, 0 or a negative errno back.
 */
#ifdef TARPIT_NATIVE_JOURNAL
/*
 * The journal's native protocol, for clients that cannot link libsystemd:
 * one datagram of "FIELD=value\n" lines.  No value here holds a newline, so
 * the binary form for such values is never needed.  As with syslog, the
 * socket lives for one record only.
 */
static int
journal_send(const struct iovec *fields, int n)
{
	static const struct sockaddr_un journal = {
		.sun_family = AF_UNIX, .sun_path = JOURNAL_SOCKET,
	};
	struct iovec iov[2 * JOURNAL_FIELDS_MAX];
	struct msghdr msg;
	int i, fd, result = 0;

	for (i = 0; i < n && i < JOURNAL_FIELDS_MAX; i++) {
		iov[2 * i] = fields[i];
		iov[2 * i + 1] = (struct iovec){ .iov_base = "\n", .iov_len = 1 };
	}
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = (void *)&journal;
	msg.msg_namelen = sizeof(journal);
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)(2 * i);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -errno;
	if (sendmsg(fd, &msg, MSG_NOSIGNAL) == -1)
		result = -errno;
	close(fd);
	return result;
}
#else
static int
journal_send(const struct iovec *fields, int n)
{
	return sd_journal_sendv(fields, n);
}
#endif

/* A journal entry: "FIELD=value" strings, one iovec each: MESSAGE repeats
 * the fields, and the fixed ones and the names add less than a line more. */
struct journal_entry {
	char storage[RECORD_MAX * 3];
	size_t used;
	struct iovec iov[JOURNAL_FIELDS_MAX];
	int count;
};

static void __attribute__((format(printf, 2, 3)))
journal_entry_add(struct journal_entry *e, const char *fmt, ...)
{
	size_t room = sizeof(e->storage) - e->used;
	va_list ap;
	int len;

	if (e->count == JOURNAL_FIELDS_MAX)
		return;
	va_start(ap, fmt);
	len = vsnprintf(e->storage + e->used, room, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= room)
		return;
	e->iov[e->count].iov_base = e->storage + e->used;
	e->iov[e->count++].iov_len = (size_t)len;
	e->used += (size_t)len + 1;
}

static int
journal_write(const char *event, const char *message_id, const char *line,
    const struct field *fields, size_t n)
{
	struct journal_entry e;
	size_t i;

	e.used = 0;
	e.count = 0;
	journal_entry_add(&e, "MESSAGE=%s", line);
	journal_entry_add(&e, "MESSAGE_ID=%s", message_id);
	journal_entry_add(&e, "PRIORITY=%d", LOG_INFO);
	journal_entry_add(&e, "SYSLOG_FACILITY=%d", LOG_MAIL >> 3);
	journal_entry_add(&e, "SYSLOG_IDENTIFIER=" RECORD_IDENTIFIER);
	journal_entry_add(&e, FIELD_EVENT "=%s", event);
	for (i = 0; i < n; i++)
		journal_entry_add(&e, "%s=%s", fields[i].journal_name,
		    fields[i].value);
	return journal_send(e.iov, e.count);
}

/*
 * A log socket that is there but not read, as while journald or a syslog
 * daemon restarts outside systemd (under systemd, PID 1 holds journald's
 * sockets and they queue): worth another try.  No socket at all is not.
 */
static bool
log_away(int error)
{
	return error == -ECONNREFUSED || error == -EAGAIN || error == -ENOBUFS;
}

/*
 * Writes one record: 0, or the negative errno of the log that failed (of
 * syslog behind the journal, unless only the journal was away).  A log that
 * fails never ends the session.
 */
static int
log_record(const char *event, const char *message_id,
    const struct field *fields, size_t n)
{
	char line[RECORD_MAX];
	size_t len;
	int journal, syslog;

	if (log_backend == TARGET_NONE)
		return 0;
	record_format_line(line, sizeof(line) - 1, event, fields, n);
	switch (log_backend) {
	case TARGET_JOURNAL:
		journal = journal_write(event, message_id, line, fields, n);
		if (journal >= 0 || !log_fallback)
			return journal < 0 ? journal : 0;
		syslog = syslog_line(LOG_INFO, line);
		return syslog == 0 || log_away(syslog) ? syslog : journal;
	case TARGET_SYSLOG:
		return syslog_line(LOG_INFO, line);
	case TARGET_STDERR:
		len = strlen(line);
		line[len++] = '\n';
		return write(STDERR_FILENO, line, len) == (ssize_t)len ? 0 : -EIO;
	default:
		return 0;
	}
}

static void
on_stop_signal(int signo)
{
	stop_signal = signo;
}

/*
 * The stop signals stay blocked except inside ppoll(), so one that arrives
 * between two waits is not lost: the next wait returns at once.
 */
static void
signals_setup(void)
{
	struct sigaction sa;
	sigset_t stop;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &wait_mask);
	sigdelset(&wait_mask, SIGTERM);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGHUP);
}

/*
 * Polls until something is ready, the deadline passes or a stop signal
 * arrives.  A signal is reported once, by the wait it interrupts, so that
 * the final reply can still be written afterwards.
 */
static enum wait_result
wait_until(struct pollfd *fds, nfds_t nfds, int64_t deadline)
{
	struct timespec ts;
	int64_t left;
	int n;

	for (;;) {
		left = deadline == NO_DEADLINE ? -1 : deadline - now_ms();
		if (deadline != NO_DEADLINE && left < 0)
			left = 0;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000L;
		n = ppoll(fds, nfds, left < 0 ? NULL : &ts, &wait_mask);
		if (n > 0)
			return WAIT_READY;
		if (n == 0 || errno != EINTR)
			return WAIT_TIMEOUT;
		if (stop_signal != 0)
			return WAIT_SIGNAL;
	}
}

/*
 * Writes all of buf by the deadline.  The descriptor may be shared with the
 * launcher, so it is never made non-blocking: a socket is sent to with
 * MSG_DONTWAIT, and waited on only when full; anything else is waited on
 * for room before each write.
 */
static bool
write_all(struct session *s, const char *buf, size_t len, int64_t deadline)
{
	struct pollfd out = { .fd = STDOUT_FILENO, .events = POLLOUT };
	bool wait_first = !s->output_is_socket;
	ssize_t n;

	while (len > 0) {
		if (wait_first && (wait_until(&out, 1, deadline) != WAIT_READY ||
		    (out.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0))
			return false;
		if (s->output_is_socket)
			n = send(STDOUT_FILENO, buf, len,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			n = write(STDOUT_FILENO, buf, len);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				return false;
			wait_first = true;
			continue;
		}
		s->bytes_sent += (unsigned long long)n;
		buf += n;
		len -= (size_t)n;
	}
	s->lines_sent++;
	return true;
}

static bool
write_reply(struct session *s, const struct config *c, const char *code,
    const char *text, int64_t deadline)
{
	char line[LINE_MAX_OCTETS + 1];
	int len;

	len = snprintf(line, sizeof(line), "%s %s %s\r\n", code, c->hostname,
	    text);
	return write_all(s, line, (size_t)len, deadline);
}

/* "220-<hostname> ESMTP" while the greeting waits, "220 <hostname> ESMTP"
 * as its last line. */
static bool
write_greeting(struct session *s, const struct config *c, bool last)
{
	char line[LINE_MAX_OCTETS + 1];
	int len;

	len = snprintf(line, sizeof(line), "220%c%s ESMTP\r\n", last ? ' ' : '-',
	    c->hostname);
	return write_all(s, line, (size_t)len, s->end_ms);
}

/* One "250-" continuation line: valid, never the last line of the reply. */
static bool
write_trickle_line(struct session *s)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	char line[4 + TOKEN_MAX + 2];
	size_t len = 0;
	long i, token = TOKEN_MIN + random_below(TOKEN_MAX - TOKEN_MIN + 1);

	memcpy(line, "250-", 4);
	len = 4;
	for (i = 0; i < token; i++)
		line[len++] = alphabet[random_below(sizeof(alphabet) - 1)];
	line[len++] = '\r';
	line[len++] = '\n';
	return write_all(s, line, len, s->end_ms);
}

/* What fd 0 and fd 1 are: sockets, and one socket or two. */
static void
descriptors_inspect(struct session *s)
{
	struct stat in, out;
	bool in_ok = fstat(STDIN_FILENO, &in) == 0;
	bool out_ok = fstat(STDOUT_FILENO, &out) == 0;

	s->input_is_socket = in_ok && S_ISSOCK(in.st_mode);
	s->output_is_socket = out_ok && S_ISSOCK(out.st_mode);
	s->output_apart = s->output_is_socket && !(s->input_is_socket &&
	    in.st_dev == out.st_dev && in.st_ino == out.st_ino);
}

/* Data the client sent before the banner: a bot that does not wait. */
static bool
input_waiting(void)
{
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&in, 1, 0) == 1 && (in.revents & POLLIN) != 0;
}

static bool
is_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Classifies the first command line and keeps only what may be logged:
 * the HELO/EHLO name, or the verb of anything else.  The line has no LF.
 */
static enum command
command_parse(const char *line, size_t len, char *text, size_t textsize)
{
	char verb[VERB_MAX + 1];
	size_t verb_len = 0, start, end;

	while (verb_len < len && verb_len < VERB_MAX && is_letter(line[verb_len])) {
		char c = line[verb_len];

		verb[verb_len++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
	}
	verb[verb_len] = '\0';
	if (verb_len == len || is_blank(line[verb_len])) {
		if (strcmp(verb, "HELO") == 0 || strcmp(verb, "EHLO") == 0) {
			for (start = verb_len; start < len && is_blank(line[start]);
			    start++)
				;
			for (end = len; end > start && is_blank(line[end - 1]); end--)
				;
			sanitize_for_log(text, textsize, line + start, end - start);
			return COMMAND_HELO;
		}
		if (strcmp(verb, "QUIT") == 0) {
			sanitize_for_log(text, textsize, verb, verb_len);
			return COMMAND_QUIT;
		}
	}
	sanitize_for_log(text, textsize, verb, verb_len);
	return COMMAND_OTHER;
}

/* The first line is whole: it has its LF, or it is as long as one may be. */
static bool
line_complete(const char *line, size_t len)
{
	return len == LINE_MAX_OCTETS || memchr(line, '\n', len) != NULL;
}

/*
 * Reads the first line, CRLF or bare LF, cut at LINE_MAX_OCTETS, after the
 * *len octets already read during the greeting.  End of input ends the line
 * too: what came before it is the command.
 */
static enum read_result
read_command_line(char *line, size_t *len, int64_t deadline)
{
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };
	enum wait_result w;
	char *lf;
	ssize_t n;

	for (;;) {
		lf = *len > 0 ? memchr(line, '\n', *len) : NULL;
		if (lf != NULL) {
			*len = (size_t)(lf - line);
			return READ_LINE;
		}
		if (*len == LINE_MAX_OCTETS)
			return READ_LINE;
		w = wait_until(&in, 1, deadline);
		if (w != WAIT_READY)
			return w == WAIT_SIGNAL ? READ_SIGNAL : READ_TIMEOUT;
		n = read(STDIN_FILENO, line + *len, LINE_MAX_OCTETS - *len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return *len > 0 ? READ_LINE : READ_NOTHING;
		*len += (size_t)n;
	}
}

/* Why a write failed: the session's time ran out, a signal, or the peer. */
static const char *
write_failure_reason(const struct session *s)
{
	if (stop_signal != 0)
		return END_REASON_SIGNAL;
	if (now_ms() >= s->end_ms)
		return END_REASON_MAX_TIME;
	return END_REASON_WRITE_ERROR;
}

/* Ends the session with the reply its reason calls for, if it can go now. */
static void
session_finish(struct session *s, const struct config *c, const char *reason)
{
	static const struct {
		const char *reason;
		const char *code;
		const char *text;
	} replies[] = {
		{ END_REASON_QUIT,         "221 2.0.0", "closing" },
		{ END_REASON_HELO_TIMEOUT, "421 4.4.2", "timeout" },
		{ END_REASON_MAX_TIME,     "421 4.7.0", "closing connection" },
		{ END_REASON_SIGNAL,       "421 4.3.2", "shutting down" },
	};
	size_t i;

	for (i = 0; i < sizeof(replies) / sizeof(*replies); i++)
		if (strcmp(reason, replies[i].reason) == 0)
			write_reply(s, c, replies[i].code, replies[i].text,
			    now_ms());
	s->end_reason = reason;
}

/* The peer's socket, fd 0 or a separate fd 1, reports an error or a hang-up
 * (a pipe's POLLHUP is only the end of its input). */
static bool
peer_gone(const struct session *s, const struct pollfd fds[2])
{
	short in = s->input_is_socket ? fds[0].revents : 0;

	return ((in | fds[1].revents) & (POLLERR | POLLHUP | POLLNVAL)) != 0;
}

/*
 * Reads what a client sends during the greeting into its first line; any
 * octet makes it a pregreet client.  False once the line is whole or the
 * input has ended, when there is nothing more to read now.
 */
static bool
read_early(struct session *s, char *line, size_t *len)
{
	ssize_t n = read(STDIN_FILENO, line + *len, LINE_MAX_OCTETS - *len);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	s->pregreet = true;
	*len += (size_t)n;
	return !line_complete(line, *len);
}

/*
 * The greeting, postscreen's way: "220-" is out, and the final "220 " waits
 * a jittered --greet-wait.  A correct client waits for it; what a client
 * sends meanwhile is read into its first line, taken after the final line.
 * A FIN is answered with one more "220-" line, as in the trickle, so that a
 * peer that has gone resets.  NULL once the wait is over, else why the
 * session ends.
 */
static const char *
greet_wait(struct session *s, const struct config *c, char *line, size_t *len)
{
	int64_t deadline = now_ms() + jittered_ms(c->greet_wait_ms);
	bool reading = true;
	struct pollfd fds[2];

	if (deadline > s->end_ms)
		deadline = s->end_ms;
	for (;;) {
		fds[0] = (struct pollfd){
		    .fd = reading || s->input_is_socket ? STDIN_FILENO : -1,
		    .events = (reading ? POLLIN : 0) |
		    (s->input_is_socket && !s->half_closed ? POLLRDHUP : 0) };
		fds[1] = (struct pollfd){
		    .fd = s->output_apart ? STDOUT_FILENO : -1, .events = 0 };
		switch (wait_until(fds, 2, deadline)) {
		case WAIT_SIGNAL:
			return END_REASON_SIGNAL;
		case WAIT_TIMEOUT:
			return now_ms() >= s->end_ms ? END_REASON_MAX_TIME : NULL;
		default:
			break;
		}
		if (peer_gone(s, fds))
			return END_REASON_PEER_CLOSED;
		if ((fds[0].revents & (POLLIN | POLLHUP)) != 0) {
			reading = read_early(s, line, len);
		} else if ((fds[0].revents & POLLRDHUP) != 0) {
			s->half_closed = true;
			if (!write_greeting(s, c, false))
				return write_failure_reason(s);
		}
	}
}

/*
 * A held session keeps every stack page it has touched, and the set-up (the
 * options, the connect record and its formatting) reaches deeper than the
 * hold does: give back the pages below this frame and its callees.  Nothing
 * below them is live: the stop signals are blocked outside the waits.
 */
static void __attribute__((noinline))
stack_release(void)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t end = ((uintptr_t)__builtin_frame_address(0) -
	    STACK_CALLEE_MAX) & ~(page - 1);

	(void)madvise((void *)(end - STACK_SETUP_MAX), STACK_SETUP_MAX,
	    MADV_DONTNEED);
}

/*
 * Waits for the next line's time, or for the peer to go.  A FIN alone may be
 * a client that still reads (shutdown(SHUT_WR)); the caller answers it at
 * once, and a peer that has really gone resets, which ends the wait.
 */
static enum event
wait_for_event(const struct session *s, int64_t deadline)
{
	struct pollfd fds[2] = {
		{ .fd = s->input_is_socket ? STDIN_FILENO : -1,
		  .events = s->half_closed ? 0 : POLLRDHUP },
		{ .fd = s->output_apart ? STDOUT_FILENO : -1, .events = 0 },
	};

	switch (wait_until(fds, 2, deadline)) {
	case WAIT_SIGNAL:
		return EVENT_SIGNAL;
	case WAIT_TIMEOUT:
		return EVENT_TIMEOUT;
	default:
		break;
	}
	return peer_gone(s, fds) ? EVENT_HANGUP : EVENT_HALF_CLOSE;
}

static void
session_trickle(struct session *s, const struct config *c)
{
	int64_t next;

	for (;;) {
		next = now_ms() + jittered_ms(c->delay_ms);
		if (next > s->end_ms)
			next = s->end_ms;
		switch (wait_for_event(s, next)) {
		case EVENT_SIGNAL:
			session_finish(s, c, END_REASON_SIGNAL);
			return;
		case EVENT_HANGUP:
			s->end_reason = END_REASON_PEER_CLOSED;
			return;
		case EVENT_HALF_CLOSE:
			s->half_closed = true;
			break;
		case EVENT_TIMEOUT:
			if (now_ms() >= s->end_ms) {
				session_finish(s, c, END_REASON_MAX_TIME);
				return;
			}
			break;
		}
		if (!write_trickle_line(s)) {
			session_finish(s, c, write_failure_reason(s));
			return;
		}
	}
}

static void
session_converse(struct session *s, const struct config *c)
{
	static char line[LINE_MAX_OCTETS]; /* static: see main() */
	int64_t deadline;
	size_t len = 0;
	const char *end;

	if (c->greet_wait_ms > 0) {
		end = greet_wait(s, c, line, &len);
		if (end == NULL && !write_greeting(s, c, true))
			end = write_failure_reason(s);
		if (end != NULL) {
			session_finish(s, c, end);
			return;
		}
	}
	deadline = now_ms() + c->helo_timeout_ms;
	if (deadline > s->end_ms)
		deadline = s->end_ms;
	switch (read_command_line(line, &len, deadline)) {
	case READ_SIGNAL:
		session_finish(s, c, END_REASON_SIGNAL);
		return;
	case READ_TIMEOUT:
		session_finish(s, c, now_ms() >= s->end_ms ? END_REASON_MAX_TIME :
		    END_REASON_HELO_TIMEOUT);
		return;
	case READ_LINE:
		s->command = command_parse(line, len, s->client_text,
		    sizeof(s->client_text));
		break;
	case READ_NOTHING:
		break;
	}
	if (s->command == COMMAND_QUIT) {
		session_finish(s, c, END_REASON_QUIT);
		return;
	}
	session_trickle(s, c);
}

static size_t
peer_fields(struct field *fields, const struct session *s, char *port,
    size_t portsize)
{
	snprintf(port, portsize, "%u", s->port);
	fields[0] = (struct field){ FIELD_REMOTE_ADDR, KEY_REMOTE_ADDR, s->addr,
	    false };
	fields[1] = (struct field){ FIELD_REMOTE_PORT, KEY_REMOTE_PORT, port,
	    false };
	return 2;
}

static int
log_connect(struct session *s)
{
	struct field fields[2];
	char port[8];
	int r;

	r = log_record(EVENT_NAME_CONNECT, MESSAGE_ID_CONNECT, fields,
	    peer_fields(fields, s, port, sizeof(port)));
	s->connect_logged = r == 0;
	return r;
}

static int
log_disconnect(const struct session *s)
{
	struct field fields[8];
	char port[8], duration[24], bytes[24], lines[24];
	size_t n;

	n = peer_fields(fields, s, port, sizeof(port));
	if (s->command == COMMAND_HELO)
		fields[n++] = (struct field){ FIELD_HELO, KEY_HELO, s->client_text,
		    true };
	else if (s->command != COMMAND_NONE)
		fields[n++] = (struct field){ FIELD_COMMAND, KEY_COMMAND,
		    s->client_text, true };
	format_seconds(duration, sizeof(duration), s->ended_ms - s->start_ms,
	    true);
	snprintf(bytes, sizeof(bytes), "%llu", s->bytes_sent);
	snprintf(lines, sizeof(lines), "%llu", s->lines_sent);
	fields[n++] = (struct field){ FIELD_PREGREET, KEY_PREGREET,
	    s->pregreet ? "1" : "0", false };
	fields[n++] = (struct field){ FIELD_DURATION, KEY_DURATION, duration,
	    false };
	fields[n++] = (struct field){ FIELD_BYTES_SENT, KEY_BYTES_SENT, bytes,
	    false };
	fields[n++] = (struct field){ FIELD_LINES_SENT, KEY_LINES_SENT, lines,
	    false };
	fields[n++] = (struct field){ FIELD_END_REASON, KEY_END_REASON,
	    s->end_reason, false };
	return log_record(EVENT_NAME_DISCONNECT, MESSAGE_ID_DISCONNECT, fields,
	    n);
}

/*
 * The last records of a session: its connect record first if no log took
 * it at the start, then its disconnect record.  While the log is away they
 * are tried again every LOG_RETRY_PAUSE_MS for LOG_RETRY_MS, unless a stop
 * signal came: the client has gone, so the wait costs nobody but this
 * process.
 */
static void
log_session_end(struct session *s)
{
	int64_t give_up;
	int r;

	s->ended_ms = now_ms();
	give_up = s->ended_ms + LOG_RETRY_MS;
	for (;;) {
		r = s->connect_logged ? 0 : log_connect(s);
		if (r == 0 && (r = log_disconnect(s)) == 0)
			return;
		if (!log_away(r) || stop_signal != 0 || now_ms() >= give_up ||
		    wait_until(NULL, 0, now_ms() + LOG_RETRY_PAUSE_MS) ==
		    WAIT_SIGNAL)
			return;
	}
}

/*
 * journald names a record's writer (_COMM, the unit) from /proc when it
 * takes the record, and tarpit-report counts named records (or unnamed ones
 * of the user named ones showed): a tarpit that exits at once after its
 * last record may be gone by then.  So it stays a moment, unless told to
 * stop.
 */
static void
log_linger(void)
{
	if (log_backend == TARGET_JOURNAL && stop_signal == 0)
		(void)wait_until(NULL, 0, now_ms() + JOURNAL_LINGER_MS);
}

/* The IDs of a user, as the child that looked them up sends them back. */
struct user_ids {
	uid_t uid;
	gid_t gid;
};

/*
 * Looks the user up in a child process: getpwnam() leaves its heap, its
 * stdio buffer and their page tables behind (with glibc, the NSS modules it
 * loads too), which a held session would keep for hours, while all of a
 * child's memory goes when it exits.  False when there is no such user.
 */
static bool
user_lookup(const char *user, struct user_ids *ids)
{
	const struct passwd *pw;
	int fds[2];
	pid_t child;
	ssize_t n;

	if (pipe(fds) != 0 || (child = fork()) == -1)
		die(EX_NOPERM, "cannot look up user: %s", strerror(errno));
	if (child == 0) {
		close(fds[0]);
		if ((pw = getpwnam(user)) != NULL) {
			ids->uid = pw->pw_uid;
			ids->gid = pw->pw_gid;
			(void)!write(fds[1], ids, sizeof(*ids));
		}
		_exit(EXIT_SUCCESS);
	}
	close(fds[1]);
	n = read(fds[0], ids, sizeof(*ids));
	close(fds[0]);
	waitpid(child, NULL, 0);
	return n == (ssize_t)sizeof(*ids);
}

/*
 * A plain inetd line starts us as root, which a tar pit never needs: become
 * the unprivileged user before the first byte from the client is read.
 */
static void
privileges_drop(const char *user)
{
	char name[CLIENT_TEXT_MAX + 1];
	struct user_ids ids;

	if (geteuid() != 0)
		return;
	sanitize_for_log(name, sizeof(name), user, strlen(user));
	if (!user_lookup(user, &ids) || ids.uid == 0)
		die(EX_NOPERM, "--user: '%s' is not an unprivileged user to run"
		    " as instead of root", name);
	if (setgroups(0, NULL) != 0 || setgid(ids.gid) != 0 ||
	    setuid(ids.uid) != 0)
		die(EX_NOPERM, "cannot become user '%s': %s", name,
		    strerror(errno));
	if (setuid(0) == 0)
		die(EX_NOPERM, "still able to become root after becoming '%s'",
		    name);
}

/*
 * Pipelined input waits in a small receive buffer, never read.  A peer that
 * vanishes without FIN or RST leaves our lines unacknowledged: the kernel
 * drops the connection after USER_TIMEOUT_DELAYS delays of that.
 */
static void
socket_setup(const struct config *c)
{
	unsigned int timeout = (unsigned int)c->delay_ms * USER_TIMEOUT_DELAYS;
	int rcvbuf = RECEIVE_BUFFER;

	setsockopt(STDIN_FILENO, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(STDOUT_FILENO, IPPROTO_TCP, TCP_USER_TIMEOUT, &timeout,
	    sizeof(timeout));
}

#ifndef TARPIT_NO_SANDBOX
#if defined(__x86_64__)
#define SANDBOX_ARCH AUDIT_ARCH_X86_64
#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000 /* <asm/unistd.h>; musl lacks it */
#endif
#elif defined(__aarch64__)
#define SANDBOX_ARCH AUDIT_ARCH_AARCH64
#else
#error "the seccomp filter knows x86_64 and aarch64 only"
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SANDBOX_ARG_LOW(n) offsetof(struct seccomp_data, args[n])
#else
#define SANDBOX_ARG_LOW(n) (offsetof(struct seccomp_data, args[n]) + 4)
#endif
#define SANDBOX_KILL BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS)
#define SANDBOX_ALLOW_RET BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define SANDBOX_ALLOW(nr)						\
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), SANDBOX_ALLOW_RET

/*
 * What a session does after set-up, and nothing more; anything else kills
 * the process.  Unix sockets stay allowed because every log record opens its
 * own, and a journal that goes away falls back to syslog.
 * Modelled on OpenSSH's sandbox-seccomp-filter.c.
 */
static const struct sock_filter sandbox_filter[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, 1, 0),
	SANDBOX_KILL,
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef __x86_64__
	/* x32 calls share the architecture value: refuse them all. */
	BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1),
	SANDBOX_KILL,
#endif
	SANDBOX_ALLOW(__NR_read),
	SANDBOX_ALLOW(__NR_write),
	SANDBOX_ALLOW(__NR_sendto),
	SANDBOX_ALLOW(__NR_sendmsg),
	SANDBOX_ALLOW(__NR_ppoll),
	SANDBOX_ALLOW(__NR_clock_gettime),
	SANDBOX_ALLOW(__NR_rt_sigreturn),
	SANDBOX_ALLOW(__NR_restart_syscall),
	SANDBOX_ALLOW(__NR_getpid),
	SANDBOX_ALLOW(__NR_connect),
	SANDBOX_ALLOW(__NR_close),
	SANDBOX_ALLOW(__NR_brk),
	SANDBOX_ALLOW(__NR_munmap),
	SANDBOX_ALLOW(__NR_exit),
	SANDBOX_ALLOW(__NR_exit_group),
	/* mmap(2), for the allocations of libsystemd: never executable. */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mmap, 0, 4),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SANDBOX_ARG_LOW(2)),
	BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 1, 0),
	SANDBOX_ALLOW_RET,
	SANDBOX_KILL,
	/* socket(2): the Unix domain only. */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 3),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SANDBOX_ARG_LOW(0)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 1),
	SANDBOX_ALLOW_RET,
	SANDBOX_KILL,
};

/*
 * One in-process filter: cheaper than systemd's per-unit filters.  Builds
 * for sanitizers and valgrind leave it out (TARPIT_NO_SANDBOX): their
 * runtimes make the very calls it forbids.
 */
static void
sandbox_install(void)
{
	const struct sock_fprog program = {
		.len = sizeof(sandbox_filter) / sizeof(*sandbox_filter),
		.filter = (struct sock_filter *)sandbox_filter,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0)
		die(EX_OSERR, "cannot install the seccomp filter: %s",
		    strerror(errno));
}

#endif /* TARPIT_NO_SANDBOX */

int
main(int argc, char **argv)
{
	/*
	 * Static, not on the stack, as the first line's buffer is: a held
	 * session keeps every stack page down to the hold's deepest frame.
	 */
	static struct config config;
	static struct session s;
	bool greeted;

	config_parse(&config, argc, argv);
	privileges_drop(config.user);
	signals_setup();
	memset(&s, 0, sizeof(s));
	s.start_ms = now_ms();
	s.end_ms = config.max_time_ms == 0 ? NO_DEADLINE :
	    s.start_ms + config.max_time_ms;
	descriptors_inspect(&s);
	/* The banner goes first (its first line only, with --greet-wait); the
	 * rest of the set-up waits behind it. */
	s.pregreet = input_waiting();
	greeted = write_greeting(&s, &config, config.greet_wait_ms == 0);
	random_seed();
	peer_find(&s);
	if (s.input_is_socket)
		socket_setup(&config);
	log_open(config.log_target);
	log_connect(&s);
	stack_release();
#ifndef TARPIT_NO_SANDBOX
	sandbox_install();
#endif
	if (greeted)
		session_converse(&s, &config);
	else
		s.end_reason = write_failure_reason(&s);
	log_session_end(&s);
	log_linger();
	return EXIT_SUCCESS;
}
