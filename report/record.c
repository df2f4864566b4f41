/*
 * One tarpit record from sd-journal: its fields read, checked and taken
 * apart, or its one-line form where it came through syslog.  Whoever can
 * log can write such a record, so every field is untrusted: a malformed one
 * makes the record skipped, never trusted.
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
#include "figures.h"
#include "record.h"
#include "trust.h"
#include "util.h"

#define REASON_TEXT_MAX    31     /* characters of an END_REASON value */
#define REASON_OTHER       (REASONS - 1)

enum seen { SEEN_MESSAGE_ID, SEEN_PID, SEEN_MACHINE, SEEN_ADDR, SEEN_PORT,
    SEEN_HELO, SEEN_PREGREET, SEEN_DURATION, SEEN_REASON, SEEN_COMM, SEEN_UNIT,
    SEEN_UID, FIELDS };

#define BIT(f) (1u << (f))
#define CONNECT_FIELDS (BIT(SEEN_MESSAGE_ID) | BIT(SEEN_ADDR) | \
    BIT(SEEN_PORT))
/* Its writer too: an entry without a unit is read to its end to know it. */
#define CONNECT_KEY_FIELDS (CONNECT_FIELDS | BIT(SEEN_PID) | \
    BIT(SEEN_MACHINE) | BIT(SEEN_COMM) | BIT(SEEN_UNIT) | BIT(SEEN_UID))
#define DISCONNECT_FIELDS (CONNECT_FIELDS | BIT(SEEN_PREGREET) | \
    BIT(SEEN_DURATION) | BIT(SEEN_REASON))

/* An address as tarpit writes it, or "unknown"; anything else is wrong. */
static bool
record_set_address(struct record *r, const char *value, size_t len)
{
	if (len == strlen(ADDRESS_UNKNOWN) &&
	    memcmp(value, ADDRESS_UNKNOWN, len) == 0)
		return true;
	r->addr_known = address_parse(value, len, r->addr);
	return r->addr_known;
}

static bool
record_set_reason(struct record *r, const char *value, size_t len)
{
	size_t i;

	if (len == 0 || len > REASON_TEXT_MAX)
		return false;
	r->reason = REASON_OTHER;
	for (i = 0; i < REASON_OTHER; i++)
		if (strlen(reason_names[i]) == len &&
		    memcmp(reason_names[i], value, len) == 0)
			r->reason = i;
	return true;
}

static bool
record_set_message_id(struct record *r, const char *value, size_t len)
{
	if (len != strlen(MESSAGE_ID_DISCONNECT))
		return false;
	if (memcmp(value, MESSAGE_ID_DISCONNECT, len) == 0)
		r->disconnect = true;
	else if (memcmp(value, MESSAGE_ID_CONNECT, len) != 0)
		return false;
	return true;
}

static bool
record_set_pid(struct record *r, const char *value, size_t len)
{
	uint64_t n;

	if (!number_whole(value, len, 0, INT32_MAX, &n) || n == 0)
		return false;
	r->pid = (uint32_t)n;
	return true;
}

static bool
record_set_machine(struct record *r, const char *value, size_t len)
{
	char text[SD_ID128_STRING_MAX];

	if (len != SD_ID128_STRING_MAX - 1)
		return false;
	memcpy(text, value, len);
	text[len] = '\0';
	return sd_id128_from_string(text, &r->machine) >= 0;
}

static bool
record_set_port(struct record *r, const char *value, size_t len)
{
	uint64_t n;

	if (!number_whole(value, len, 0, 65535, &n))
		return false;
	r->port = (uint32_t)n;
	return true;
}

static bool
record_set_helo(struct record *r, const char *value, size_t len)
{
	sanitize_for_terminal(r->helo, sizeof(r->helo), value, len);
	r->has_helo = true;
	return true;
}

static bool
record_set_pregreet(struct record *r, const char *value, size_t len)
{
	uint64_t n;

	if (!number_whole(value, len, 0, 1, &n))
		return false;
	r->pregreet = n == 1;
	return true;
}

static bool
record_set_duration(struct record *r, const char *value, size_t len)
{
	return number_whole(value, len, DURATION_DECIMALS, DURATION_MAX_MS,
	    &r->duration_ms);
}

/* Who wrote it is judged, never wrong: the judgement is the writer's. */
static bool
record_set_comm(struct record *r, const char *value, size_t len)
{
	writer_take_comm(&r->writer, WRITER_TARPIT, NULL, value, len);
	return true;
}

static bool
record_set_unit(struct record *r, const char *value, size_t len)
{
	writer_take_unit(&r->writer, WRITER_TARPIT, value, len);
	return true;
}

static bool
record_set_uid(struct record *r, const char *value, size_t len)
{
	uint64_t n;

	if (!number_whole(value, len, 0, UINT32_MAX, &n))
		return false;
	r->uid = (uint32_t)n;
	return true;
}

/*
 * The fields the report reads, in enum seen order: the journal's name, the
 * key in the one-line form (none for what the journal adds itself), and the
 * parser.
 */
static const struct {
	const char *name;
	const char *key;
	bool (*set)(struct record *, const char *, size_t);
} fields[FIELDS] = {
	{ "MESSAGE_ID",       NULL,             record_set_message_id },
	{ "_PID",             NULL,             record_set_pid },
	{ "_MACHINE_ID",      NULL,             record_set_machine },
	{ FIELD_REMOTE_ADDR,  KEY_REMOTE_ADDR,  record_set_address },
	{ FIELD_REMOTE_PORT,  KEY_REMOTE_PORT,  record_set_port },
	{ FIELD_HELO,         KEY_HELO,         record_set_helo },
	{ FIELD_PREGREET,     KEY_PREGREET,     record_set_pregreet },
	{ FIELD_DURATION,     KEY_DURATION,     record_set_duration },
	{ FIELD_END_REASON,   KEY_END_REASON,   record_set_reason },
	{ COMM_FIELD,         NULL,             record_set_comm },
	{ UNIT_FIELD,         NULL,             record_set_unit },
	{ UID_FIELD,          NULL,             record_set_uid },
};

