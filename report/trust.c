/*
 * The names journald gives an entry's writer, judged: see trust.h and
 * tarpit-report(1), "Trust".
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

#include "../record.h"
#include "trust.h"

#define WRITER_UIDS_START     16     /* hosts and boots room is made for */

/* Postfix's units: Debian's postfix@-.service instances, or postfix.service. */
#define POSTFIX_UNIT          "postfix.service"
#define POSTFIX_UNIT_PREFIX   "postfix@"
#define UNIT_SUFFIX           ".service"

static bool
text_equal(const char *value, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(value, s, len) == 0;
}

/* PREFIX...SUFFIX, with something between. */
static bool
text_around(const char *value, size_t len, const char *prefix,
    const char *suffix)
{
	size_t p = strlen(prefix), s = strlen(suffix);

	return len > p + s && memcmp(value, prefix, p) == 0 &&
	    memcmp(value + len - s, suffix, s) == 0;
}

/*
 * The process name: tarpit, tarpit-probe, or the Postfix daemon that the
 * entry's SYSLOG_IDENTIFIER ("postfix/smtpd") says wrote it.
 */
void
writer_take_comm(struct writer *w, enum writer_kind kind,
    const char *postfix_daemon, const char *value, size_t len)
{
	w->comm_seen = true;
	switch (kind) {
	case WRITER_TARPIT:
		w->comm_ok = text_equal(value, len, RECORD_COMM) ||
		    text_equal(value, len, RECORD_COMM_XINETD);
		break;
	case WRITER_PROBE:
		w->comm_ok = text_equal(value, len, PROBE_COMM);
		break;
	case WRITER_POSTFIX:
		w->comm_ok = postfix_daemon != NULL &&
		    text_equal(value, len, postfix_daemon);
		break;
	case WRITER_KINDS:
		break;
	}
}

/*
 * Under systemd, the unit: tarpit@.service's instances, or xinetd.service
 * for tarpit under xinetd; tarpit-probe.service; Postfix's own.
 */
void
writer_take_unit(struct writer *w, enum writer_kind kind, const char *value,
    size_t len)
{
	w->unit_seen = true;
	switch (kind) {
	case WRITER_TARPIT:
		w->unit_ok = text_around(value, len, RECORD_UNIT_PREFIX,
		    RECORD_UNIT_SUFFIX) ||
		    text_equal(value, len, RECORD_UNIT_XINETD);
		break;
	case WRITER_PROBE:
		w->unit_ok = text_equal(value, len, PROBE_UNIT);
		break;
	case WRITER_POSTFIX:
		w->unit_ok = text_equal(value, len, POSTFIX_UNIT) ||
		    text_around(value, len, POSTFIX_UNIT_PREFIX, UNIT_SUFFIX);
		break;
	case WRITER_KINDS:
		break;
	}
}

bool
writer_trusted(const struct writer *w)
{
	return w->comm_ok && (!w->unit_seen || w->unit_ok);
}

/* Trusted, not, or unnamed: then only what else is known can vouch for it. */
enum trust
writer_judge(const struct writer *w)
{
	if (!w->comm_seen && !w->unit_seen)
		return TRUST_UNNAMED;
	return writer_trusted(w) ? TRUST_YES : TRUST_NO;
}

void
writer_uids_init(struct table *t)
{
	table_init(t, sizeof(struct writer_uid),
	    offsetof(struct writer_uid, key),
	    sizeof(((struct writer_uid *)NULL)->key), WRITER_UIDS_START);
}

/* A named record's user, the one its host's tarpit runs as in that boot. */
void
writer_uid_note(struct table *t, sd_id128_t machine, sd_id128_t boot,
    uint32_t uid)
{
	struct writer_uid key, *u;
	uint32_t hash;

	memset(&key, 0, sizeof(key));
	key.key.machine = machine;
	key.key.boot = boot;
	hash = hash_bytes(&key.key, sizeof(key.key));
	u = (struct writer_uid *)table_find(t, &key.key, hash);
	if (u == NULL)
		u = (struct writer_uid *)table_add(t, &key.key, hash);
	u->uid = uid;
}

bool
writer_uid_is(const struct table *t, sd_id128_t machine, sd_id128_t boot,
    uint32_t uid)
{
	struct writer_uid key;
	const struct writer_uid *u;

	memset(&key, 0, sizeof(key));
	key.key.machine = machine;
	key.key.boot = boot;
	u = (const struct writer_uid *)table_find(t, &key.key,
	    hash_bytes(&key.key, sizeof(key.key)));
	return u != NULL && u->uid == uid;
}
