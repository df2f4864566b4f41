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

#include "figures.h"
#include "format.h"
#include "options.h"
#include "output.h"

void
addresses_print(const struct options *o, const struct figures *f)
{
	char addr[64];
	size_t i;

	(void)o;
	for (i = 0; i < f->nevery_address; i++) {
		address_format(addr, sizeof(addr), f->every_address[i]);
		puts(addr);
	}
}
