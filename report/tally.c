/*
 * The counts: sessions, hold times (the classes and a fine histogram for
 * the median), end reasons, addresses, HELO names and the sessions still open.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "hosts.h"
#include "record.h"
#include "table.h"
#include "tally.h"
#include "timeline.h"
#include "trust.h"
#include "util.h"

/*
 * Hold times are counted in a histogram fine enough for the median: one
 * bucket per millisecond below 2^14 ms (16.384 s), then 2^13 buckets for
 * each doubling, so a bucket is at most 1/8192 of its value wide.
 */
#define EXACT_MS_BITS      14
#define EXACT_MS           ((uint64_t)1 << EXACT_MS_BITS)
#define SUB_BUCKETS        (EXACT_MS / 2)
#define FINE_BUCKETS       (EXACT_MS + \
    (DURATION_MAX_BITS - EXACT_MS_BITS) * SUB_BUCKETS)

static void
session_key_of(struct session_key *k, const struct record *r)
{
	memset(k, 0, sizeof(*k));
	k->boot = r->stamp.boot;
	k->pid = r->pid;
	if (r->pid == 0) {
		k->port = r->port;
		memcpy(k->addr, r->addr, sizeof(k->addr));
	}
}

static size_t
fine_bucket(uint64_t ms)
{
	int top;
	unsigned int shift;

	if (ms < EXACT_MS)
		return (size_t)ms;
	top = 63 - __builtin_clzll(ms);
	shift = (unsigned int)top - (EXACT_MS_BITS - 1);
	return (size_t)(EXACT_MS + (uint64_t)(top - EXACT_MS_BITS) *
	    SUB_BUCKETS + ((ms >> shift) - SUB_BUCKETS));
}

/* The least duration that falls in the bucket. */
static uint64_t
fine_bucket_floor(size_t bucket)
{
	uint64_t k, shift;

	if (bucket < EXACT_MS)
		return bucket;
	k = bucket - EXACT_MS;
	shift = k / SUB_BUCKETS + 1;
	return (k % SUB_BUCKETS + SUB_BUCKETS) << shift;
}

static void
helo_heap_swap(struct tally *tl, uint32_t a, uint32_t b)
{
	uint32_t t = tl->helo_heap[a];

	tl->helo_heap[a] = tl->helo_heap[b];
	tl->helo_heap[b] = t;
	((struct helo *)table_entry(&tl->helos, tl->helo_heap[a]))->heap_pos = a;
	((struct helo *)table_entry(&tl->helos, tl->helo_heap[b]))->heap_pos = b;
}

static uint64_t
helo_heap_held(const struct tally *tl, uint32_t pos)
{
	return ((struct helo *)table_entry(&tl->helos,
	    tl->helo_heap[pos]))->held_ms;
}

/* Restores the min-heap after the entry at pos grew or was added. */
static void
helo_heap_fix(struct tally *tl, uint32_t pos)
{
	uint32_t n = (uint32_t)tl->helos.count, parent, child;

	for (; pos > 0; pos = parent) {
		parent = (pos - 1) / 2;
		if (helo_heap_held(tl, parent) <= helo_heap_held(tl, pos))
			break;
		helo_heap_swap(tl, pos, parent);
	}
	for (; (child = 2 * pos + 1) < n; pos = child) {
		if (child + 1 < n && helo_heap_held(tl, child + 1) <
		    helo_heap_held(tl, child))
			child++;
		if (helo_heap_held(tl, pos) <= helo_heap_held(tl, child))
			break;
		helo_heap_swap(tl, pos, child);
	}
}

/* The name is NUL-padded to CLIENT_TEXT_MAX + 1: the key is compared whole. */
static void
helo_count(struct tally *tl, const char key[CLIENT_TEXT_MAX + 1], uint64_t ms)
{
	uint32_t hash = hash_bytes(key, strlen(key));
	struct helo *h;

	h = (struct helo *)table_find(&tl->helos, key, hash);
	if (h != NULL) {
		h->sessions++;
	} else if (tl->helos.count < HELO_COUNTERS) {
		h = (struct helo *)table_add(&tl->helos, key, hash);
		h->heap_pos = (uint32_t)tl->helos.count - 1;
		tl->helo_heap[h->heap_pos] = table_index(&tl->helos, &h->link);
		h->sessions = 1;
	} else {
		h = (struct helo *)table_entry(&tl->helos, tl->helo_heap[0]);
		table_unlink(&tl->helos, &h->link);
		memcpy(h->name, key, sizeof(h->name));
		table_link(&tl->helos, &h->link, hash);
		h->error_ms = h->held_ms;
		h->sessions = 1;
	}
	h->held_ms += ms;
	helo_heap_fix(tl, h->heap_pos);
}

static void
address_count(struct tally *tl, const unsigned char addr[16], uint64_t ms)
{
	uint32_t hash = hash_bytes(addr, 16);
	struct address *a;

	a = (struct address *)table_find(&tl->addresses, addr, hash);
	if (a == NULL)
		a = (struct address *)table_add(&tl->addresses, addr, hash);
	a->sessions++;
	a->held_ms += ms;
}

