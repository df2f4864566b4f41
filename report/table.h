/*
 * A chained hash table of fixed-size entries kept in one array, and the
 * keyed hash it is used with: the tally's addresses, HELO names, open
 * sessions and hosts are each one.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef REPORT_TABLE_H
#define REPORT_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* Every entry starts with a struct link; its key follows at key_offset. */
struct link {
	uint32_t next;            /* entry index + 1 in the chain, 0: end */
	uint32_t hash;
};

struct table {
	unsigned char *entries;
	size_t entry_size;
	size_t key_offset;
	size_t key_size;
	size_t used;              /* entries handed out, freed ones included */
	size_t capacity;          /* entries allocated */
	size_t count;             /* entries in the table */
	uint32_t *heads;          /* per bucket: entry index + 1, 0: empty */
	size_t nbuckets;          /* a power of two */
	uint32_t free_head;       /* entry index + 1 of a freed entry */
};

void hash_seed_init(void);
uint32_t hash_bytes(const void *key, size_t len);
void table_init(struct table *t, size_t entry_size, size_t key_offset,
    size_t key_size, size_t capacity);
struct link *table_entry(const struct table *t, uint32_t index);
uint32_t table_index(const struct table *t, const struct link *e);
void table_link(struct table *t, struct link *e, uint32_t hash);
void table_unlink(struct table *t, struct link *e);
struct link *table_find(const struct table *t, const void *key,
    uint32_t hash);
struct link *table_add(struct table *t, const void *key, uint32_t hash);
void table_remove(struct table *t, struct link *e);
void table_free(struct table *t);

#endif
