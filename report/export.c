/*
 * --state FILE: the incremental count behind the live metrics.  FILE keeps
 * the cumulative counters, the sessions still open and the journal cursor
 * of the last entry counted; a run reads only the entries after that cursor
 * and writes FILE anew (replaced at once).  A missing, corrupt or foreign
 * FILE is one full count from the journal's start, never a wrong one:
 *
 *	tarpit-report-state 2
 *	cursor s=...;i=...;b=...;m=...;t=...;x=...   (or -: nothing read yet)
 *	boot <32 hex digits>                          (or -)
 *	totals SESSIONS HELD_MS PREGREET UNKNOWN_ADDRESS SKIPPED LOST LONGEST_MS
 *	       IGNORED
 *	longest <32 hex digits: the address, v4-mapped>   (or -)
 *	reasons N... (one per END_REASON, in reason_names' order)
 *	classes N... (CLASSES)
 *	classes_le N... (CLASS_BOUNDS)
 *	open BOOT PID PORT ADDRESS                    (one line per open session)
 *	checksum <16 hex digits: FNV-1a 64 of every line above>
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sysexits.h>

#include "../number.h"
#include "export.h"
#include "figures.h"
#include "file.h"
#include "journal.h"
#include "options.h"
#include "table.h"
#include "tally.h"
#include "util.h"

/* 2: totals gained IGNORED; a state of 1 is foreign, so one full count. */
#define STATE_HEADER       "tarpit-report-state 2"
#define STATE_TOTALS       8
#define STATE_BYTES_MAX    (64 << 20)  /* 64 MiB: 700,000 open sessions */
#define CURSOR_MAX         1024        /* characters; sd-journal's are ~130 */
#define FNV_OFFSET         UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME          UINT64_C(0x100000001b3)
#define CHECKSUM_DIGITS    16

static uint64_t
fnv1a(const char *s, size_t len)
{
	uint64_t h = FNV_OFFSET;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * FNV_PRIME;
	return h;
}

/* --- reading ------------------------------------------------------------ */

/* The rest of a line, split at each space as it is read. */
struct line {
	const char *p, *end;
};

static bool
line_word(struct line *l, const char **word, size_t *len)
{
	const char *space;

	if (l->p >= l->end)
		return false;
	space = memchr(l->p, ' ', (size_t)(l->end - l->p));
	*word = l->p;
	*len = (size_t)((space != NULL ? space : l->end) - l->p);
	l->p = space != NULL ? space + 1 : l->end;
	return *len > 0;
}

static bool
line_number(struct line *l, uint64_t max, uint64_t *n)
{
	const char *w;
	size_t len;

	return line_word(l, &w, &len) && number_whole(w, len, 0, max, n);
}

static bool
line_numbers(struct line *l, uint64_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!line_number(l, UINT64_MAX, &v[i]))
			return false;
	return l->p == l->end;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* 16 bytes as 32 lowercase hex digits, or "-" for none. */