static bool
text_is(const char *text, const char *s, size_t len)
{
	return text != NULL && strlen(text) == len && memcmp(text, s, len) == 0;
}

/* A field given twice counts once, as sd_journal_get_data. */
static void
record_set(struct record *r, int f, const char *value, size_t len)
{
	if ((r->fields & BIT(f)) == 0 && !fields[f].set(r, value, len))
		r->malformed = true;
	r->fields |= BIT(f);
}

void
record_take_field(struct record *r, const char *data, size_t len)
{
	const char *eq = memchr(data, '=', len);
	size_t name_len;
	int f;

	if (eq == NULL)
		return;
	name_len = (size_t)(eq - data);
	for (f = 0; f < FIELDS; f++)
		if (text_is(fields[f].name, data, name_len)) {
			record_set(r, f, eq + 1, len - name_len - 1);
			return;
		}
}

/* One key=value of the one-line form; event= stands for the MESSAGE_ID. */
static void
record_take_pair(struct record *r, const char *key, size_t key_len,
    const char *value, size_t len)
{
	const char *id = NULL;
	int f;

	if (text_is(KEY_EVENT, key, key_len)) {
		if (text_is(EVENT_NAME_CONNECT, value, len))
			id = MESSAGE_ID_CONNECT;
		else if (text_is(EVENT_NAME_DISCONNECT, value, len))
			id = MESSAGE_ID_DISCONNECT;
		if (id == NULL)
			r->malformed = true;
		else
			record_set(r, SEEN_MESSAGE_ID, id, strlen(id));
		return;
	}
	for (f = 0; f < FIELDS; f++)
		if (text_is(fields[f].key, key, key_len)) {
			record_set(r, f, value, len);
			return;
		}
}

/*
 * The one-line form that tarpit(8) sends to syslog, as the journal keeps it
 * in MESSAGE when it is also the syslog daemon: "event=NAME" and then
 * " key=value" pairs, a value from the client in double quotes (which it
 * never holds).  False if the line is not a record at all, as tarpit's own
 * error messages are not.
 */
bool
record_take_line(struct record *r, const char *line, size_t len)
{
	const char *p = line, *end = line + len, *eq, *value, *stop;
	size_t event_len = strlen(KEY_EVENT "=");
	bool quoted;

	if (len < event_len || memcmp(line, KEY_EVENT "=", event_len) != 0)
		return false;
	while (p < end) {
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
			break;
		value = eq + 1;
		quoted = value < end && *value == '"';
		value += quoted;
		stop = memchr(value, quoted ? '"' : ' ', (size_t)(end - value));
		if (stop == NULL && quoted)
			break;
		if (stop == NULL)
			stop = end;
		record_take_pair(r, p, (size_t)(eq - p), value,
		    (size_t)(stop - value));
		p = stop + quoted;
		if (p == end)
			return true;
		if (*p++ != ' ')
			break;
	}
	r->malformed = true;
	return true;
}

/* Whether the fields taken make a whole record of its kind. */
bool
record_complete(const struct record *r)
{
	unsigned int want = r->disconnect ? DISCONNECT_FIELDS : CONNECT_FIELDS;

	return !r->malformed && (r->fields & want) == want;
}

/* An entry without a MESSAGE_ID: a record if its MESSAGE is one. */
static bool
record_take_message(sd_journal *j, struct record *r)
{
	const void *data;
	size_t len, prefix = strlen("MESSAGE=");

	return sd_journal_get_data(j, "MESSAGE", &data, &len) >= 0 &&
	    len >= prefix && record_take_line(r, (const char *)data + prefix,
	    len - prefix);
}

/*
 * Reads the current entry of tarpit's: a whole record, a malformed one, one
 * that another program wrote, or no record at all (one of its error
 * messages).  One pass over its fields
 * costs less than a sd_journal_get_data() lookup for each field the report
 * needs, and a connect record is left as soon as its session key is known.
 */
enum record_kind
record_read(sd_journal *j, struct record *r)
{
	const void *data;
	size_t len;
	int n;

	memset(r, 0, sizeof(*r));
	if (sd_journal_get_monotonic_usec(j, &r->stamp.monotonic_usec,
	    &r->stamp.boot) < 0 ||
	    sd_journal_get_realtime_usec(j, &r->stamp.realtime_usec) < 0)
		return RECORD_MALFORMED;
	sd_journal_restart_data(j);
	while ((n = sd_journal_enumerate_available_data(j, &data, &len)) > 0) {
		record_take_field(r, data, len);
		if (!r->disconnect && (r->fields & CONNECT_KEY_FIELDS) ==
		    CONNECT_KEY_FIELDS)
			break;
	}
	if (n < 0)
		return RECORD_MALFORMED;
	if ((r->fields & BIT(SEEN_MESSAGE_ID)) == 0 &&
	    !record_take_message(j, r))
		return RECORD_NONE;
	if (!record_complete(r))
		return RECORD_MALFORMED;
	switch (writer_judge(&r->writer)) {
	case TRUST_YES:
		return RECORD_WHOLE;
	case TRUST_UNNAMED:
		return (r->fields & BIT(SEEN_UID)) != 0 ? RECORD_UNNAMED :
		    RECORD_UNTRUSTED;
	default:
		return RECORD_UNTRUSTED;
	}
}
