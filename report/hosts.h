/*
 * The hosts: which machine (_MACHINE_ID) wrote each record, so that a
 * collector's journal, where several hosts' records interleave, gives each
 * host the figures its own journal would, and an entry an uploader sent
 * twice counts once.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef REPORT_HOSTS_H
#define REPORT_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>

#include "figures.h"
#include "record.h"
#include "table.h"

#define HOST_NAME_TEXT_MAX 64     /* characters of a _HOSTNAME: Linux's limit */
#define HOSTNAME_FIELD "_HOSTNAME" /* the journal's name of the writing host */

struct tally;

/*
 * One machine that wrote records.  Entries without a machine ID are one
 * host, the zero ID.  Its totals are its share of the tally's.
 */
struct host {
	struct link link;
	sd_id128_t machine;       /* the key */
	char name[HOST_NAME_TEXT_MAX + 1];  /* its first _HOSTNAME, or "" */
	struct stamp last;        /* its last record's, and what it said: */
	bool last_disconnect;
	uint32_t last_pid;
	uint32_t last_port;
	unsigned char last_addr[16];
	bool seen;                /* boot and last are set */
	bool up;                  /* at the window's end, still in that boot */
	struct host_totals totals;
};

void hosts_init(struct tally *tl);
void hosts_free(struct tally *tl);
bool host_name_of_field(char *name, size_t size, const void *data, size_t len);
struct host *host_of(struct tally *tl, sd_journal *j, const struct record *r);
bool host_resent(struct host *h, const struct record *r);
void host_note_boot(struct host *h, const struct record *r);
void host_count_address(struct tally *tl, struct host *h,
    const unsigned char addr[16]);
uint32_t host_index(const struct tally *tl, const struct host *h);

#endif