void
tally_init(struct tally *tl)
{
	memset(tl, 0, sizeof(*tl));
	tl->fine = xcalloc(FINE_BUCKETS, sizeof(*tl->fine));
	table_init(&tl->addresses, sizeof(struct address),
	    offsetof(struct address, addr), 16, 1024);
	table_init(&tl->helos, sizeof(struct helo), offsetof(struct helo, name),
	    CLIENT_TEXT_MAX + 1, HELO_COUNTERS);
	table_init(&tl->open, sizeof(struct open_session),
	    offsetof(struct open_session, key), sizeof(struct session_key), 64);
	writer_uids_init(&tl->tarpit_uids);
	timeline_init(&tl->timeline);
	hosts_init(tl);
}

/* Everything is freed, so that a leak checker sees only real leaks. */
void
tally_free(struct tally *tl)
{
	free(tl->fine);
	table_free(&tl->addresses);
	table_free(&tl->helos);
	table_free(&tl->open);
	table_free(&tl->tarpit_uids);
	timeline_free(&tl->timeline);
	hosts_free(tl);
}

/* A second connect from the same process: the first never said goodbye. */
void
tally_connect(struct tally *tl, struct host *h, const struct record *r)
{
	struct open_session *s;
	struct session_key k;
	uint32_t hash;

	session_key_of(&k, r);
	hash = hash_bytes(&k, sizeof(k));
	if (table_find(&tl->open, &k, hash) != NULL) {
		h->totals.lost++;
		tl->totals.lost++;
		return;
	}
	s = (struct open_session *)table_add(&tl->open, &k, hash);
	s->host = host_index(tl, h);
}

/*
 * A named record teaches its host's tarpit user; an unnamed one counts if
 * it is of that user (trust.h).
 */
bool
tally_vouched(struct tally *tl, const struct record *r, bool named)
{
	if (named)
		writer_uid_note(&tl->tarpit_uids, r->machine, r->stamp.boot,
		    r->uid);
	return named || writer_uid_is(&tl->tarpit_uids, r->machine,
	    r->stamp.boot, r->uid);
}

void
tally_disconnect(struct tally *tl, struct host *h, const struct record *r)
{
	struct totals *t = &tl->totals;
	uint64_t ms = r->duration_ms;
	struct session_key k;
	struct link *e;
	size_t c;

	session_key_of(&k, r);
	e = table_find(&tl->open, &k, hash_bytes(&k, sizeof(k)));
	if (e != NULL)
		table_remove(&tl->open, e);
	t->sessions++;
	t->held_ms += ms;
	h->totals.sessions++;
	h->totals.held_ms += ms;
	t->pregreet += r->pregreet;
	t->reasons[r->reason]++;
	tl->fine[fine_bucket(ms)]++;
	for (c = 0; c < CLASS_BOUNDS && ms >= class_bounds_ms[c]; c++)
		;
	t->classes[c]++;
	for (c = 0; c < CLASS_BOUNDS; c++)
		t->classes_le[c] += ms <= class_bounds_ms[c];
	if (ms > t->longest_ms || t->sessions == 1) {
		t->longest_ms = ms;
		t->longest_addr_known = r->addr_known;
		memcpy(t->longest_addr, r->addr, sizeof(r->addr));
	}
	if (r->addr_known) {
		address_count(tl, r->addr, ms);
		host_count_address(tl, h, r->addr);
	} else {
		t->unknown_address++;
	}
	if (r->has_helo)
		helo_count(tl, r->helo, ms);
	timeline_count(&tl->timeline, r->stamp.realtime_usec, ms);
}

/* The duration of the session at this rank, counting from 1. */
static uint64_t
fine_rank(const struct tally *tl, uint64_t rank)
{
	uint64_t seen = 0;
	size_t b;

	for (b = 0; b < FINE_BUCKETS; b++) {
		seen += tl->fine[b];
		if (seen >= rank)
			return fine_bucket_floor(b);
	}
	return 0;
}

/* The mean of the two middle sessions, or the middle one. */
uint64_t
tally_median_ms(const struct tally *tl)
{
	uint64_t n = tl->totals.sessions;

	return (fine_rank(tl, (n + 1) / 2) + fine_rank(tl, n / 2 + 1)) / 2;
}

int
address_compare(const void *a, const void *b)
{
	const struct address *x = a, *y = b;

	if (x->held_ms != y->held_ms)
		return x->held_ms > y->held_ms ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

static int
helo_compare(const void *a, const void *b)
{
	const struct helo *x = a, *y = b;

	if (x->held_ms != y->held_ms)
		return x->held_ms > y->held_ms ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Keeps the TOP_COUNT first in the order of cmp. */
static void
top_offer(struct top *t, const void *e, int (*cmp)(const void *,
    const void *))
{
	size_t i;

	if (t->n == TOP_COUNT && cmp(e, t->entries[TOP_COUNT - 1]) >= 0)
		return;
	if (t->n < TOP_COUNT)
		t->n++;
	for (i = t->n - 1; i > 0 && cmp(e, t->entries[i - 1]) < 0; i--)
		t->entries[i] = t->entries[i - 1];
	t->entries[i] = e;
}

void
tally_top_addresses(const struct tally *tl, struct top *t)
{
	size_t i;

	t->n = 0;
	for (i = 0; i < tl->addresses.used; i++)
		top_offer(t, table_entry(&tl->addresses, (uint32_t)i),
		    address_compare);
}

void
tally_top_helos(const struct tally *tl, struct top *t)
{
	size_t i;

	t->n = 0;
	for (i = 0; i < tl->helos.count; i++)
		top_offer(t, table_entry(&tl->helos, tl->helo_heap[i]),
		    helo_compare);
}
