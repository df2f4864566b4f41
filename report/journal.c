/*
 * The journal: opened as the options say, walked over the window, each
 * tarpit record handed to the tally; and what the other readers of entries
 * (blocklist.c) share: an entry's fields, and what journald said of its
 * writer.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sysexits.h>

#include "../number.h"
#include "hosts.h"
#include "journal.h"
#include "options.h"
#include "record.h"
#include "table.h"
#include "tally.h"
#include "util.h"

/*
 * Whether the host was still in the same boot at the window's end: its last
 * entry of any kind before then, tarpit's or not, is of the boot of its last
 * record.  Entries without a machine ID are the journal's own host.
 */
static bool
host_still_up(sd_journal *j, const struct host *h, uint64_t until)
{
	char match[sizeof("_MACHINE_ID=") + SD_ID128_STRING_MAX];
	char machine[SD_ID128_STRING_MAX];
	sd_id128_t boot;
	int r;

	sd_journal_flush_matches(j);
	if (!sd_id128_is_null(h->machine)) {
		/* not SD_ID128_TO_STRING: its {} is a GNU extension to C11 */
		snprintf(match, sizeof(match), "_MACHINE_ID=%s",
		    sd_id128_to_string(h->machine, machine));
		if (sd_journal_add_match(j, match, 0) < 0)
			die(EX_OSERR, "out of memory");
	}
	r = until == NO_END ? sd_journal_seek_tail(j) :
	    sd_journal_seek_realtime_usec(j, until);
	return r >= 0 && sd_journal_previous(j) > 0 &&
	    sd_journal_get_monotonic_usec(j, NULL, &boot) >= 0 &&
	    h->seen && sd_id128_equal(boot, h->last.boot);
}

/*
 * A session still open at the end is held now if its host was still in its
 * boot then; otherwise that boot is over, and it is lost, once.  A session
 * of no host seen in this run (one a --state brought) goes by the journal's
 * last entry, as in a journal of one host.
 */
void
journal_settle_open(struct tally *tl, sd_journal *j, uint64_t until)
{
	struct host journal_host, *h;
	const struct host *judge;
	struct open_session *s;
	size_t i;

	memset(&journal_host, 0, sizeof(journal_host));
	journal_host.last.boot = tl->boot;
	journal_host.seen = tl->boot_seen;
	journal_host.up = host_still_up(j, &journal_host, until);
	for (i = 0; i < tl->hosts.count; i++) {
		h = (struct host *)table_entry(&tl->hosts, (uint32_t)i);
		h->up = host_still_up(j, h, until);
	}
	for (i = 0; i < tl->open.used; i++) {
		s = (struct open_session *)table_entry(&tl->open, (uint32_t)i);
		/* a freed entry is not in its chain any more */
		if (table_find(&tl->open, &s->key, s->link.hash) != &s->link)
			continue;
		h = s->host < tl->hosts.count ? (struct host *)table_entry(
		    &tl->hosts, s->host) : NULL;
		judge = h != NULL ? h : &journal_host;
		if (judge->up && sd_id128_equal(s->key.boot, judge->last.boot)) {
			tl->totals.held_now++;
			if (h != NULL)
				h->totals.held_now++;
			continue;
		}
		tl->totals.lost++;
		if (h != NULL)
			h->totals.lost++;
		table_remove(&tl->open, &s->link);
	}
}

#define HOSTS_NAMED_MAX 8   /* host names a wrong --host lists */

/* A --host the journal does not know is a mistake, not an empty report. */
static void
journal_check_host(sd_journal *j, const char *host)
{
	char known[HOSTS_NAMED_MAX * (HOST_NAME_TEXT_MAX + 2) + 4] = "";
	char name[HOST_NAME_TEXT_MAX + 1];
	const void *data;
	size_t len, n = 0;

	if (sd_journal_query_unique(j, HOSTNAME_FIELD) < 0)
		die(EX_OSERR, "out of memory");
	SD_JOURNAL_FOREACH_UNIQUE(j, data, len) {
		if (!host_name_of_field(name, sizeof(name), data, len))
			continue;
		if (strcmp(name, host) == 0)
			return;
		if (n++ < HOSTS_NAMED_MAX)
			snprintf(known + strlen(known), sizeof(known) -
			    strlen(known), "%s%s", n > 1 ? ", " : "", name);
	}
	die(EX_USAGE, "--host: no host '%s' in the journal; its hosts: %s%s",
	    host, n == 0 ? "none" : known, n > HOSTS_NAMED_MAX ? ", ..." : "");
}

