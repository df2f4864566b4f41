/*
 * Addresses and prefixes as the blocklist keeps them: 16 octets, IPv4
 * v4-mapped (::ffff:a.b.c.d), so one key and one comparison fit both
 * families, and a prefix length counted in those 128 bits (an IPv4 /24 is
 * 120).  What a client's address is listed as is its listing key: the
 * address itself for IPv4, its /64 for IPv6, where one host commonly has a
 * whole /64 to choose from.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef ADDRESS_H
#define ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#define ADDRESS_BITS       128
#define V4_MAPPED_BITS     96     /* the ::ffff:0:0/96 before an IPv4 */
#define LISTED_V6_BITS     64     /* an IPv6 client is listed as its /64 */

struct prefix {
	unsigned char addr[16];   /* the bits past len are zero */
	unsigned int len;         /* 0 to ADDRESS_BITS */
};

bool address_parse(const char *s, size_t len, unsigned char addr[16]);
bool address_is_v4(const unsigned char addr[16]);
bool prefix_parse(const char *s, size_t len, struct prefix *p);
void prefix_of_client(const unsigned char addr[16], struct prefix *p);
bool prefix_overlap(const struct prefix *a, const struct prefix *b);
void prefix_format(char *buf, size_t size, const struct prefix *p);
int prefix_compare(const void *a, const void *b);

#endif
