/*
 * The tally: what the records add up to, counted one record at a time
 * (tally_connect, tally_disconnect): the totals, a fine histogram of hold
 * times for the median, the addresses, HELO names, sessions still open,
 * each host's share and the timeline; figures.c works the figures out from
 * it.  Memory grows with the distinct addresses and the open sessions, never
 * with the records.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef REPORT_TALLY_H
#define REPORT_TALLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-id128.h>

#include "../record.h"
#include "figures.h"
#include "record.h"
#include "table.h"
#include "timeline.h"

#define HELO_COUNTERS      4096   /* HELO names counted at once */

struct host;

/* IPv4 addresses are kept v4-mapped, so one key fits both families. */
struct address {
	struct link link;
	unsigned char addr[16];
	uint64_t held_ms;
	uint64_t sessions;
};

/*
 * The HELO names are counted with the space-saving algorithm (Metwally,
 * Agrawal, El Abbadi 2005): a client chooses its HELO, so a bot that sends
 * a new one each time must not make us grow.  While there are no more than
 * HELO_COUNTERS names the counts are exact; past that, a new name replaces
 * the one with the least time and inherits its time as error_ms.
 */
struct helo {
	struct link link;
	char name[CLIENT_TEXT_MAX + 1];  /* NUL-padded: the key */
	uint64_t held_ms;         /* overstated by at most error_ms */
	uint64_t error_ms;
	uint64_t sessions;        /* since the name was last taken in */
	uint32_t heap_pos;
};

/* A session is its tarpit process, or its peer if the process is unknown. */
struct session_key {
	sd_id128_t boot;
	uint32_t pid;             /* 0: no _PID */
	uint32_t port;
	unsigned char addr[16];
};

struct open_session {
	struct link link;
	struct session_key key;
	uint32_t host;            /* index in the tally's hosts table */
};

struct tally {
	struct totals totals;
	uint64_t *fine;                   /* the fine histogram's counts */
	sd_id128_t boot;                  /* of the last record read */
	bool boot_seen;
	struct table hosts;               /* struct host */
	struct table host_addresses;
	struct table addresses;
	struct table helos;
	uint32_t helo_heap[HELO_COUNTERS];
	struct table open;
	struct table tarpit_uids;         /* struct writer_uid (trust.h) */
	struct timeline timeline;
};

/* The TOP_COUNT first entries of a table, in the order of a tally. */
struct top {
	const void *entries[TOP_COUNT];
	size_t n;
};

void tally_init(struct tally *tl);
void tally_free(struct tally *tl);
void tally_connect(struct tally *tl, struct host *h, const struct record *r);
void tally_disconnect(struct tally *tl, struct host *h,
    const struct record *r);
bool tally_vouched(struct tally *tl, const struct record *r, bool named);
uint64_t tally_median_ms(const struct tally *tl);
int address_compare(const void *a, const void *b);
void tally_top_addresses(const struct tally *tl, struct top *t);
void tally_top_helos(const struct tally *tl, struct top *t);

#endif