/* --host: only the records of that _HOSTNAME. */
static void
journal_match_host(sd_journal *j, const char *host)
{
	char match[sizeof(HOSTNAME_FIELD "=") + HOST_NAME_TEXT_MAX];

	journal_check_host(j, host);
	snprintf(match, sizeof(match), HOSTNAME_FIELD "=%s", host);
	if (sd_journal_add_match(j, match, 0) < 0)
		die(EX_OSERR, "out of memory");
}

/* One record: to its host, once, after the host's boot is seen to. */
static void
journal_take(struct tally *tl, sd_journal *j, const struct record *r)
{
	struct host *h = host_of(tl, j, r);

	if (host_resent(h, r)) {
		tl->totals.resent++;
		return;
	}
	host_note_boot(h, r);
	tl->boot = r->stamp.boot;
	tl->boot_seen = true;
	if (r->disconnect)
		tally_disconnect(tl, h, r);
	else
		tally_connect(tl, h, r);
}

/*
 * Every entry of tarpit's: its records carry a MESSAGE_ID, except those that
 * came through syslog when the journal refused them, which only their
 * identifier finds.  Entries of other programs with tarpit's identifier or
 * message ids are read too, to be counted as ignored.  A later match (--host)
 * is a conjunction with these.
 */
static void
journal_match_records(sd_journal *j)
{
	if (sd_journal_add_match(j, "SYSLOG_IDENTIFIER=" RECORD_IDENTIFIER, 0) < 0 ||
	    sd_journal_add_disjunction(j) < 0 ||
	    sd_journal_add_match(j, "MESSAGE_ID=" MESSAGE_ID_CONNECT, 0) < 0 ||
	    sd_journal_add_match(j, "MESSAGE_ID=" MESSAGE_ID_DISCONNECT, 0) < 0 ||
	    sd_journal_add_conjunction(j) < 0)
		die(EX_OSERR, "out of memory");
}

/* The value of the current entry's field NAME; false if it has none. */
bool
field_get(sd_journal *j, const char *name, const char **value, size_t *len)
{
	const void *data;
	size_t n, prefix = strlen(name) + 1;

	if (sd_journal_get_data(j, name, &data, &n) < 0 || n < prefix)
		return false;
	*value = (const char *)data + prefix;
	*len = n - prefix;
	return true;
}

bool
field_is(sd_journal *j, const char *name, const char *s)
{
	const char *value;
	size_t len;

	return field_get(j, name, &value, &len) && strlen(s) == len &&
	    memcmp(value, s, len) == 0;
}

/* What journald says of the writer of the current entry. */
void
writer_read(sd_journal *j, struct writer *w, enum writer_kind kind,
    const char *daemon)
{
	const char *value;
	size_t len;

	memset(w, 0, sizeof(*w));
	if (field_get(j, COMM_FIELD, &value, &len))
		writer_take_comm(w, kind, daemon, value, len);
	if (field_get(j, UNIT_FIELD, &value, &len))
		writer_take_unit(w, kind, value, len);
}

sd_id128_t
machine_read(sd_journal *j)
{
	char text[SD_ID128_STRING_MAX];
	sd_id128_t machine = SD_ID128_NULL;
	const char *value;
	size_t len;

	if (field_get(j, "_MACHINE_ID", &value, &len) &&
	    len == SD_ID128_STRING_MAX - 1) {
		memcpy(text, value, len);
		text[len] = '\0';
		if (sd_id128_from_string(text, &machine) < 0)
			machine = SD_ID128_NULL;
	}
	return machine;
}