static bool
line_bytes(struct line *l, unsigned char b[16], bool *set)
{
	const char *w;
	size_t len, i;
	int hi, lo;

	if (!line_word(l, &w, &len))
		return false;
	*set = !(len == 1 && w[0] == '-');
	if (!*set)
		return true;
	if (len != 32)
		return false;
	for (i = 0; i < 16; i++) {
		hi = hex_digit(w[2 * i]);
		lo = hex_digit(w[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

/* The next line, which must begin with key and a space. */
static bool
state_line(const char **p, const char *end, const char *key, struct line *l)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t klen = strlen(key);

	if (nl == NULL || (size_t)(nl - *p) <= klen ||
	    memcmp(*p, key, klen) != 0 || (*p)[klen] != ' ')
		return false;
	l->p = *p + klen + 1;
	l->end = nl;
	*p = nl + 1;
	return true;
}

static bool
state_parse_cursor(const char **p, const char *end, char **cursor)
{
	struct line l;
	size_t len, i;

	if (!state_line(p, end, "cursor", &l))
		return false;
	len = (size_t)(l.end - l.p);
	if (len == 0 || len > CURSOR_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (l.p[i] <= ' ' || l.p[i] > '~')
			return false;
	if (len == 1 && l.p[0] == '-')
		return true;
	*cursor = strndup(l.p, len);
	if (*cursor == NULL)
		die(EX_OSERR, "out of memory");
	return true;
}

static bool
state_parse_totals(const char **p, const char *end, struct tally *tl)
{
	struct totals *t = &tl->totals;
	struct line l;
	uint64_t v[STATE_TOTALS];
	bool set;

	if (!state_line(p, end, "boot", &l) ||
	    !line_bytes(&l, tl->boot.bytes, &tl->boot_seen) || l.p != l.end ||
	    !state_line(p, end, "totals", &l) ||
	    !line_numbers(&l, v, STATE_TOTALS) ||
	    !state_line(p, end, "longest", &l) ||
	    !line_bytes(&l, t->longest_addr, &set) || l.p != l.end)
		return false;
	t->sessions = v[0];
	t->held_ms = v[1];
	t->pregreet = v[2];
	t->unknown_address = v[3];
	t->skipped = v[4];
	t->lost = v[5];
	t->longest_ms = v[6];
	t->ignored = v[7];
	t->longest_addr_known = set;
	return state_line(p, end, "reasons", &l) &&
	    line_numbers(&l, t->reasons, REASONS) &&
	    state_line(p, end, "classes", &l) &&
	    line_numbers(&l, t->classes, CLASSES) &&
	    state_line(p, end, "classes_le", &l) &&
	    line_numbers(&l, t->classes_le, CLASS_BOUNDS);
}

/* What was counted must add up: sessions are in one reason, one class. */
static bool
state_consistent(const struct totals *t)
{
	uint64_t reasons = 0, classes = 0;
	size_t i;

	for (i = 0; i < REASONS; i++)
		reasons += t->reasons[i];
	for (i = 0; i < CLASSES; i++)
		classes += t->classes[i];
	for (i = 1; i < CLASS_BOUNDS; i++)
		if (t->classes_le[i] < t->classes_le[i - 1])
			return false;
	return reasons == t->sessions && classes == t->sessions &&
	    t->classes_le[CLASS_BOUNDS - 1] <= t->sessions &&
	    t->pregreet <= t->sessions &&
	    t->unknown_address <= t->sessions;
}

static bool
state_parse_open(const char **p, const char *end, struct tally *tl)
{
	struct session_key k;
	struct line l;
	uint64_t pid, port;
	bool set;

	while (state_line(p, end, "open", &l)) {
		memset(&k, 0, sizeof(k));
		if (!line_bytes(&l, k.boot.bytes, &set) || !set ||
		    !line_number(&l, UINT32_MAX, &pid) ||
		    !line_number(&l, UINT32_MAX, &port) ||
		    !line_bytes(&l, k.addr, &set) || !set || l.p != l.end)
			return false;
		k.pid = (uint32_t)pid;
		k.port = (uint32_t)port;
		if (table_find(&tl->open, &k, hash_bytes(&k, sizeof(k))) != NULL)
			return false;
		table_add(&tl->open, &k, hash_bytes(&k, sizeof(k)));
	}
	return true;
}

/* The text of a state file, whole and with the right checksum: why not. */
static const char *
state_check(const char *text, size_t len, const char **body_end)
{
	char want[CHECKSUM_DIGITS + 1];
	const char *last;

	if (len < sizeof(STATE_HEADER) || text[len - 1] != '\n' ||
	    memcmp(text, STATE_HEADER "\n", sizeof(STATE_HEADER)) != 0)
		return "not a state file of this version";
	last = memrchr(text, '\n', len - 1);
	if (last == NULL)
		return "no checksum";
	last++;
	snprintf(want, sizeof(want), "%016" PRIx64,
	    fnv1a(text, (size_t)(last - text)));
	if ((size_t)(text + len - last) != sizeof("checksum ") +
	    CHECKSUM_DIGITS || memcmp(last, "checksum ", 9) != 0 ||
	    memcmp(last + 9, want, CHECKSUM_DIGITS) != 0)
		return "its checksum does not match";
	*body_end = last;
	return NULL;
}

static const char *
state_parse(const char *text, size_t len, struct tally *tl, char **cursor)
{
	const char *p = text + sizeof(STATE_HEADER), *end;
	const char *why = state_check(text, len, &end);

	if (why != NULL)
		return why;
	if (!state_parse_cursor(&p, end, cursor) ||
	    !state_parse_totals(&p, end, tl) ||
	    !state_consistent(&tl->totals) ||
	    !state_parse_open(&p, end, tl) || p != end)
		return "a line is malformed";
	return NULL;
}

/* Reads up to STATE_BYTES_MAX; NULL with errno set, or ENOENT if absent. */
static char *
state_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *text;

	if (f == NULL)
		return NULL;
	text = xcalloc(STATE_BYTES_MAX + 1, 1);
	*len = fread(text, 1, STATE_BYTES_MAX + 1, f);
	if (ferror(f) || *len > STATE_BYTES_MAX) {
		errno = ferror(f) ? EIO : EFBIG;
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	return text;
}

/*
 * Loads the state into a fresh tally; false (and the tally fresh) when
 * there is none to trust, which means counting from the start.
 */
static bool
state_load(const char *path, struct tally *tl, char **cursor)
{
	const char *why;
	size_t len = 0;
	char *text = state_slurp(path, &len);

	*cursor = NULL;
	if (text == NULL) {
		if (errno != ENOENT)
			fprintf(stderr, "tarpit-report: cannot read %s: %s;"
			    " counting from the journal's start\n", path,
			    strerror(errno));
		return false;
	}
	why = state_parse(text, len, tl, cursor);
	free(text);
	if (why == NULL)
		return true;
	fprintf(stderr, "tarpit-report: %s: %s; counting from the journal's"
	    " start\n", path, why);
	free(*cursor);
	*cursor = NULL;
	tally_free(tl);
	tally_init(tl);
	return false;
}

/* --- writing ------------------------------------------------------------ */

static void
print_bytes(FILE *f, const unsigned char b[16], bool set)
{
	size_t i;

	if (!set) {
		fputs(" -", f);
		return;
	}
	fputc(' ', f);
	for (i = 0; i < 16; i++)
		fprintf(f, "%02x", b[i]);
}

static void
print_numbers(FILE *f, const char *key, const uint64_t *v, size_t n)
{
	size_t i;

	fputs(key, f);
	for (i = 0; i < n; i++)
		fprintf(f, " %" PRIu64, v[i]);
	fputc('\n', f);
}

static void
state_print(FILE *f, const struct tally *tl, const char *cursor)
{
	const struct totals *t = &tl->totals;
	uint64_t totals[STATE_TOTALS] = { t->sessions, t->held_ms, t->pregreet,
	    t->unknown_address, t->skipped, t->lost, t->longest_ms, t->ignored };
	size_t i;

	fprintf(f, STATE_HEADER "\ncursor %s\nboot", cursor != NULL ? cursor :
	    "-");
	print_bytes(f, tl->boot.bytes, tl->boot_seen);
	print_numbers(f, "\ntotals", totals, STATE_TOTALS);
	fputs("longest", f);
	print_bytes(f, t->longest_addr, t->longest_addr_known);
	print_numbers(f, "\nreasons", t->reasons, REASONS);
	print_numbers(f, "classes", t->classes, CLASSES);
	print_numbers(f, "classes_le", t->classes_le, CLASS_BOUNDS);
	for (i = 0; i < tl->open.used; i++) {
		const struct open_session *s = (const void *)table_entry(
		    &tl->open, (uint32_t)i);

		if (table_find(&tl->open, &s->key, s->link.hash) != &s->link)
			continue;    /* a freed entry */
		fputs("open", f);
		print_bytes(f, s->key.boot.bytes, true);
		fprintf(f, " %" PRIu32 " %" PRIu32, s->key.pid, s->key.port);
		print_bytes(f, s->key.addr, true);
		fputc('\n', f);
	}
}

static void
state_save(const char *path, const struct tally *tl, const char *cursor)
{
	struct new_file nf;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		die(EX_OSERR, "out of memory");
	state_print(f, tl, cursor);
	if (fclose(f) != 0)
		die(EX_OSERR, "out of memory");
	new_file_open(&nf, path, 0600);
	if (dprintf(nf.fd, "%schecksum %016" PRIx64 "\n", text,
	    fnv1a(text, len)) < 0)
		die(EX_IOERR, "cannot write %s: %s", nf.temp, strerror(errno));
	new_file_commit(&nf);
	free(text);
}

/* --- the run ------------------------------------------------------------ */

/*
 * One run at a time: a second one waits, so that a slow run cannot put an
 * older state back after a newer one.
 */
static void
state_lock(const char *path)
{
	char *dir = strdup(path);
	int fd;

	if (dir == NULL)
		die(EX_OSERR, "out of memory");
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		die(EX_CANTCREAT, "cannot lock the directory of %s: %s", path,
		    strerror(errno));
	free(dir);
}

/* After the entry at cursor; false if it does not lead into this journal. */
static bool
journal_seek_after(sd_journal *j, const char *cursor)
{
	if (sd_journal_seek_cursor(j, cursor) < 0)
		return false;
	/* the entry itself, if it is still there, was counted last time */
	if (sd_journal_next(j) > 0 && sd_journal_test_cursor(j, cursor) <= 0)
		sd_journal_previous(j);
	return true;
}

void
export_read(sd_journal *j, const struct options *o, struct tally *tl)
{
	char *cursor = NULL, *now = NULL;
	bool loaded;
	int n;

	state_lock(o->state_path);
	loaded = state_load(o->state_path, tl, &cursor);
	journal_prepare(j, tl);
	if (!loaded || cursor == NULL || !journal_seek_after(j, cursor)) {
		if (cursor != NULL) {
			fprintf(stderr, "tarpit-report: %s: its cursor is not"
			    " in this journal; counting from the start\n",
			    o->state_path);
			tally_free(tl);
			tally_init(tl);
			journal_prepare(j, tl);
		}
		if ((n = sd_journal_seek_head(j)) < 0)
			die(EX_IOERR, "cannot seek in the journal: %s",
			    strerror(-n));
	}
	if (journal_walk(j, o, tl) > 0 && sd_journal_get_cursor(j, &now) < 0)
		die(EX_IOERR, "cannot read the journal's cursor");
	journal_settle_open(tl, j, NO_END);
	state_save(o->state_path, tl, now != NULL ? now : cursor);
	free(now);
	free(cursor);
}
