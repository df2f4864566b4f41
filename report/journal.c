/*
 * The journal: opened as the options say, walked over the window, each
 * tarpit record handed to the tally.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <string.h>

#include <sysexits.h>

#include "report.h"

/*
 * Sessions still open at the end are held now if their boot is the one the
 * journal was last in at the window's end; otherwise that boot is over, and
 * they are lost, once.
 */
void
journal_settle_open(struct tally *tl, sd_journal *j, uint64_t until)
{
	sd_id128_t boot;
	int r;

	sd_journal_flush_matches(j);
	r = until == NO_END ? sd_journal_seek_tail(j) :
	    sd_journal_seek_realtime_usec(j, until);
	if (r >= 0 && sd_journal_previous(j) > 0 &&
	    sd_journal_get_monotonic_usec(j, NULL, &boot) >= 0 &&
	    tl->boot_seen && sd_id128_equal(boot, tl->boot)) {
		tl->held_now = tl->open.count;
	} else {
		tl->lost += tl->open.count;
		table_clear(&tl->open);
	}
}

void
journal_match_records(sd_journal *j)
{
	if (sd_journal_add_match(j, "MESSAGE_ID=" MESSAGE_ID_CONNECT, 0) < 0 ||
	    sd_journal_add_match(j, "MESSAGE_ID=" MESSAGE_ID_DISCONNECT, 0) < 0)
		die(EX_OSERR, "out of memory");
}

/*
 * Counts the records from the current position to the window's end; returns
 * how many entries it read.
 */
uint64_t
journal_walk(sd_journal *j, const struct options *o, struct tally *tl)
{
	struct record r;
	uint64_t usec, entries = 0;
	int n;

	while ((n = sd_journal_next(j)) > 0) {
		entries++;
		if (sd_journal_get_realtime_usec(j, &usec) < 0) {
			tl->skipped++;
			continue;
		}
		if (usec < o->since_usec)
			continue;
		if (usec >= o->until_usec)
			break;
		if (!record_read(j, &r)) {
			tl->skipped++;
			continue;
		}
		r.usec = usec;
		tally_note_boot(tl, r.boot);
		if (r.disconnect)
			tally_disconnect(tl, &r);
		else
			tally_connect(tl, &r);
	}
	if (n < 0)
		die(EX_IOERR, "cannot read the journal: %s", strerror(-n));
	return entries;
}

void
journal_read(sd_journal *j, const struct options *o, struct tally *tl)
{
	int n;

	journal_match_records(j);
	n = o->since_set ? sd_journal_seek_realtime_usec(j, o->since_usec) :
	    sd_journal_seek_head(j);
	if (n < 0)
		die(EX_IOERR, "cannot seek in the journal: %s", strerror(-n));
	journal_walk(j, o, tl);
	journal_settle_open(tl, j, o->until_usec);
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
		r = sd_journal_open_directory(&j, o->directory, 0);
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