/* The current entry's _UID; false if it has none that reads. */
bool
uid_read(sd_journal *j, uint32_t *uid)
{
	const char *value;
	uint64_t n;
	size_t len;

	if (!field_get(j, UID_FIELD, &value, &len) ||
	    !number_whole(value, len, 0, UINT32_MAX, &n))
		return false;
	*uid = (uint32_t)n;
	return true;
}

#define BOOT_MATCH_SIZE (sizeof("_BOOT_ID=") + SD_ID128_STRING_MAX)

/*
 * Notes in T, for each boot in the journal, the user of the first entry of
 * IDENTIFIER's that journald named KIND's program's (COMM), wherever it is:
 * an unnamed entry counts when it is of that user (trust.h), and in a flood
 * journald may name none of a boot's first records, or none of those a
 * refresh reads.  One indexed lookup a boot.
 */
void
journal_seed_uids(sd_journal *j, struct table *t, enum writer_kind kind,
    const char *identifier, const char *comm)
{
	char match[64];
	char (*boots)[BOOT_MATCH_SIZE] = NULL;
	const void *data;
	struct writer w;
	size_t len, n = 0, room = 0, i;
	uint32_t uid;
	sd_id128_t boot;

	if (sd_journal_query_unique(j, "_BOOT_ID") < 0)
		return;
	SD_JOURNAL_FOREACH_UNIQUE(j, data, len) {
		if (len >= BOOT_MATCH_SIZE)
			continue;
		if (n == room)
			boots = xreallocarray(boots, room = room * 2 + 16,
			    sizeof(*boots));
		memcpy(boots[n], data, len);
		boots[n++][len] = '\0';
	}
	for (i = 0; i < n; i++) {
		sd_journal_flush_matches(j);
		if (sd_journal_add_match(j, boots[i], 0) < 0 ||
		    snprintf(match, sizeof(match), "SYSLOG_IDENTIFIER=%s",
		    identifier) < 0 || sd_journal_add_match(j, match, 0) < 0 ||
		    snprintf(match, sizeof(match), "%s=%s", COMM_FIELD,
		    comm) < 0 || sd_journal_add_match(j, match, 0) < 0)
			die(EX_OSERR, "out of memory");
		sd_journal_seek_head(j);
		while (sd_journal_next(j) > 0) {
			writer_read(j, &w, kind, comm);
			if (!writer_trusted(&w) || !uid_read(j, &uid) ||
			    sd_journal_get_monotonic_usec(j, NULL, &boot) < 0)
				continue;
			writer_uid_note(t, machine_read(j), boot, uid);
			break;
		}
	}
	free(boots);
	sd_journal_flush_matches(j);
}

/*
 * Before a walk: tarpit's users noted from the whole journal, then the
 * matches of its records; a seek must follow.
 */
void
journal_prepare(sd_journal *j, struct tally *tl)
{
	journal_seed_uids(j, &tl->tarpit_uids, WRITER_TARPIT,
	    RECORD_IDENTIFIER, RECORD_COMM);
	journal_match_records(j);
}

/*
 * Counts the records from the current position to the window's end; returns
 * how many entries it read.
 */
uint64_t
journal_walk(sd_journal *j, const struct options *o, struct tally *tl)
{
	enum record_kind kind;
	struct record r;
	uint64_t usec, entries = 0;
	int n;

	while ((n = sd_journal_next(j)) > 0) {
		entries++;
		if (sd_journal_get_realtime_usec(j, &usec) < 0) {
			tl->totals.skipped++;
			continue;
		}
		if (usec < o->since_usec)
			continue;
		if (usec >= o->until_usec)
			break;
		switch (kind = record_read(j, &r)) {
		case RECORD_WHOLE:
		case RECORD_UNNAMED:
			if (tally_vouched(tl, &r, kind == RECORD_WHOLE))
				journal_take(tl, j, &r);
			else
				tl->totals.ignored++;
			break;
		case RECORD_MALFORMED:
			tl->totals.skipped++;
			break;
		case RECORD_UNTRUSTED:
			tl->totals.ignored++;
			break;
		case RECORD_NONE:
			break;
		}
	}
	if (n < 0)
		die(EX_IOERR, "cannot read the journal: %s", strerror(-n));
	return entries;
}

