/*
 * The journal: opened as the options say (journal_open), prepared (the
 * users of tarpit's named records noted, its records matched), and walked
 * over the window (journal_read, or journal_walk on from a cursor for
 * --state), each tarpit record handed to its host and the tally; the
 * sessions still open at the end are then held or lost
 * (journal_settle_open).  And the current entry's fields, for every reader
 * of entries: field_get, and what journald said of its writer.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef REPORT_JOURNAL_H
#define REPORT_JOURNAL_H

#include <stdint.h>

#include <systemd/sd-journal.h>

#include "table.h"
#include "trust.h"

struct options;
struct tally;

sd_journal *journal_open(const struct options *o);
void journal_prepare(sd_journal *j, struct tally *tl);
uint64_t journal_walk(sd_journal *j, const struct options *o, struct tally *tl);
void journal_settle_open(struct tally *tl, sd_journal *j, uint64_t until);
bool field_get(sd_journal *j, const char *name, const char **value,
    size_t *len);
bool field_is(sd_journal *j, const char *name, const char *s);
void writer_read(sd_journal *j, struct writer *w, enum writer_kind kind,
    const char *daemon);
sd_id128_t machine_read(sd_journal *j);
bool uid_read(sd_journal *j, uint32_t *uid);
void journal_seed_uids(sd_journal *j, struct table *t, enum writer_kind kind,
    const char *identifier, const char *comm);
void journal_read(sd_journal *j, const struct options *o, struct tally *tl);

#endif
