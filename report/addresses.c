/*
 * The --addresses output: every address, one a line, the longest held
 * first.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>

#include "format.h"
#include "options.h"
#include "output.h"
#include "table.h"
#include "tally.h"

/* All addresses, the longest held first: the table is not used after. */
void
addresses_print(const struct options *o, struct tally *tl)
{
	char addr[64];
	size_t i;

	(void)o;
	qsort(tl->addresses.entries, tl->addresses.used,
	    tl->addresses.entry_size, address_compare);
	for (i = 0; i < tl->addresses.used; i++) {
		address_format(addr, sizeof(addr),
		    ((struct address *)table_entry(&tl->addresses,
		    (uint32_t)i))->addr);
		puts(addr);
	}
}
