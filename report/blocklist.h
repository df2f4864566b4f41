/*
 * tarpit-report --blocklist: the journal read for the listing rule (the
 * tar pit's sessions, the higher MX hosts' Postfix lines, the probe's
 * records), judged at one moment and written in one of the formats.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef BLOCKLIST_H
#define BLOCKLIST_H

#include <systemd/sd-journal.h>

#include "options.h"

void blocklist_report(sd_journal *j, const struct options *o);

#endif
