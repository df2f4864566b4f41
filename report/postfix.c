/*
 * Postfix's log lines, read: see postfix.h.  A line is the journal's, and
 * the journal takes anyone's: each is checked to its end, and anything but
 * the exact shape is POSTFIX_OTHER.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <string.h>

#include "../number.h"
#include "address.h"
#include "postfix.h"

#define POSTSCREEN_CONNECT  "CONNECT from ["
#define SMTPD_CONNECT       "connect from "
#define MASTER_STOP         "terminating on signal "
#define MASTER_START        "daemon started -- version "

static const char *const identifiers[] = {
	POSTFIX_POSTSCREEN, POSTFIX_SMTPD, POSTFIX_MASTER,
};

/* The daemon a SYSLOG_IDENTIFIER names ("smtpd"), or NULL if none read. */
const char *
postfix_daemon(const char *identifier, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(identifiers) / sizeof(*identifiers); i++)
		if (strlen(identifiers[i]) == len &&
		    memcmp(identifiers[i], identifier, len) == 0)
			return strchr(identifiers[i], '/') + 1;
	return NULL;
}

static bool
starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/* "]:PORT" at s, then as far as it goes; its length, 0 if not there. */
static size_t
port_after(const char *s, size_t len)
{
	size_t i = 2;
	uint64_t port;

	if (len < 3 || s[0] != ']' || s[1] != ':')
		return 0;
	while (i < len && is_digit(s[i]))
		i++;
	return number_whole(s + 2, i - 2, 0, 65535, &port) ? i : 0;
}

/* "[ADDR]:PORT to [ADDR]:PORT", the client's address kept. */
static bool
postscreen_connect(const char *s, size_t len, unsigned char addr[16])
{
	const char *end = s + len, *close = memchr(s, ']', len);
	unsigned char server[16];
	size_t n;

	if (close == NULL || !address_parse(s, (size_t)(close - s), addr) ||
	    (n = port_after(close, (size_t)(end - close))) == 0)
		return false;
	s = close + n;
	if (!starts(s, (size_t)(end - s), " to ["))
		return false;
	s += strlen(" to [");
	close = memchr(s, ']', (size_t)(end - s));
	return close != NULL &&
	    address_parse(s, (size_t)(close - s), server) &&
	    port_after(close, (size_t)(end - close)) == (size_t)(end - close);
}

/* Postfix's name of a client: a verified host name, or "unknown". */
#define CLIENT_NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
    "0123456789.-_"

/* "NAME[ADDR]" to the line's end. */
static bool
smtpd_connect(const char *s, size_t len, unsigned char addr[16])
{
	const char *open = memchr(s, '[', len);
	size_t name_len;

	if (open == NULL || open == s || s[len - 1] != ']')
		return false;
	name_len = (size_t)(open - s);
	return strspn(s, CLIENT_NAME_CHARS) >= name_len &&
	    address_parse(open + 1, (size_t)(s + len - 1 - (open + 1)), addr);
}

/* What the line of that daemon says; addr is set for a connection. */
enum postfix_line
postfix_parse(const char *daemon, const char *message, size_t len,
    unsigned char addr[16])
{
	if (strcmp(daemon, strchr(POSTFIX_POSTSCREEN, '/') + 1) == 0)
		return starts(message, len, POSTSCREEN_CONNECT) &&
		    postscreen_connect(message + strlen(POSTSCREEN_CONNECT),
		    len - strlen(POSTSCREEN_CONNECT), addr) ? POSTFIX_CONNECT :
		    POSTFIX_OTHER;
	if (strcmp(daemon, strchr(POSTFIX_SMTPD, '/') + 1) == 0)
		return starts(message, len, SMTPD_CONNECT) &&
		    smtpd_connect(message + strlen(SMTPD_CONNECT),
		    len - strlen(SMTPD_CONNECT), addr) ? POSTFIX_CONNECT :
		    POSTFIX_OTHER;
	if (starts(message, len, MASTER_STOP))
		return POSTFIX_STOP;
	if (starts(message, len, MASTER_START))
		return POSTFIX_START;
	return POSTFIX_OTHER;
}
