/*
 * The hosts: which machine wrote each record, so that a collector's journal,
 * where several hosts' records interleave, gives each host the figures its
 * own journal would: its boots, its open sessions, its lost ones, and each
 * entry counted once though the uploader sent it twice.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <string.h>

#include "hosts.h"
#include "record.h"
#include "table.h"
#include "tally.h"
#include "util.h"

#define HOSTS_START          16     /* hosts room is made for at first */
#define HOST_ADDRESSES_START 1024   /* (host, address) pairs, likewise */

/* An address a host saw, so that each host counts its distinct ones. */
struct host_address {
	struct link link;
	struct {
		uint32_t host;        /* index in the tally's hosts table */
		unsigned char addr[16];
	} key;
};

void
hosts_init(struct tally *tl)
{
	table_init(&tl->hosts, sizeof(struct host),
	    offsetof(struct host, machine), sizeof(sd_id128_t), HOSTS_START);
	table_init(&tl->host_addresses, sizeof(struct host_address),
	    offsetof(struct host_address, key),
	    sizeof(((struct host_address *)NULL)->key), HOST_ADDRESSES_START);
}

void
hosts_free(struct tally *tl)
{
	table_free(&tl->hosts);
	table_free(&tl->host_addresses);
}

uint32_t
host_index(const struct tally *tl, const struct host *h)
{
	return table_index(&tl->hosts, &h->link);
}

/* The name in a "_HOSTNAME=name" field, made safe to print; false if none. */
bool
host_name_of_field(char *name, size_t size, const void *data, size_t len)
{
	static const char field[] = HOSTNAME_FIELD "=";

	if (len <= sizeof(field) - 1)
		return false;
	sanitize_for_terminal(name, size, (const char *)data + sizeof(field) - 1,
	    len - (sizeof(field) - 1));
	return true;
}

/* The name the host's entries give themselves. */
static void
host_name_read(struct host *h, sd_journal *j)
{
	const void *data;
	size_t len;

	if (sd_journal_get_data(j, HOSTNAME_FIELD, &data, &len) >= 0)
		(void)host_name_of_field(h->name, sizeof(h->name), data, len);
}

/* The host of the record at the journal's current entry, new or known. */
struct host *
host_of(struct tally *tl, sd_journal *j, const struct record *r)
{
	uint32_t hash = hash_bytes(&r->machine, sizeof(r->machine));
	struct host *h;

	h = (struct host *)table_find(&tl->hosts, &r->machine, hash);
	if (h == NULL) {
		h = (struct host *)table_add(&tl->hosts, &r->machine, hash);
		host_name_read(h, j);
	}
	return h;
}

/*
 * The uploader sends again only the entry at its saved cursor, the last it
 * sent before it stopped; the collector writes each host's entries in the
 * order they come, so in that host's records the copy follows the first
 * right away.  Comparing with the host's last record finds every copy, with
 * one record's worth per host.  The stamp alone could be two records logged
 * within one microsecond; with the process, the event and the peer it is one.
 */
bool
host_resent(struct host *h, const struct record *r)
{
	const struct stamp *a = &h->last, *b = &r->stamp;

	if (!h->seen || !sd_id128_equal(a->boot, b->boot) ||
	    a->monotonic_usec != b->monotonic_usec ||
	    a->realtime_usec != b->realtime_usec ||
	    h->last_disconnect != r->disconnect || h->last_pid != r->pid ||
	    h->last_port != r->port ||
	    memcmp(h->last_addr, r->addr, sizeof(r->addr)) != 0)
		return false;
	h->totals.resent++;
	return true;
}

/*
 * The host's boot is that of its last record (last.boot): its sessions of an
 * earlier boot still open at the end never ended in the log
 * (journal_settle_open).
 */
void
host_note_boot(struct host *h, const struct record *r)
{
	h->last = r->stamp;
	h->last_disconnect = r->disconnect;
	h->last_pid = r->pid;
	h->last_port = r->port;
	memcpy(h->last_addr, r->addr, sizeof(r->addr));
	h->seen = true;
}

void
host_count_address(struct tally *tl, struct host *h,
    const unsigned char addr[16])
{
	struct host_address k;
	uint32_t hash;

	memset(&k, 0, sizeof(k));
	k.key.host = host_index(tl, h);
	memcpy(k.key.addr, addr, sizeof(k.key.addr));
	hash = hash_bytes(&k.key, sizeof(k.key));
	if (table_find(&tl->host_addresses, &k.key, hash) != NULL)
		return;
	table_add(&tl->host_addresses, &k.key, hash);
	h->totals.addresses++;
}
