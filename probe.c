/*
 * tarpit-probe: whether each higher MX answers on its SMTP port, as the tar
 * pit's host sees it, one journal record per MX.
 *
 * tarpit-report(1) lists an address that came to the tar pit while every
 * higher MX was up.  The MX's own log shows when its Postfix stopped; it
 * cannot show a cut network between it and the world.  This probe can: run
 * every minute from tarpit-probe.timer, it connects to each target, reads
 * the greeting to its last line, says QUIT and logs up (a 220 greeting in
 * time) or down.  It is a program of its own, not a mode of tarpit(8):
 * tarpit's seccomp filter forbids the connect(2) that is all this does.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "number.h"
#include "record.h"

#define PROBE_VERSION       "0.1"
#define DEFAULT_TIMEOUT     10     /* seconds for each target, all included */
#define TIMEOUT_MAX         300    /* seconds */
#define DEFAULT_PORT        "25"
#define GREETING_MAX        2048   /* octets of greeting read at most */
#define ERROR_TEXT_MAX      63     /* characters of PROBE_ERROR */
#define MS_PER_SEC          1000
/*
 * journald names a record's writer (_COMM, the unit) from /proc when it
 * takes the record; a probe that exits at once may be gone by then, and
 * tarpit-report trusts a named record.  So it stays this long after its last.
 */
#define LINGER_MS           200

/* What became of one target. */
struct outcome {
	bool up;
	char addr[NI_MAXHOST];        /* the address last tried, or "" */
	char error[ERROR_TEXT_MAX + 1];
};

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("tarpit-probe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void __attribute__((noreturn))
usage(void)
{
	printf("usage: tarpit-probe [-t seconds] target ...\n"
	    "       tarpit-probe -h | -V\n"
	    "Tries each higher MX's SMTP port and logs one record per target"
	    " to the journal.\n"
	    "  -t SECONDS   time for each target, from 1 to %d (default: %d)\n"
	    "  -h           print this help and exit\n"
	    "  -V           print the version and exit\n"
	    "TARGET: host, host:port, address, [address]:port (port %s"
	    " unless given).\n"
	    "Exit status: 0 every target up, 1 some down, %d usage error,"
	    " %d cannot log.\n",
	    TIMEOUT_MAX, DEFAULT_TIMEOUT, DEFAULT_PORT, EX_USAGE, EX_IOERR);
	exit(EXIT_SUCCESS);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * MS_PER_SEC +
	    (uint64_t)ts.tv_nsec / 1000000;
}

/* What may be left of the deadline for poll(2), at least 0. */
static int
left_ms(uint64_t deadline)
{
	uint64_t now = now_ms();

	return now >= deadline ? 0 : (int)(deadline - now);
}

/* A target is a host name or an address, and maybe a port: nothing else. */
static bool
target_valid(const char *s)
{
	size_t len = strlen(s);

	return len > 0 && len <= PROBE_TARGET_MAX &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789.-_:[]") == len;
}

/*
 * "host", "host:port", "[v6]:port", "[v6]" or a bare IPv6 address (two
 * colons or more, so no port) into host and port; false if malformed.
 */
static bool
target_split(const char *s, char *host, size_t size, const char **port)
{
	const char *colon = strrchr(s, ':'), *close;
	size_t len;

	*port = DEFAULT_PORT;
	if (s[0] == '[') {
		if ((close = strchr(s, ']')) == NULL)
			return false;
		len = (size_t)(close - s - 1);
		if (close[1] == ':')
			*port = close + 2;
		else if (close[1] != '\0')
			return false;
		s++;
	} else if (colon != NULL && strchr(s, ':') == colon) {
		len = (size_t)(colon - s);
		*port = colon + 1;
	} else {
		len = strlen(s);
	}
	if (len == 0 || len >= size || strpbrk(*port, "[]:") != NULL ||
	    **port == '\0')
		return false;
	memcpy(host, s, len);
	host[len] = '\0';
	return strpbrk(host, "[]") == NULL;
}

static void
outcome_error(struct outcome *o, const char *what)
{
	snprintf(o->error, sizeof(o->error), "%s", what);
}

/* The errno of a failed connect, in the words of PROBE_ERROR. */
static const char *
connect_error(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return "refused";
	case ETIMEDOUT:
		return "timeout";
	case EHOSTUNREACH:
	case ENETUNREACH:
		return "unreachable";
	default:
		return strerror(err);
	}
}

