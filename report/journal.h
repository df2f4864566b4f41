/*
 * The journal: opened as the options say (journal_open), and walked over
 * the window (journal_read, or journal_walk on from a cursor for --state),
 * each tarpit record handed to its host and the tally; the sessions still
 * open at the end are then held or lost (journal_settle_open).
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

struct options;
struct tally;

sd_journal *journal_open(const struct options *o);
void journal_match_records(sd_journal *j);
uint64_t journal_walk(sd_journal *j, const struct options *o, struct tally *tl);
void journal_settle_open(struct tally *tl, sd_journal *j, uint64_t until);
void journal_read(sd_journal *j, const struct options *o, struct tally *tl);

#endif
