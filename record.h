/*
 * The records tarpit(8) writes and tarpit-report(1) reads back, named once:
 * both programs include this file, and the tests read the message ids out of
 * it (tests/test_helper/record.bash).  A record is one journal entry with the
 * fields below; on stderr and to syslog the same values go in one line of
 * key=value pairs, each key the field's name in lower case.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef RECORD_H
#define RECORD_H

/* SYSLOG_IDENTIFIER of every record, and its tag in syslog. */
#define RECORD_IDENTIFIER     "tarpit"

/* The record of a client that connected, and of a session that ended. */
#define MESSAGE_ID_CONNECT    "a9120284fb034671b2b06079d4197106"
#define MESSAGE_ID_DISCONNECT "50f4aa8125f54e07bf8c384d39624205"

/* TARPIT_EVENT, and event= first in a line, say the same in words. */
#define FIELD_EVENT           "TARPIT_EVENT"
#define KEY_EVENT             "event"
#define EVENT_NAME_CONNECT    "connect"
#define EVENT_NAME_DISCONNECT "disconnect"

/* The peer: an address as inet_ntop(3) writes it, or ADDRESS_UNKNOWN. */
#define FIELD_REMOTE_ADDR     "REMOTE_ADDR"
#define KEY_REMOTE_ADDR       "remote_addr"
#define FIELD_REMOTE_PORT     "REMOTE_PORT"
#define KEY_REMOTE_PORT       "remote_port"
#define ADDRESS_UNKNOWN       "unknown"

/*
 * Only in a disconnect record.  HELO is the name a HELO or EHLO gave,
 * COMMAND the verb of any other first line; either is client text, made
 * printable ASCII without '"' or '\' and cut at CLIENT_TEXT_MAX characters.
 * Neither is there when the session ended before a first command was taken
 * (none came, or the client left during the greeting wait).
 * PREGREET is 1 if the client spoke before the last line of the greeting,
 * else 0;
 * DURATION_SEC the time held, in seconds with DURATION_DECIMALS decimals.
 */
#define FIELD_HELO            "HELO"
#define KEY_HELO              "helo"
#define FIELD_COMMAND         "COMMAND"
#define KEY_COMMAND           "command"
#define FIELD_PREGREET        "PREGREET"
#define KEY_PREGREET          "pregreet"
#define FIELD_DURATION        "DURATION_SEC"
#define KEY_DURATION          "duration_sec"
#define FIELD_BYTES_SENT      "BYTES_SENT"
#define KEY_BYTES_SENT        "bytes_sent"
#define FIELD_LINES_SENT      "LINES_SENT"
#define KEY_LINES_SENT        "lines_sent"
#define FIELD_END_REASON      "END_REASON"
#define KEY_END_REASON        "end_reason"

#define CLIENT_TEXT_MAX       255  /* characters of client text in a record */
#define DURATION_DECIMALS     3    /* DURATION_SEC is to the millisecond */

/* Why a session ended: the END_REASON values, END_REASONS of them. */
#define END_REASON_PEER_CLOSED  "peer-closed"   /* the client went away */
#define END_REASON_WRITE_ERROR  "write-error"   /* a line could not be sent */
#define END_REASON_MAX_TIME     "max-time"      /* --max-time ran out */
#define END_REASON_HELO_TIMEOUT "helo-timeout"  /* no first line in time */
#define END_REASON_QUIT         "quit"          /* the client said QUIT */
#define END_REASON_SIGNAL       "signal"        /* SIGTERM, SIGINT or SIGHUP */
#define END_REASONS           6

/*
 * Whom the journal must name as the writer of a record for the report to
 * count it: _COMM is the kernel's name of the process, which journald adds
 * itself, and _SYSTEMD_UNIT, where the journal has one, the unit that
 * started it.  A record with the right fields from any other process is
 * ignored (tarpit-report(1), "Trust").
 */
#define RECORD_COMM           "tarpit"
/*
 * Or the launcher's name, under xinetd: journald keeps a process's names a
 * while, by its PID, and xinetd's child may log (a peer that reset the
 * connection) before it becomes tarpit, so tarpit's records after it carry
 * the child's name.
 */
#define RECORD_COMM_XINETD    "xinetd"
#define RECORD_UNIT_PREFIX    "tarpit@"       /* tarpit@.service's instances */
#define RECORD_UNIT_SUFFIX    ".service"
#define RECORD_UNIT_XINETD    "xinetd.service"

/*
 * tarpit-probe(8): one record per higher MX it tried, whether the MX
 * answered with a 220 greeting.  PROBE_TARGET is the target as given,
 * PROBE_ADDR the address last tried (none if the name did not resolve),
 * PROBE_RESULT up or down, PROBE_ERROR why it was down.
 */
#define PROBE_IDENTIFIER      "tarpit-probe"
#define PROBE_COMM            "tarpit-probe"
#define PROBE_UNIT            "tarpit-probe.service"
#define MESSAGE_ID_PROBE      "251626c968cb4a2bb496f8c4f298292d"
#define EVENT_NAME_PROBE      "probe"
#define FIELD_PROBE_TARGET    "PROBE_TARGET"
#define KEY_PROBE_TARGET      "target"
#define FIELD_PROBE_ADDR      "PROBE_ADDR"
#define KEY_PROBE_ADDR        "addr"
#define FIELD_PROBE_RESULT    "PROBE_RESULT"
#define KEY_PROBE_RESULT      "result"
#define FIELD_PROBE_ERROR     "PROBE_ERROR"
#define KEY_PROBE_ERROR       "error"
#define PROBE_RESULT_UP       "up"
#define PROBE_RESULT_DOWN     "down"
#define PROBE_TARGET_MAX      255  /* characters of a target */

#endif
