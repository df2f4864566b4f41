/*
 * The blocklist's formats: see listformat.h and tarpit-report(1), where
 * each has an example.  Every line written is an address or a prefix that
 * inet_ntop(3) wrote, or text of our own: nothing a client sent.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <inttypes.h>
#include <stdio.h>

#include "format.h"
#include "listformat.h"

#define PREFIX_TEXT_MAX    64     /* INET6_ADDRSTRLEN and "/64" */
/* rbldnsd: a minute's TTL for a list that changes every minute. */
#define ZONE_TTL           60
#define ZONE_ANSWER        "127.0.0.2"
#define ZONE_TEXT          "Listed by the tar pit; try again later"
#define NFT_TABLE          "inet tarpit_blocklist"
#define NFT_CHAIN_PRIORITY (-1)   /* before the filter chains of priority 0 */
#define SMTP_PORT          25

const char *const blocklist_format_names[BLOCKLIST_FORMATS] = {
	[BLOCKLIST_PLAIN] = "plain",
	[BLOCKLIST_POSTFIX] = "postfix",
	[BLOCKLIST_POSTSCREEN] = "postscreen",
	[BLOCKLIST_RBLDNSD] = "rbldnsd",
	[BLOCKLIST_NFT] = "nft",
};

/* The first line, a comment: what this is, and what was ignored. */
static void
print_header(enum blocklist_format format, const struct listing *l)
{
	char moment[64];

	format_moment(moment, sizeof(moment), l->now);
	printf("# tarpit-report --blocklist %s: %zu listed at %s; ignored, as"
	    " not written by their programs: %" PRIu64 " tarpit records, %"
	    PRIu64 " probe records, %" PRIu64 " Postfix lines\n",
	    blocklist_format_names[format], l->n, moment,
	    l->ignored[CLAIMED_TARPIT], l->ignored[CLAIMED_PROBE],
	    l->ignored[CLAIMED_POSTFIX]);
}

/* Each prefix of one family, with what follows it on its line. */
static void
print_prefixes(const struct listing *l, bool v4, const char *before,
    const char *after)
{
	char text[PREFIX_TEXT_MAX];
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (address_is_v4(l->v[i].prefix.addr) != v4)
			continue;
		prefix_format(text, sizeof(text), &l->v[i].prefix);
		printf("%s%s%s\n", before, text, after);
	}
}

static void
print_cidr(const struct listing *l, const char *action)
{
	char after[POSTFIX_ACTION_MAX + 2];

	snprintf(after, sizeof(after), "\t%s", action);
	print_prefixes(l, true, "", after);
	print_prefixes(l, false, "", after);
}

/*
 * One combined zone: both datasets answer at the zone's apex, whatever name
 * rbldnsd's command line gives it.  SOA and NS are needed for answers a
 * resolver caches; their names are placeholders for a zone served locally.
 * Serial 0 is rbldnsd's "the file's time".
 */
static void
print_rbldnsd(const struct listing *l)
{
	printf("$SOA %d localhost. hostmaster.localhost. 0 %d %d %d %d\n"
	    "$NS %d localhost.\n", ZONE_TTL, ZONE_TTL, ZONE_TTL, 3600,
	    ZONE_TTL, ZONE_TTL);
	printf("$DATASET ip4set @\n$TTL %d\n:" ZONE_ANSWER ":" ZONE_TEXT "\n",
	    ZONE_TTL);
	print_prefixes(l, true, "", "");
	printf("$DATASET ip6trie @\n$TTL %d\n:" ZONE_ANSWER ":" ZONE_TEXT "\n",
	    ZONE_TTL);
	print_prefixes(l, false, "", "");
}

/* Seconds left of a listing, rounded up, at least one. */
static uint64_t
seconds_left(const struct listed *x, uint64_t now)
{
	uint64_t usec = x->until > now ? x->until - now : 0;

	return usec <= USEC_PER_SEC ? 1 :
	    (usec + USEC_PER_SEC - 1) / USEC_PER_SEC;
}

/* "add element ... { A timeout Ns, B timeout Ns }", if there is any. */
static void
print_nft_elements(const struct listing *l, bool v4)
{
	char text[PREFIX_TEXT_MAX];
	bool first = true;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (address_is_v4(l->v[i].prefix.addr) != v4)
			continue;
		prefix_format(text, sizeof(text), &l->v[i].prefix);
		if (first)
			printf("add element " NFT_TABLE " %s {\n", v4 ? "ipv4" :
			    "ipv6");
		else
			printf(",\n");
		printf("\t%s timeout %" PRIu64 "s", text,
		    seconds_left(&l->v[i], l->now));
		first = false;
	}
	if (!first)
		printf("\n}\n");
}

/*
 * One transaction that nft -f applies as a whole, again and again: the
 * table, its sets and its chain declared (made if missing), then emptied
 * and filled anew, so the rules are never doubled and an element no longer
 * listed is gone.
 */
static void
print_nft(const struct listing *l)
{
	printf("table " NFT_TABLE " {\n"
	    "\tset ipv4 {\n\t\ttype ipv4_addr\n\t\tflags interval, timeout\n\t}\n"
	    "\tset ipv6 {\n\t\ttype ipv6_addr\n\t\tflags interval, timeout\n\t}\n"
	    "\tchain input {\n\t\ttype filter hook input priority %d;"
	    " policy accept;\n\t}\n}\n"
	    "flush chain " NFT_TABLE " input\n"
	    "flush set " NFT_TABLE " ipv4\n"
	    "flush set " NFT_TABLE " ipv6\n"
	    "add rule " NFT_TABLE " input tcp dport %d ip saddr @ipv4 drop\n"
	    "add rule " NFT_TABLE " input tcp dport %d ip6 saddr @ipv6 drop\n",
	    NFT_CHAIN_PRIORITY, SMTP_PORT, SMTP_PORT);
	print_nft_elements(l, true);
	print_nft_elements(l, false);
}

void
listing_print(enum blocklist_format format, const struct listing *l)
{
	if (format != BLOCKLIST_PLAIN)
		print_header(format, l);
	switch (format) {
	case BLOCKLIST_PLAIN:
		print_prefixes(l, true, "", "");
		print_prefixes(l, false, "", "");
		break;
	case BLOCKLIST_POSTFIX:
		print_cidr(l, l->postfix_action);
		break;
	case BLOCKLIST_POSTSCREEN:
		print_cidr(l, "reject");
		break;
	case BLOCKLIST_RBLDNSD:
		print_rbldnsd(l);
		break;
	case BLOCKLIST_NFT:
		print_nft(l);
		break;
	case BLOCKLIST_FORMATS:
		break;
	}
}
