/*
 * Pieces of text the output formats share: addresses, durations, shares,
 * moments and the timeline's intervals.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef REPORT_FORMAT_H
#define REPORT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "timeline.h"

void address_format(char *buf, size_t size, const unsigned char addr[16]);
void format_duration(char *buf, size_t size, uint64_t ms);
void format_hold(char *buf, size_t size, uint64_t ms);
void format_percent(char *buf, size_t size, uint64_t part, uint64_t whole);
void format_moment(char *buf, size_t size, uint64_t usec);
void format_hours(char *buf, size_t size, uint64_t ms);
void format_interval(char *buf, size_t size, uint64_t start_usec,
    enum timeline_by by);
void print_seconds(uint64_t ms);

#endif
