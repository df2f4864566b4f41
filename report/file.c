/*
 * Files replaced at once: written under a temporary name in the same
 * directory and renamed over the old one, so that a reader (node_exporter,
 * a web server, the next run) sees the old file or the new one, whole.
 * node_exporter reads only *.prom: the temporary name ends otherwise.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sysexits.h>

#include "file.h"
#include "util.h"

#define TEMP_SUFFIX        ".new-XXXXXX"

/* The temporary files not yet renamed, removed if the program dies. */
#define PENDING_MAX        2
static char *pending[PENDING_MAX];

static void
pending_remove(void)
{
	size_t i;

	for (i = 0; i < PENDING_MAX; i++)
		if (pending[i] != NULL)
			unlink(pending[i]);
}

static void
pending_set(const char *old, char *temp)
{
	static bool registered;
	size_t i;

	if (!registered && atexit(pending_remove) == 0)
		registered = true;
	for (i = 0; i < PENDING_MAX; i++)
		if (pending[i] == old) {
			pending[i] = temp;
			return;
		}
}

void
new_file_open(struct new_file *f, const char *path, mode_t mode)
{
	size_t len = strlen(path);

	f->path = xcalloc(len + 1, 1);
	memcpy(f->path, path, len);
	f->temp = xcalloc(len + sizeof(TEMP_SUFFIX), 1);
	memcpy(f->temp, path, len);
	memcpy(f->temp + len, TEMP_SUFFIX, sizeof(TEMP_SUFFIX));
	f->fd = mkstemp(f->temp);
	if (f->fd < 0)
		die(EX_CANTCREAT, "cannot create a file beside %s: %s", path,
		    strerror(errno));
	pending_set(NULL, f->temp);
	/* mkstemp makes it 0600; a reader of the old file may read the new */
	if (fchmod(f->fd, mode) < 0)
		die(EX_IOERR, "cannot set the mode of %s: %s", f->temp,
		    strerror(errno));
}

/* The data on disk before the name, and the new name on disk too. */
void
new_file_commit(struct new_file *f)
{
	char *dir;
	int dirfd;

	if (fsync(f->fd) < 0 || close(f->fd) < 0)
		die(EX_IOERR, "cannot write %s: %s", f->temp, strerror(errno));
	if (rename(f->temp, f->path) < 0)
		die(EX_IOERR, "cannot rename %s to %s: %s", f->temp, f->path,
		    strerror(errno));
	pending_set(f->temp, NULL);
	dir = dirname(f->temp);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd >= 0) {
		fsync(dirfd);
		close(dirfd);
	}
	free(f->temp);
	free(f->path);
	f->temp = f->path = NULL;
	f->fd = -1;
}

/* Standard output to path's new file, when there is a path. */
void
output_begin(const char *path, struct new_file *out)
{
	if (path == NULL)
		return;
	new_file_open(out, path, 0644);
	if (dup2(out->fd, STDOUT_FILENO) < 0)
		die(EX_OSERR, "cannot write to %s: %s", out->temp,
		    strerror(errno));
}

/* All of it written, then the new file in the old one's place. */
void
output_end(const char *path, struct new_file *out)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EX_IOERR, "cannot write the report: %s", strerror(errno));
	if (path != NULL)
		new_file_commit(out);
}
