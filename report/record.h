/*
 * One tarpit record as the report reads it: from a journal entry's fields
 * (record_read), or from the one-line form that came through syslog
 * (record_take_line).  Whoever can log can write one, so every field is
 * checked.  Which fields there are is ../record.h's, which tarpit writes by.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef REPORT_RECORD_H
#define REPORT_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>

#include "../record.h"
#include "trust.h"

#define DURATION_MAX_BITS  40     /* 2^40 ms, 34 years: longer is malformed */
#define DURATION_MAX_MS    (((uint64_t)1 << DURATION_MAX_BITS) - 1)

/*
 * Where an entry was written: the same stamp is the same entry.  The uploader
 * sends the entry at its saved cursor again each time it starts, so the
 * collector holds that one twice, differing only in its own sequence number.
 */
struct stamp {
	sd_id128_t boot;
	uint64_t monotonic_usec;
	uint64_t realtime_usec;
};

/* One journal entry, as far as the report needs it. */
struct record {
	bool disconnect;
	struct stamp stamp;
	sd_id128_t machine;       /* zero when the entry has no _MACHINE_ID */
	uint32_t pid;
	bool addr_known;          /* false: "unknown" */
	unsigned char addr[16];
	uint32_t port;
	bool has_helo;
	char helo[CLIENT_TEXT_MAX + 1];
	bool pregreet;
	uint64_t duration_ms;
	size_t reason;            /* index in reason_names (figures.h) */
	unsigned int fields;      /* SEEN_* bits */
	bool malformed;
	struct writer writer;     /* who journald says wrote it */
	uint32_t uid;             /* _UID: the writer's user */
};

/*
 * RECORD_UNTRUSTED: another program wrote it (trust.h).  RECORD_UNNAMED:
 * whole, but journald could not name its writer, which had exited; it
 * counts if its user is the one tarpit's named records on that host and
 * boot show (writer_uid_is), else it is ignored.
 */
enum record_kind { RECORD_WHOLE, RECORD_MALFORMED, RECORD_UNTRUSTED,
    RECORD_UNNAMED, RECORD_NONE };

void record_take_field(struct record *r, const char *data, size_t len);
bool record_take_line(struct record *r, const char *line, size_t len);
bool record_complete(const struct record *r);
enum record_kind record_read(sd_journal *j, struct record *r);

#endif
