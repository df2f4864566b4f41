/*
 * --blocklist: see blocklist.h.  One pass over the journal from the oldest
 * moment the rule can look at (evidence_since) to the list's moment, each
 * entry handed to the rule as what it is, once its writer is trusted.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sysexits.h>

#include "../number.h"
#include "allowlist.h"
#include "blocklist.h"
#include "evidence.h"
#include "file.h"
#include "hosts.h"
#include "journal.h"
#include "listformat.h"
#include "postfix.h"
#include "record.h"
#include "table.h"
#include "trust.h"
#include "util.h"

/* The entries read: tarpit's, the probe's and the three Postfix daemons'. */
static const char *const identifiers[] = {
	RECORD_IDENTIFIER, PROBE_IDENTIFIER, POSTFIX_POSTSCREEN, POSTFIX_SMTPD,
	POSTFIX_MASTER,
};
static const char *const message_ids[] = {
	MESSAGE_ID_CONNECT, MESSAGE_ID_DISCONNECT, MESSAGE_ID_PROBE,
};

/* What the pass counts besides the rule's evidence. */
struct pass {
	struct evidence e;
	uint64_t ignored[CLAIMS];
	const char *host;         /* --host: only its tarpit records */
	struct table uids[WRITER_KINDS];  /* struct writer_uid (trust.h) */
};

/* Any entry with one of those identifiers or message ids. */
static void
blocklist_match(sd_journal *j)
{
	char match[64];
	size_t i;

	for (i = 0; i < sizeof(identifiers) / sizeof(*identifiers); i++) {
		snprintf(match, sizeof(match), "SYSLOG_IDENTIFIER=%s",
		    identifiers[i]);
		if (sd_journal_add_match(j, match, 0) < 0)
			die(EX_OSERR, "out of memory");
	}
	if (sd_journal_add_disjunction(j) < 0)
		die(EX_OSERR, "out of memory");
	for (i = 0; i < sizeof(message_ids) / sizeof(*message_ids); i++) {
		snprintf(match, sizeof(match), "MESSAGE_ID=%s", message_ids[i]);
		if (sd_journal_add_match(j, match, 0) < 0)
			die(EX_OSERR, "out of memory");
	}
}

/*
 * Whether the current entry is the program's: named so by journald, or
 * unnamed and of the user its named entries there showed (trust.h).
 */
static bool
entry_trusted(struct pass *p, sd_journal *j, enum writer_kind kind,
    const char *daemon)
{
	sd_id128_t machine = machine_read(j), boot;
	struct writer w;
	uint32_t uid;

	writer_read(j, &w, kind, daemon);
	if (!uid_read(j, &uid) ||
	    sd_journal_get_monotonic_usec(j, NULL, &boot) < 0)
		return writer_trusted(&w);
	switch (writer_judge(&w)) {
	case TRUST_YES:
		writer_uid_note(&p->uids[kind], machine, boot, uid);
		return true;
	case TRUST_UNNAMED:
		return writer_uid_is(&p->uids[kind], machine, boot, uid);
	default:
		return false;
	}
}

/* A tarpit record the rule may read: trusted, or vouched for. */
static bool
record_take(struct pass *p, sd_journal *j, struct record *r)
{
	switch (record_read(j, r)) {
	case RECORD_WHOLE:
		writer_uid_note(&p->uids[WRITER_TARPIT], r->machine,
		    r->stamp.boot, r->uid);
		return true;
	case RECORD_UNNAMED:
		if (writer_uid_is(&p->uids[WRITER_TARPIT], r->machine,
		    r->stamp.boot, r->uid))
			return true;
		p->ignored[CLAIMED_TARPIT]++;
		return false;
	case RECORD_UNTRUSTED:
		p->ignored[CLAIMED_TARPIT]++;
		return false;
	default:
		return false;
	}
}

/*
 * A session: its start may list it if the higher MX hosts were up then;
 * a pregreet lists it from when that was logged, at the session's end.
 */
static void
take_record(struct pass *p, sd_journal *j, uint64_t at)
{
	struct record r;

	if (!record_take(p, j, &r))
		return;
	if (!r.addr_known || (p->host != NULL &&
	    !field_is(j, HOSTNAME_FIELD, p->host)))
		return;
	if (!r.disconnect) {
		evidence_session(&p->e, r.addr, at, false);
		return;
	}
	if (r.pregreet)
		evidence_session(&p->e, r.addr, at, true);
	evidence_session(&p->e, r.addr, r.duration_ms * 1000 < at ?
	    at - r.duration_ms * 1000 : 0, false);
}

