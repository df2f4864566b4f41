/*
 * The listing rule, gathered and judged: see evidence.h.
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

#include "evidence.h"
#include "util.h"

#define MXS_START          8
#define SIGHTINGS_START    1024

static void
moments_add(struct moments *m, uint64_t at)
{
	if (m->n == m->room) {
		m->room = m->room == 0 ? 64 : m->room * 2;
		m->v = xreallocarray(m->v, m->room, sizeof(*m->v));
	}
	m->v[m->n++] = at;
}

static int
moment_compare(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The journal is in time order per host, nearly: sorted to be sure. */
static void
moments_sort(struct moments *m)
{
	if (m->n > 1)
		qsort(m->v, m->n, sizeof(*m->v), moment_compare);
}

/* The index of the first moment at or after t: m->n if none. */
static size_t
moments_from(const struct moments *m, uint64_t t)
{
	size_t lo = 0, hi = m->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->v[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether a moment lies in [from, to]. */
static bool
moments_any(const struct moments *m, uint64_t from, uint64_t to)
{
	size_t i = moments_from(m, from);

	return i < m->n && m->v[i] <= to;
}

static uint64_t
sub_floor(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* Where the journal must be read from for a list made at now. */
uint64_t
evidence_since(uint64_t now, uint64_t expire)
{
	return sub_floor(sub_floor(now, expire), SEEN_BEFORE + UP_WINDOW);
}

void
evidence_init(struct evidence *e, uint64_t now, uint64_t expire)
{
	memset(e, 0, sizeof(*e));
	e->now = now;
	e->expire = expire;
	table_init(&e->mxs, sizeof(struct mx), offsetof(struct mx, machine),
	    sizeof(sd_id128_t), MXS_START);
	table_init(&e->sightings, sizeof(struct sighting),
	    offsetof(struct sighting, client), sizeof(struct prefix),
	    SIGHTINGS_START);
}

void
evidence_free(struct evidence *e)
{
	struct mx *mx;
	size_t i;

	for (i = 0; i < e->mxs.used; i++) {
		mx = (struct mx *)table_entry(&e->mxs, (uint32_t)i);
		free(mx->connects.v);
		free(mx->restarts.v);
	}
	table_free(&e->mxs);
	table_free(&e->sightings);
	free(e->sessions);
	free(e->probes_down.v);
}

/* A session of the tar pit's; only one that could still be listed is kept. */
void
evidence_session(struct evidence *e, const unsigned char addr[16],
    uint64_t at, bool pregreet)
{
	struct session_evidence *s;

	if (at >= e->now || at + e->expire <= e->now)
		return;
	if (e->nsessions == e->room) {
		e->room = e->room == 0 ? 256 : e->room * 2;
		e->sessions = xreallocarray(e->sessions, e->room,
		    sizeof(*e->sessions));
	}
	s = &e->sessions[e->nsessions++];
	prefix_of_client(addr, &s->client);
	s->at = at;
	s->pregreet = pregreet;
}

static struct mx *
mx_of(struct evidence *e, sd_id128_t machine)
{
	uint32_t hash = hash_bytes(&machine, sizeof(machine));
	struct mx *mx = (struct mx *)table_find(&e->mxs, &machine, hash);

	return mx != NULL ? mx : (struct mx *)table_add(&e->mxs, &machine,
	    hash);
}

/*
 * A connection to a higher MX: the MX is one, the moment may make it up,
 * and its client is seen.  Connections are kept only where a session
 * could be judged by them, and one per CONNECT_GRAIN.
 */
void
evidence_connect(struct evidence *e, sd_id128_t machine,
    const unsigned char addr[16], uint64_t at)
{
	struct mx *mx = mx_of(e, machine);
	struct prefix client;
	struct sighting *s;
	uint32_t hash;

	mx->connected = true;
	if (at + e->expire + UP_WINDOW >= e->now && (mx->connects.n == 0 ||
	    at < mx->connects.v[mx->connects.n - 1] ||
	    at - mx->connects.v[mx->connects.n - 1] >= CONNECT_GRAIN))
		moments_add(&mx->connects, at);
	prefix_of_client(addr, &client);
	hash = hash_bytes(&client, sizeof(client));
	s = (struct sighting *)table_find(&e->sightings, &client, hash);
	if (s == NULL)
		s = (struct sighting *)table_add(&e->sightings, &client, hash);
	if (at > s->last)
		s->last = at;
}

/* postfix/master stopped or started: the MX was not up across it. */
void
evidence_restart(struct evidence *e, sd_id128_t machine, uint64_t at)
{
	moments_add(&mx_of(e, machine)->restarts, at);
}

void
evidence_probe(struct evidence *e, uint64_t at, bool up)
{
	e->probed = true;
	if (at > e->last_probe)
		e->last_probe = at;
	if (!up)
		moments_add(&e->probes_down, at);
}

/*
 * Up at t: a connection within UP_WINDOW before and one within UP_WINDOW
 * after, no stop or start between them.
 */
static bool
mx_up(const struct mx *mx, uint64_t t)
{
	size_t after = moments_from(&mx->connects, t);
	uint64_t c1, c2;

	if (after == mx->connects.n || mx->connects.v[after] > t + UP_WINDOW)
		return false;
	c2 = mx->connects.v[after];
	if (c2 == t)
		c1 = t;
	else if (after == 0 || mx->connects.v[after - 1] + UP_WINDOW < t)
		return false;
	else
		c1 = mx->connects.v[after - 1];
	return !moments_any(&mx->restarts, c1, c2);
}

/* Every higher MX up at t; false if there is none. */
static bool
mxs_up(const struct evidence *e, uint64_t t)
{
	const struct mx *mx;
	bool any = false;
	size_t i;

	for (i = 0; i < e->mxs.used; i++) {
		mx = (const struct mx *)table_entry(&e->mxs, (uint32_t)i);
		if (!mx->connected)
			continue;
		if (!mx_up(mx, t))
			return false;
		any = true;
	}
	return any;
}

/*
 * No probe failed within PROBE_WINDOW of t.  Where the probe runs, t is
 * judged only once its records reach past that window: until then a
 * failure may yet come, and a sender that fell back must not be listed
 * even for a minute.
 */
static bool
probes_up(const struct evidence *e, uint64_t t)
{
	if (!e->probed)
		return true;
	return e->last_probe >= t + PROBE_WINDOW &&
	    !moments_any(&e->probes_down, sub_floor(t, PROBE_WINDOW),
	    t + PROBE_WINDOW);
}

/* A higher MX saw the client within SEEN_BEFORE before t, or since. */
static bool
seen(const struct evidence *e, const struct prefix *client, uint64_t t)
{
	const struct sighting *s = (const struct sighting *)table_find(
	    &e->sightings, client, hash_bytes(client, sizeof(*client)));

	return s != NULL && s->last + SEEN_BEFORE >= t;
}

static bool
session_lists(const struct evidence *e, const struct session_evidence *s)
{
	return s->pregreet || (mxs_up(e, s->at) && probes_up(e, s->at) &&
	    !seen(e, &s->client, s->at));
}

static int
listed_compare(const void *a, const void *b)
{
	const struct listed *x = a, *y = b;
	int c = prefix_compare(&x->prefix, &y->prefix);

	return c != 0 ? c : (x->until > y->until) - (x->until < y->until);
}

static void
evidence_sort(struct evidence *e)
{
	struct mx *mx;
	size_t i;

	for (i = 0; i < e->mxs.used; i++) {
		mx = (struct mx *)table_entry(&e->mxs, (uint32_t)i);
		moments_sort(&mx->connects);
		moments_sort(&mx->restarts);
	}
	moments_sort(&e->probes_down);
}

/*
 * The list at e->now: each prefix once, with the end of its last listing,
 * in prefix_compare's order, none the allowlist covers.  Returns how many.
 */
size_t
evidence_judge(struct evidence *e, const struct allowlist *allow,
    struct listed **out)
{
	struct listed *v = xcalloc(e->nsessions + 1, sizeof(*v));
	size_t i, n = 0, kept = 0;

	evidence_sort(e);
	for (i = 0; i < e->nsessions; i++)
		if (session_lists(e, &e->sessions[i])) {
			v[n].prefix = e->sessions[i].client;
			v[n++].until = e->sessions[i].at + e->expire;
		}
	qsort(v, n, sizeof(*v), listed_compare);
	for (i = 0; i < n; i++) {
		/* the last of a run of one prefix has its latest end */
		if (i + 1 < n && prefix_compare(&v[i].prefix,
		    &v[i + 1].prefix) == 0)
			continue;
		if (allowlist_covers(allow, &v[i].prefix))
			continue;
		v[kept++] = v[i];
	}
	*out = v;
	return kept;
}
