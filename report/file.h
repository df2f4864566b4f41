/*
 * Files replaced at once, never seen half written: the report with
 * --output and the state with --state.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef REPORT_FILE_H
#define REPORT_FILE_H

#include <sys/types.h>

struct new_file {
	char *path;
	char *temp;               /* NULL once renamed */
	int fd;
};

void new_file_open(struct new_file *f, const char *path, mode_t mode);
void new_file_commit(struct new_file *f);
void output_begin(const char *path, struct new_file *out);
void output_end(const char *path, struct new_file *out);

#endif