static void
take_probe(struct pass *p, sd_journal *j, uint64_t at)
{
	if (!entry_trusted(p, j, WRITER_PROBE, NULL)) {
		p->ignored[CLAIMED_PROBE]++;
		return;
	}
	if (field_is(j, FIELD_PROBE_RESULT, PROBE_RESULT_UP))
		evidence_probe(&p->e, at, true);
	else if (field_is(j, FIELD_PROBE_RESULT, PROBE_RESULT_DOWN))
		evidence_probe(&p->e, at, false);
}

static void
take_postfix(struct pass *p, sd_journal *j, const char *daemon, uint64_t at)
{
	unsigned char addr[16];
	const char *message;
	size_t len;

	if (!entry_trusted(p, j, WRITER_POSTFIX, daemon)) {
		p->ignored[CLAIMED_POSTFIX]++;
		return;
	}
	if (!field_get(j, "MESSAGE", &message, &len))
		return;
	switch (postfix_parse(daemon, message, len, addr)) {
	case POSTFIX_CONNECT:
		evidence_connect(&p->e, machine_read(j), addr, at);
		break;
	case POSTFIX_STOP:
	case POSTFIX_START:
		evidence_restart(&p->e, machine_read(j), at);
		break;
	case POSTFIX_OTHER:
		break;
	}
}

/* The current entry, to the part that reads its kind. */
static void
take_entry(struct pass *p, sd_journal *j, uint64_t at)
{
	const char *identifier, *daemon = NULL;
	size_t len = 0;

	if (!field_get(j, "SYSLOG_IDENTIFIER", &identifier, &len))
		identifier = "";
	if (field_is(j, "MESSAGE_ID", MESSAGE_ID_PROBE) ||
	    (len == strlen(PROBE_IDENTIFIER) &&
	    memcmp(identifier, PROBE_IDENTIFIER, len) == 0))
		take_probe(p, j, at);
	else if ((daemon = postfix_daemon(identifier, len)) != NULL)
		take_postfix(p, j, daemon, at);
	else
		take_record(p, j, at);
}

static uint64_t
clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}

static void
blocklist_walk(sd_journal *j, struct pass *p)
{
	uint64_t since = evidence_since(p->e.now, p->e.expire), at;
	int n;

	blocklist_match(j);
	if ((n = sd_journal_seek_realtime_usec(j, since)) < 0)
		die(EX_IOERR, "cannot seek in the journal: %s", strerror(-n));
	while ((n = sd_journal_next(j)) > 0) {
		if (sd_journal_get_realtime_usec(j, &at) < 0 || at < since)
			continue;
		if (at >= p->e.now)
			break;
		take_entry(p, j, at);
	}
	if (n < 0)
		die(EX_IOERR, "cannot read the journal: %s", strerror(-n));
}

void
blocklist_report(sd_journal *j, const struct options *o)
{
	struct allowlist allow = { NULL, 0, 0 };
	struct listing l;
	struct listed *v;
	struct new_file out;
	struct pass p;
	int k;

	memset(&p, 0, sizeof(p));
	evidence_init(&p.e, o->until_usec != NO_END ? o->until_usec :
	    clock_now(), o->expire_usec);
	for (k = 0; k < WRITER_KINDS; k++)
		writer_uids_init(&p.uids[k]);
	p.host = o->host;
	if (o->allowlist_path != NULL)
		allowlist_read(&allow, o->allowlist_path);
	journal_seed_uids(j, &p.uids[WRITER_TARPIT], WRITER_TARPIT,
	    RECORD_IDENTIFIER, RECORD_COMM);
	journal_seed_uids(j, &p.uids[WRITER_PROBE], WRITER_PROBE,
	    PROBE_IDENTIFIER, PROBE_COMM);
	blocklist_walk(j, &p);
	memset(&l, 0, sizeof(l));
	l.n = evidence_judge(&p.e, &allow, &v);
	l.v = v;
	l.now = p.e.now;
	l.postfix_action = o->postfix_action;
	memcpy(l.ignored, p.ignored, sizeof(l.ignored));
	output_begin(o->output_path, &out);
	listing_print(o->blocklist, &l);
	output_end(o->output_path, &out);
	free(v);
	allowlist_free(&allow);
	for (k = 0; k < WRITER_KINDS; k++)
		table_free(&p.uids[k]);
	evidence_free(&p.e);
}
