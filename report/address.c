/*
 * Addresses and prefixes read, masked, compared and written: see address.h.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../number.h"
#include "address.h"

#define ADDRESS_TEXT_MAX   45     /* characters: INET6_ADDRSTRLEN - 1 */

static const unsigned char v4_mapped[12] =
    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* An IPv4 or IPv6 address in s[0..len), nothing around it. */
bool
address_parse(const char *s, size_t len, unsigned char addr[16])
{
	char text[ADDRESS_TEXT_MAX + 1];
	unsigned char buf[16];

	if (len > ADDRESS_TEXT_MAX)
		return false;
	memcpy(text, s, len);
	text[len] = '\0';
	if (inet_pton(AF_INET, text, buf) == 1) {
		memcpy(addr, v4_mapped, sizeof(v4_mapped));
		memcpy(addr + 12, buf, 4);
		return true;
	}
	if (inet_pton(AF_INET6, text, buf) != 1)
		return false;
	memcpy(addr, buf, 16);
	return true;
}

bool
address_is_v4(const unsigned char addr[16])
{
	return memcmp(addr, v4_mapped, sizeof(v4_mapped)) == 0;
}

/* The bits of p->addr past p->len cleared. */
static void
prefix_mask(struct prefix *p)
{
	unsigned int i;

	for (i = p->len; i < ADDRESS_BITS; i++)
		p->addr[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
}

/*
 * "192.0.2.7", "198.51.100.0/24", "2001:db8::/32": an address is its own
 * prefix, of all its bits.  The bits past the length are cleared, as a
 * routing table would; a length over the family's is wrong.
 */
bool
prefix_parse(const char *s, size_t len, struct prefix *p)
{
	const char *slash = memchr(s, '/', len);
	size_t addr_len = slash != NULL ? (size_t)(slash - s) : len;
	unsigned int family_bits;
	uint64_t bits;

	if (!address_parse(s, addr_len, p->addr))
		return false;
	family_bits = address_is_v4(p->addr) ? ADDRESS_BITS - V4_MAPPED_BITS :
	    ADDRESS_BITS;
	bits = family_bits;
	if (slash != NULL && !number_whole(slash + 1, len - addr_len - 1, 0,
	    family_bits, &bits))
		return false;
	p->len = (unsigned int)bits + ADDRESS_BITS - family_bits;
	prefix_mask(p);
	return true;
}

/* What a client's address is listed as: itself, or its /64. */
void
prefix_of_client(const unsigned char addr[16], struct prefix *p)
{
	memcpy(p->addr, addr, 16);
	p->len = address_is_v4(addr) ? ADDRESS_BITS : LISTED_V6_BITS;
	prefix_mask(p);
}

/* Whether one prefix holds the other: they share an address. */
bool
prefix_overlap(const struct prefix *a, const struct prefix *b)
{
	struct prefix shorter = a->len <= b->len ? *a : *b;
	struct prefix longer = a->len <= b->len ? *b : *a;

	longer.len = shorter.len;
	prefix_mask(&longer);
	return memcmp(longer.addr, shorter.addr, 16) == 0;
}

/* "192.0.2.7" for a whole address, "2001:db8::/64", "198.51.100.0/24". */
void
prefix_format(char *buf, size_t size, const struct prefix *p)
{
	bool v4 = address_is_v4(p->addr);
	size_t n;

	inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? p->addr + 12 : p->addr, buf,
	    (socklen_t)size);
	if (p->len == ADDRESS_BITS)
		return;
	n = strlen(buf);
	snprintf(buf + n, size - n, "/%u", v4 ? p->len - V4_MAPPED_BITS :
	    p->len);
}

/* For qsort(3): IPv4 first (v4-mapped sorts before most IPv6), then in order. */
int
prefix_compare(const void *a, const void *b)
{
	const struct prefix *x = a, *y = b;
	bool x4 = address_is_v4(x->addr), y4 = address_is_v4(y->addr);
	int c;

	if (x4 != y4)
		return x4 ? -1 : 1;
	if ((c = memcmp(x->addr, y->addr, 16)) != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}
