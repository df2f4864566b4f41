/*
 * Postfix's log lines that tell the blocklist what a higher MX saw and
 * when it was up: postscreen's and smtpd's connections, and master's stop
 * and start.  The wording is Postfix 3.x's (checked against 3.7):
 *
 *	postfix/postscreen  CONNECT from [192.0.2.7]:39040 to [192.0.2.1]:25
 *	postfix/smtpd       connect from mail.example.org[192.0.2.7]
 *	postfix/master      terminating on signal 15
 *	postfix/master      daemon started -- version 3.7.11, configuration ...
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef POSTFIX_H
#define POSTFIX_H

#include <stdbool.h>
#include <stddef.h>

/* The SYSLOG_IDENTIFIER values read, each "postfix/" and the daemon. */
#define POSTFIX_POSTSCREEN  "postfix/postscreen"
#define POSTFIX_SMTPD       "postfix/smtpd"
#define POSTFIX_MASTER      "postfix/master"

enum postfix_line { POSTFIX_OTHER, POSTFIX_CONNECT, POSTFIX_STOP,
    POSTFIX_START };

const char *postfix_daemon(const char *identifier, size_t len);
enum postfix_line postfix_parse(const char *daemon, const char *message,
    size_t len, unsigned char addr[16]);

#endif