/* A connected socket to ai within the deadline, or -1 with o->error set. */
static int
connect_by(const struct addrinfo *ai, uint64_t deadline, struct outcome *o)
{
	struct pollfd p;
	socklen_t len = sizeof(int);
	int fd, err = 0;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		outcome_error(o, strerror(errno));
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 &&
	    errno != EINPROGRESS)
		err = errno;
	if (err == 0) {
		p.fd = fd;
		p.events = POLLOUT;
		if (poll(&p, 1, left_ms(deadline)) <= 0)
			err = ETIMEDOUT;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
	}
	if (err != 0) {
		outcome_error(o, connect_error(err));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Reads the greeting up to its last line ("220 ..." after any "220-"
 * lines); true if it says 220.  The line is the MX's: only its code is
 * kept.
 */
static bool
greeting_read(int fd, uint64_t deadline, struct outcome *o)
{
	char buf[GREETING_MAX + 1] = "";
	size_t len = 0, line = 0;
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t n;
	char *nl;

	for (;;) {
		while ((nl = memchr(buf + line, '\n', len - line)) != NULL) {
			if (nl - (buf + line) < 3 || !is_digit(buf[line]) ||
			    !is_digit(buf[line + 1]) || !is_digit(buf[line + 2])) {
				outcome_error(o, "malformed greeting");
				return false;
			}
			if (nl - (buf + line) == 3 || buf[line + 3] != '-') {
				if (memcmp(buf + line, "220", 3) == 0)
					return true;
				snprintf(o->error, sizeof(o->error),
				    "greeting %.3s", buf + line);
				return false;
			}
			line = (size_t)(nl + 1 - buf);
		}
		if (len == GREETING_MAX) {
			outcome_error(o, "malformed greeting");
			return false;
		}
		if (poll(&p, 1, left_ms(deadline)) <= 0) {
			outcome_error(o, "timeout");
			return false;
		}
		if ((n = read(fd, buf + len, GREETING_MAX - len)) <= 0) {
			outcome_error(o, n == 0 ? "closed" : connect_error(errno));
			return false;
		}
		len += (size_t)n;
	}
}

/* QUIT and its reply, so that the MX logs a clean end, within the deadline. */
static void
quit(int fd, uint64_t deadline)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char buf[512];

	if (write(fd, "QUIT\r\n", 6) == 6 && poll(&p, 1, left_ms(deadline)) > 0 &&
	    read(fd, buf, sizeof(buf)) < 0)
		return;  /* the MX went first: nothing left to do either way */
}

/* Each address of the target in turn, until one greets or time is up. */
static void
probe(const char *target, int timeout, struct outcome *o)
{
	struct addrinfo hints, *res, *ai;
	uint64_t deadline = now_ms() + (uint64_t)timeout * MS_PER_SEC;
	char host[PROBE_TARGET_MAX + 1];
	const char *port;
	int fd, r;

	memset(o, 0, sizeof(*o));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	(void)target_split(target, host, sizeof(host), &port);
	if ((r = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(o->error, sizeof(o->error), "no address: %s",
		    gai_strerror(r));
		return;
	}
	for (ai = res; ai != NULL && !o->up && left_ms(deadline) > 0;
	    ai = ai->ai_next) {
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, o->addr,
		    sizeof(o->addr), NULL, 0, NI_NUMERICHOST) != 0)
			o->addr[0] = '\0';
		if ((fd = connect_by(ai, deadline, o)) < 0)
			continue;
		o->up = greeting_read(fd, deadline, o);
		if (o->up)
			quit(fd, deadline);
		close(fd);
	}
	if (!o->up && o->error[0] == '\0')
		outcome_error(o, "timeout");
	freeaddrinfo(res);
}

#define PROBE_FIELDS        9      /* a record's fields at most */
#define PROBE_FIELD_MAX     (PROBE_TARGET_MAX + 128)  /* octets of one */

/* A record's fields, each printed into its own buffer. */
struct fields {
	struct iovec iov[PROBE_FIELDS];
	char text[PROBE_FIELDS][PROBE_FIELD_MAX];
	int n;
};

