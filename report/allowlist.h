/*
 * --allowlist FILE: addresses and prefixes never listed, whatever the
 * evidence: the admin's own hosts, partners, a provider known to fall back
 * oddly.  One a line ("192.0.2.7", "198.51.100.0/24", "2001:db8::/32"),
 * "#" starts a comment, blank lines are nothing.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef ALLOWLIST_H
#define ALLOWLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "address.h"

struct allowlist {
	struct prefix *v;
	size_t n;
	size_t room;
};

bool allowlist_take_line(struct allowlist *a, const char *line, size_t len);
void allowlist_read(struct allowlist *a, const char *path);
bool allowlist_covers(const struct allowlist *a, const struct prefix *p);
void allowlist_free(struct allowlist *a);

#endif
