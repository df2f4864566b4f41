/*
 * The times --since and --until take: the timestamps of systemd.time(7),
 * as journalctl(1) reads them.  timestamp.c lists every form.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef REPORT_TIMESTAMP_H
#define REPORT_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool timestamp_parse(const char *s, uint64_t now_usec, uint64_t *usec);
bool span_parse(const char *s, size_t len, uint64_t *usec);

#endif