static void __attribute__((format(printf, 2, 3)))
field_add(struct fields *f, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(f->text[f->n], PROBE_FIELD_MAX, fmt, ap);
	va_end(ap);
	f->iov[f->n].iov_base = f->text[f->n];
	f->iov[f->n].iov_len = len < PROBE_FIELD_MAX ? (size_t)len :
	    PROBE_FIELD_MAX - 1;
	f->n++;
}

/* One record, in the journal: tarpit-report reads it back. */
static void
probe_log(const char *target, const struct outcome *o)
{
	const char *result = o->up ? PROBE_RESULT_UP : PROBE_RESULT_DOWN;
	struct fields f;
	int r;

	f.n = 0;
	field_add(&f, "MESSAGE=" KEY_EVENT "=" EVENT_NAME_PROBE " "
	    KEY_PROBE_TARGET "=%s " KEY_PROBE_ADDR "=%s " KEY_PROBE_RESULT
	    "=%s%s%s%s", target, o->addr[0] != '\0' ? o->addr : "none", result,
	    o->up ? "" : " " KEY_PROBE_ERROR "=\"", o->error, o->up ? "" : "\"");
	field_add(&f, "MESSAGE_ID=" MESSAGE_ID_PROBE);
	field_add(&f, "PRIORITY=%d", o->up ? LOG_INFO : LOG_WARNING);
	field_add(&f, "SYSLOG_IDENTIFIER=" PROBE_IDENTIFIER);
	field_add(&f, FIELD_EVENT "=" EVENT_NAME_PROBE);
	field_add(&f, FIELD_PROBE_TARGET "=%s", target);
	field_add(&f, FIELD_PROBE_RESULT "=%s", result);
	if (o->addr[0] != '\0')
		field_add(&f, FIELD_PROBE_ADDR "=%s", o->addr);
	if (!o->up)
		field_add(&f, FIELD_PROBE_ERROR "=%s", o->error);
	if ((r = sd_journal_sendv(f.iov, f.n)) < 0)
		die(EX_IOERR, "cannot log to the journal: %s", strerror(-r));
}

/* An argument to show in an error: printable ASCII, cut short. */
static const char *
shown(const char *arg)
{
	static char text[65];
	size_t i;

	for (i = 0; i < sizeof(text) - 1 && arg[i] != '\0'; i++)
		text[i] = arg[i] > 0x20 && arg[i] < 0x7f ? arg[i] : '?';
	text[i] = '\0';
	return text;
}

int
main(int argc, char **argv)
{
	struct outcome o;
	char host[PROBE_TARGET_MAX + 1];
	const char *port;
	uint64_t timeout = DEFAULT_TIMEOUT;
	bool all_up = true;
	int c, i;

	opterr = 0;
	while ((c = getopt(argc, argv, ":t:hV")) != -1) {
		switch (c) {
		case ':':
			optarg = "";
			/* FALLTHROUGH */
		case 't':
			if (!number_whole(optarg, strlen(optarg), 0, TIMEOUT_MAX,
			    &timeout) || timeout == 0)
				die(EX_USAGE, "-t: '%s' is not a number of seconds"
				    " from 1 to %d", shown(optarg), TIMEOUT_MAX);
			break;
		case 'h':
			usage();
		case 'V':
			printf("tarpit-probe " PROBE_VERSION "\n");
			return EXIT_SUCCESS;
		default:
			die(EX_USAGE, "unknown option '-%c'; accepted: -t, -h, -V",
			    optopt > 0x20 && optopt < 0x7f ? optopt : '?');
		}
	}
	if (optind == argc)
		die(EX_USAGE, "no target; usage: tarpit-probe [-t seconds]"
		    " target ...");
	for (i = optind; i < argc; i++)
		if (!target_valid(argv[i]) || !target_split(argv[i], host,
		    sizeof(host), &port))
			die(EX_USAGE, "target '%s' is not host, host:port,"
			    " address or [address]:port", shown(argv[i]));
	for (i = optind; i < argc; i++) {
		probe(argv[i], (int)timeout, &o);
		probe_log(argv[i], &o);
		all_up = all_up && o.up;
	}
	(void)poll(NULL, 0, LINGER_MS);
	return all_up ? EXIT_SUCCESS : EXIT_FAILURE;
}
