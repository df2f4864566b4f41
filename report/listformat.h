/*
 * --blocklist FORMAT: the list written for its consumer.  Each format is
 * what that consumer reads as it is, with no step between: a Postfix cidr:
 * table (check_client_access or postscreen_access_list), rbldnsd's
 * combined zone file, an nft script, or plain prefixes.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef LISTFORMAT_H
#define LISTFORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "evidence.h"

enum blocklist_format { BLOCKLIST_PLAIN, BLOCKLIST_POSTFIX,
    BLOCKLIST_POSTSCREEN, BLOCKLIST_RBLDNSD, BLOCKLIST_NFT, BLOCKLIST_FORMATS };
extern const char *const blocklist_format_names[BLOCKLIST_FORMATS];
#define BLOCKLIST_FORMAT_LIST "plain, postfix, postscreen, rbldnsd or nft"

/* The default action of the postfix table: a wrong listing only delays. */
#define POSTFIX_ACTION_DEFAULT "450 4.7.1 Listed by the tar pit; try again later"
#define POSTFIX_ACTION_MAX 200    /* characters of --postfix-action */

/* Entries ignored because another program wrote them, by whom they claim. */
enum claimed { CLAIMED_TARPIT, CLAIMED_PROBE, CLAIMED_POSTFIX, CLAIMS };

struct listing {
	const struct listed *v;   /* in prefix_compare's order */
	size_t n;
	uint64_t now;
	uint64_t ignored[CLAIMS];
	const char *postfix_action;
};

void listing_print(enum blocklist_format format, const struct listing *l);

#endif