void
journal_read(sd_journal *j, const struct options *o, struct tally *tl)
{
	int n;

	journal_prepare(j, tl);
	if (o->host != NULL)
		journal_match_host(j, o->host);
	n = o->since_set ? sd_journal_seek_realtime_usec(j, o->since_usec) :
	    sd_journal_seek_head(j);
	if (n < 0)
		die(EX_IOERR, "cannot seek in the journal: %s", strerror(-n));
	journal_walk(j, o, tl);
	journal_settle_open(tl, j, o->until_usec);
}

/* Paths of journal files, NULL-terminated for sd_journal_open_files(). */
struct files {
	char **paths;
	size_t n;
	size_t room;
};

/* A journal file, or one journald set aside as damaged (".journal~"). */
static bool
journal_file_name(const char *name)
{
	size_t len = strlen(name);

	return (len > 8 && strcmp(name + len - 8, ".journal") == 0) ||
	    (len > 9 && strcmp(name + len - 9, ".journal~") == 0);
}

static char *
path_join(const char *dir, const char *name)
{
	size_t size = strlen(dir) + 1 + strlen(name) + 1;
	char *path = xcalloc(size, 1);

	snprintf(path, size, "%s/%s", dir, name);
	return path;
}

static void
files_add(struct files *f, char *path)
{
	if (f->n + 1 >= f->room) {
		f->room = f->room == 0 ? 16 : f->room * 2;
		f->paths = xreallocarray(f->paths, f->room, sizeof(*f->paths));
	}
	f->paths[f->n++] = path;
	f->paths[f->n] = NULL;
}

/*
 * The journal files in dir and, with descend, in each directory in it: a
 * host keeps its journal in DIR/<machine-id>/, a collector the files it
 * receives in DIR/remote/, and sd_journal_open_directory() looks only at
 * the former.
 */
static void
files_in(struct files *f, const char *dir, bool descend)
{
	struct dirent *e;
	char *path;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		if (descend)
			die(EX_NOINPUT, "cannot open the journal in %s: %s",
			    dir, strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		path = path_join(dir, e->d_name);
		if (journal_file_name(e->d_name)) {
			files_add(f, path);
			continue;
		}
		if (descend && (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN))
			files_in(f, path, false);
		free(path);
	}
	closedir(d);
}

static int
journal_open_tree(sd_journal **j, const char *dir)
{
	struct files f = { NULL, 0, 0 };
	size_t i;
	int r;

	files_in(&f, dir, true);
	if (f.n == 0)
		die(EX_NOINPUT, "no journal files could be read in %s", dir);
	r = sd_journal_open_files(j, (const char **)f.paths, 0);
	for (i = 0; i < f.n; i++)
		free(f.paths[i]);
	free(f.paths);
	return r;
}

/*
 * sd-journal opens whatever it can read and says nothing of the rest; no
 * file at all means no journal, or no right to read it.
 */
sd_journal *
journal_open(const struct options *o)
{
	sd_journal *j;
	uint64_t bytes = 0;
	int r;

	if (o->nfiles > 0)
		r = sd_journal_open_files(&j, (const char **)o->files, 0);
	else if (o->directory != NULL)
		r = journal_open_tree(&j, o->directory);
	else
		r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
	if (r < 0)
		die(EX_NOINPUT, "cannot open the journal%s%s: %s",
		    o->directory != NULL ? " in " : "",
		    o->directory != NULL ? o->directory : "", strerror(-r));
	if (sd_journal_get_usage(j, &bytes) < 0 || bytes == 0)
		die(EX_NOINPUT, "no journal files could be read%s%s%s",
		    o->directory != NULL ? " in " : "",
		    o->directory != NULL ? o->directory : "",
		    o->directory == NULL && o->nfiles == 0 ?
		    " (root, or the systemd-journal or adm group, may read them)" :
		    "");
	return j;
}
