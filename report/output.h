/*
 * The output formats, one file each, all printing to standard output: text.c
 * a table for a person, json.c one JSON document, html.c one self-contained
 * page, prometheus.c the text format for node_exporter, addresses.c every
 * address.  Each reads the figures, never the tally.  A new format is a
 * file, a line here and a line in main.c.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef REPORT_OUTPUT_H
#define REPORT_OUTPUT_H

#include <stdio.h>

struct figures;
struct options;

void text_print(const struct options *o, const struct figures *f);
void json_print(const struct options *o, const struct figures *f);
void json_write_string(FILE *out, const char *s);
void prometheus_print(const struct options *o, const struct figures *f);
void addresses_print(const struct options *o, const struct figures *f);
void html_print(const struct options *o, const struct figures *f);

#endif
