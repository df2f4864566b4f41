/*
 * The listing rule (tarpit-report(1), "The blocklist"): what the journal
 * says of each client and of each higher MX, gathered in one pass, then
 * judged at one moment, the list's "now".
 *
 * An address is listed for a session that talked before the greeting
 * (PREGREET=1), or for a session that began while every higher MX was up
 * and had not seen it; it stays listed until --expire after its last such
 * session.  A higher MX is Postfix on any host of the journal that logged a
 * connection.  It is up at a moment when it logged a connection within
 * UP_WINDOW before and after, was not stopped or started between those two,
 * and no probe failed within PROBE_WINDOW of that moment.  An address that a
 * higher MX saw within SEEN_BEFORE before a session, or at any time after
 * it, is never listed for that session.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef EVIDENCE_H
#define EVIDENCE_H

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-id128.h>

#include "address.h"
#include "allowlist.h"
#include "table.h"
#include "util.h"

#define USEC_PER_MIN       (60 * USEC_PER_SEC)
#define USEC_PER_DAY       (86400 * USEC_PER_SEC)
#define UP_WINDOW          (5 * USEC_PER_MIN)   /* a connection before, after */
#define PROBE_WINDOW       (2 * USEC_PER_MIN)   /* a failed probe, either side */
#define SEEN_BEFORE        (30 * USEC_PER_DAY)  /* a sighting before, as spamd */
#define EXPIRE_DEFAULT     USEC_PER_DAY         /* --expire: 24 h, as spamd */
/* Connections of one MX closer than this are kept as one. */
#define CONNECT_GRAIN      USEC_PER_SEC

/* A growing array of moments, in microseconds since the epoch. */
struct moments {
	uint64_t *v;
	size_t n;
	size_t room;
};

/* One higher MX: its connections, and its master's stops and starts. */
struct mx {
	struct link link;
	sd_id128_t machine;       /* the key */
	struct moments connects;
	struct moments restarts;  /* a stop or a start: either breaks "up" */
	bool connected;           /* it logged a connection: it is an MX */
};

/* A session that may list its client: when, and of which kind. */
struct session_evidence {
	struct prefix client;
	uint64_t at;
	bool pregreet;
};

/* The last moment a higher MX saw any address of a listing prefix. */
struct sighting {
	struct link link;
	struct prefix client;     /* the key */
	uint64_t last;
};

/* A prefix listed, and when its listing ends. */
struct listed {
	struct prefix prefix;
	uint64_t until;
};

struct evidence {
	uint64_t now;             /* the moment the list is made for */
	uint64_t expire;
	struct session_evidence *sessions;
	size_t nsessions;
	size_t room;
	struct table mxs;         /* struct mx */
	struct table sightings;   /* struct sighting */
	struct moments probes_down;
	bool probed;              /* the journal has probe records */
	uint64_t last_probe;
};

uint64_t evidence_since(uint64_t now, uint64_t expire);
void evidence_init(struct evidence *e, uint64_t now, uint64_t expire);
void evidence_free(struct evidence *e);
void evidence_session(struct evidence *e, const unsigned char addr[16],
    uint64_t at, bool pregreet);
void evidence_connect(struct evidence *e, sd_id128_t machine,
    const unsigned char addr[16], uint64_t at);
void evidence_restart(struct evidence *e, sd_id128_t machine, uint64_t at);
void evidence_probe(struct evidence *e, uint64_t at, bool up);
size_t evidence_judge(struct evidence *e, const struct allowlist *allow,
    struct listed **out);

#endif
