/*
 * What the command line asked for: main.c reads it (options_parse), and
 * each part reads what concerns it: the window, the journal, the output.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef REPORT_OPTIONS_H
#define REPORT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timeline.h"

#define REPORT_VERSION     "0.1"

#define FILES_MAX          64     /* --file options */
#define NO_END             UINT64_MAX   /* no --until */

enum output { OUTPUT_TEXT, OUTPUT_JSON, OUTPUT_PROMETHEUS, OUTPUT_ADDRESSES,
    OUTPUT_HTML, OUTPUT_BLOCKLIST };

struct options {
	enum output output;
	uint64_t since_usec;      /* included */
	uint64_t until_usec;      /* excluded, or NO_END */
	bool since_set;
	const char *directory;
	const char *files[FILES_MAX + 1];
	size_t nfiles;
	enum timeline_by by;
	const char *output_path;  /* --output, or NULL: standard output */
	const char *state_path;   /* --state, or NULL */
	const char *host;         /* --host: only this _HOSTNAME, or NULL */
	int blocklist;            /* --blocklist: enum blocklist_format */
	const char *allowlist_path;   /* --allowlist, or NULL */
	uint64_t expire_usec;     /* --expire */
	bool expire_set;
	const char *postfix_action;   /* --postfix-action, or NULL */
};

#endif
