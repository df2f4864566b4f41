/*
 * --state FILE: the incremental count behind the live metrics, the tally
 * kept in FILE between runs with the journal cursor it reached.  export.c
 * says what the file holds.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef REPORT_EXPORT_H
#define REPORT_EXPORT_H

#include <systemd/sd-journal.h>

struct options;
struct tally;

void export_read(sd_journal *j, const struct options *o, struct tally *tl);

#endif
