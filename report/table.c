/*
 * A chained hash table of fixed-size entries kept in one array, keyed with
 * a random seed.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <sys/random.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sysexits.h>

#include "table.h"
#include "util.h"

static uint64_t hash_seed;

/* Keyed, so that chosen HELO names cannot all land in one chain. */
uint32_t
hash_bytes(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = hash_seed ^ 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return (uint32_t)(h ^ (h >> 31));
}

void
hash_seed_init(void)
{
	if (getrandom(&hash_seed, sizeof(hash_seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(hash_seed))
		hash_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
}

void
table_init(struct table *t, size_t entry_size, size_t key_offset,
    size_t key_size, size_t capacity)
{
	memset(t, 0, sizeof(*t));
	t->entry_size = entry_size;
	t->key_offset = key_offset;
	t->key_size = key_size;
	t->capacity = capacity;
	t->entries = xcalloc(capacity, entry_size);
	t->nbuckets = 1;
	while (t->nbuckets < capacity * 2)
		t->nbuckets *= 2;
	t->heads = xcalloc(t->nbuckets, sizeof(*t->heads));
}

struct link *
table_entry(const struct table *t, uint32_t index)
{
	return (struct link *)(t->entries + (size_t)index * t->entry_size);
}

uint32_t
table_index(const struct table *t, const struct link *e)
{
	return (uint32_t)(((const unsigned char *)e - t->entries) /
	    t->entry_size);
}

void
table_link(struct table *t, struct link *e, uint32_t hash)
{
	uint32_t *head = &t->heads[hash & (t->nbuckets - 1)];

	e->hash = hash;
	e->next = *head;
	*head = table_index(t, e) + 1;
}

void
table_unlink(struct table *t, struct link *e)
{
	uint32_t *p = &t->heads[e->hash & (t->nbuckets - 1)];
	uint32_t index = table_index(t, e) + 1;

	while (*p != index)
		p = &table_entry(t, *p - 1)->next;
	*p = e->next;
}

struct link *
table_find(const struct table *t, const void *key, uint32_t hash)
{
	uint32_t i = t->heads[hash & (t->nbuckets - 1)];
	struct link *e;

	for (; i != 0; i = e->next) {
		e = table_entry(t, i - 1);
		if (e->hash == hash && memcmp((unsigned char *)e +
		    t->key_offset, key, t->key_size) == 0)
			return e;
	}
	return NULL;
}

/* Doubles the buckets, walking the old chains: freed entries are on none. */
static void
table_rehash(struct table *t)
{
	uint32_t *old = t->heads;
	size_t n = t->nbuckets, b;
	uint32_t i, next;

	t->nbuckets *= 2;
	t->heads = xcalloc(t->nbuckets, sizeof(*t->heads));
	for (b = 0; b < n; b++)
		for (i = old[b]; i != 0; i = next) {
			next = table_entry(t, i - 1)->next;
			table_link(t, table_entry(t, i - 1),
			    table_entry(t, i - 1)->hash);
		}
	free(old);
}

/* A new zeroed entry with the key; may move all entries. */
struct link *
table_add(struct table *t, const void *key, uint32_t hash)
{
	struct link *e;

	if (t->free_head != 0) {
		e = table_entry(t, t->free_head - 1);
		t->free_head = e->next;
	} else {
		if (t->used == t->capacity) {
			if (t->capacity >= UINT32_MAX / 2)
				die(EX_OSERR, "out of memory");
			t->entries = xreallocarray(t->entries, t->capacity * 2,
			    t->entry_size);
			t->capacity *= 2;
		}
		e = table_entry(t, (uint32_t)t->used++);
	}
	memset(e, 0, t->entry_size);
	memcpy((unsigned char *)e + t->key_offset, key, t->key_size);
	if (++t->count > t->nbuckets / 2)
		table_rehash(t);
	table_link(t, e, hash);
	return e;
}

void
table_remove(struct table *t, struct link *e)
{
	table_unlink(t, e);
	e->next = t->free_head;
	t->free_head = table_index(t, e) + 1;
	t->count--;
}

void
table_free(struct table *t)
{
	free(t->entries);
	free(t->heads);
}
