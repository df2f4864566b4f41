/*
 * tarpit-report's parts, and what they share.  The program reads tarpit(8)'s
 * records from sd-journal (record.c, journal.c), counts them (table.c,
 * tally.c) and prints the count in one of its output formats (text.c,
 * json.c, prometheus.c, addresses.c); main.c reads the options, time.c the
 * times they give.  What a record looks like is ../record.h's, and how a
 * number is read ../number.h's: tarpit includes both too.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sys/types.h>

#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>

#include "../record.h"
#include "trust.h"

#define REPORT_VERSION     "0.1"

#define TOP_COUNT          10     /* addresses and HELO names listed */
#define HELO_COUNTERS      4096   /* HELO names counted at once */
#define FILES_MAX          64     /* --file options */
#define ARGUMENT_SHOWN_MAX 64     /* characters of a bad argument echoed */
#define HOST_NAME_TEXT_MAX 64     /* characters of a _HOSTNAME: Linux's limit */
#define HOSTNAME_FIELD "_HOSTNAME" /* the journal's name of the writing host */

/*
 * Hold times are counted in a histogram fine enough for the median: one
 * bucket per millisecond below 2^14 ms (16.384 s), then 2^13 buckets for
 * each doubling, so a bucket is at most 1/8192 of its value wide.
 */
#define EXACT_MS_BITS      14
#define EXACT_MS           ((uint64_t)1 << EXACT_MS_BITS)
#define SUB_BUCKETS        (EXACT_MS / 2)
#define DURATION_MAX_BITS  40     /* 2^40 ms, 34 years: longer is malformed */
#define DURATION_MAX_MS    (((uint64_t)1 << DURATION_MAX_BITS) - 1)
#define FINE_BUCKETS       (EXACT_MS + \
    (DURATION_MAX_BITS - EXACT_MS_BITS) * SUB_BUCKETS)

#define MS_PER_SEC         UINT64_C(1000)
#define USEC_PER_SEC       UINT64_C(1000000)
#define MS_PER_HOUR        UINT64_C(3600000)
#define NO_END             UINT64_MAX   /* no --until */

/* The coarse hold-time classes of the bars and the Prometheus buckets. */
#define CLASS_BOUNDS       4
#define CLASSES            (CLASS_BOUNDS + 1)
extern const uint64_t class_bounds_ms[CLASS_BOUNDS];
extern const char *const class_labels[CLASSES];

/* The END_REASON values counted, in the order shown; the last is the rest. */
#define REASONS            (END_REASONS + 1)
#define REASON_OTHER       (REASONS - 1)
extern const char *const reason_names[REASONS];

enum output { OUTPUT_TEXT, OUTPUT_JSON, OUTPUT_PROMETHEUS, OUTPUT_ADDRESSES,
    OUTPUT_HTML, OUTPUT_BLOCKLIST };

/* What one interval of the timeline is: --by. */
enum timeline_by { BY_AUTO, BY_HOUR, BY_DAY };

struct options {
	enum output output;
	bool output_set;
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
	const char *postfix_action;   /* --postfix-action */
};

/*
 * A chained hash table of fixed-size entries kept in one array.  Every
 * entry starts with a struct link; its key follows at key_offset.
 */
struct link {
	uint32_t next;            /* entry index + 1 in the chain, 0: end */
	uint32_t hash;
};

struct table {
	unsigned char *entries;
	size_t entry_size;
	size_t key_offset;
	size_t key_size;
	size_t used;              /* entries handed out, freed ones included */
	size_t capacity;          /* entries allocated */
	size_t count;             /* entries in the table */
	uint32_t *heads;          /* per bucket: entry index + 1, 0: empty */
	size_t nbuckets;          /* a power of two */
	uint32_t free_head;       /* entry index + 1 of a freed entry */
};

/* IPv4 addresses are kept v4-mapped, so one key fits both families. */
struct address {
	struct link link;
	unsigned char addr[16];
	uint64_t held_ms;
	uint64_t sessions;
};

/*
 * The HELO names are counted with the space-saving algorithm (Metwally,
 * Agrawal, El Abbadi 2005): a client chooses its HELO, so a bot that sends
 * a new one each time must not make us grow.  While there are no more than
 * HELO_COUNTERS names the counts are exact; past that, a new name replaces
 * the one with the least time and inherits its time as error_ms.
 */
struct helo {
	struct link link;
	char name[CLIENT_TEXT_MAX + 1];  /* NUL-padded: the key */
	uint64_t held_ms;         /* overstated by at most error_ms */
	uint64_t error_ms;
	uint64_t sessions;        /* since the name was last taken in */
	uint32_t heap_pos;
};

/*
 * Where an entry was written: the same stamp is the same entry.  The uploader
 * sends the entry at its saved cursor again each time it starts, so the
 * collector holds that one twice, differing only in its own sequence number.
 */
struct stamp {
	sd_id128_t boot;
	uint64_t monotonic_usec;
	uint64_t realtime_usec;
};

/*
 * One machine (_MACHINE_ID) that wrote records: a journal collected from many
 * hosts interleaves them, so boots, open sessions and re-sent entries are
 * each host's own.  Entries without a machine ID are one host, the zero ID.
 * The figures are its share of the tally's.
 */
struct host {
	struct link link;
	sd_id128_t machine;       /* the key */
	char name[HOST_NAME_TEXT_MAX + 1];  /* its first _HOSTNAME, or "" */
	struct stamp last;        /* its last record's, and what it said: */
	bool last_disconnect;
	uint32_t last_pid;
	uint32_t last_port;
	unsigned char last_addr[16];
	bool seen;                /* boot and last are set */
	bool up;                  /* at the window's end, still in that boot */
	uint64_t sessions;
	uint64_t addresses;       /* distinct */
	uint64_t held_ms;
	uint64_t held_now;
	uint64_t lost;
	uint64_t resent;          /* records that came a second time, skipped */
};

/* An address a host saw, so that each host counts its distinct ones. */
struct host_address {
	struct link link;
	struct {
		uint32_t host;        /* index in the tally's hosts table */
		unsigned char addr[16];
	} key;
};

/* A session is its tarpit process, or its peer if the process is unknown. */
struct session_key {
	sd_id128_t boot;
	uint32_t pid;             /* 0: no _PID */
	uint32_t port;
	unsigned char addr[16];
};

struct open_session {
	struct link link;
	struct session_key key;
	uint32_t host;            /* index in the tally's hosts table */
};

/* Sessions that ended in one interval of time, and their hold time. */
struct interval {
	uint64_t start_usec;      /* included */
	uint64_t end_usec;        /* excluded */
	uint64_t sessions;
	uint64_t held_ms;
};

/* The sessions per hour, from the first hour with one to the last. */
#define TIMELINE_HOURS_MAX (1 << 20)  /* about 119 years */
struct timeline {
	struct interval *hours;   /* counts only; the times are worked out */
	size_t nhours;
	int64_t first;            /* hours[0]: hours since the epoch */
	long phase_sec;           /* where the local hours begin, past UTC's */
};

/* The timeline as it is shown: hours or days, over the window. */
struct intervals {
	struct interval *v;
	size_t n;
	enum timeline_by by;      /* BY_HOUR or BY_DAY */
};

struct tally {
	uint64_t sessions;
	uint64_t held_ms;
	uint64_t pregreet;
	uint64_t unknown_address;
	uint64_t reasons[REASONS];
	uint64_t classes[CLASSES];        /* below each bound */
	uint64_t classes_le[CLASSES - 1]; /* up to and including each bound */
	uint64_t *fine;                   /* FINE_BUCKETS counts */
	uint64_t longest_ms;
	unsigned char longest_addr[16];
	bool longest_addr_known;
	uint64_t skipped;
	uint64_t untrusted;               /* records another program wrote */
	uint64_t held_now;
	uint64_t lost;
	uint64_t resent;
	sd_id128_t boot;                  /* of the last record read */
	bool boot_seen;
	struct table hosts;               /* struct host */
	struct table host_addresses;
	struct table addresses;
	struct table helos;
	uint32_t helo_heap[HELO_COUNTERS];
	struct table open;
	struct timeline timeline;
};

/* One journal entry, as far as the report needs it. */
struct record {
	bool disconnect;
	struct stamp stamp;
	sd_id128_t machine;       /* zero when the entry has no _MACHINE_ID */
	uint32_t pid;
	bool addr_known;          /* false: "unknown" */
	unsigned char addr[16];
	uint32_t port;
	bool has_helo;
	char helo[CLIENT_TEXT_MAX + 1];
	bool pregreet;
	uint64_t duration_ms;
	size_t reason;
	unsigned int fields;      /* SEEN_* bits */
	bool malformed;
	struct writer writer;     /* who journald says wrote it */
};

/* The TOP_COUNT first entries of a table, in the order of a tally. */
struct top {
	const void *entries[TOP_COUNT];
	size_t n;
};

/* util.c */
void die(int status, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
void sanitize_for_terminal(char *dst, size_t dstsize, const char *src,
    size_t len);

/* time.c */
bool time_parse(const char *s, uint64_t now_usec, uint64_t *usec);
bool span_parse(const char *s, size_t len, uint64_t *usec);

/* table.c */
void hash_seed_init(void);
uint32_t hash_bytes(const void *key, size_t len);
void table_init(struct table *t, size_t entry_size, size_t key_offset,
    size_t key_size, size_t capacity);
struct link *table_entry(const struct table *t, uint32_t index);
uint32_t table_index(const struct table *t, const struct link *e);
void table_link(struct table *t, struct link *e, uint32_t hash);
void table_unlink(struct table *t, struct link *e);
struct link *table_find(const struct table *t, const void *key,
    uint32_t hash);
struct link *table_add(struct table *t, const void *key, uint32_t hash);
void table_remove(struct table *t, struct link *e);
void table_free(struct table *t);

/* record.c */
/*
 * RECORD_UNNAMED: whole, but journald could not name its writer, which had
 * exited; a disconnect record counts if a trusted connect record opened its
 * session (same boot, process and peer), else it is ignored.
 */
enum record_kind { RECORD_WHOLE, RECORD_MALFORMED, RECORD_UNTRUSTED,
    RECORD_UNNAMED, RECORD_NONE };
void record_take_field(struct record *r, const char *data, size_t len);
bool record_take_line(struct record *r, const char *line, size_t len);
bool record_complete(const struct record *r);
enum record_kind record_read(sd_journal *j, struct record *r);

/* tally.c */
void tally_init(struct tally *tl);
void tally_free(struct tally *tl);
void tally_connect(struct tally *tl, struct host *h, const struct record *r);
void tally_disconnect(struct tally *tl, struct host *h,
    const struct record *r);
bool tally_session_open(const struct tally *tl, const struct record *r);
void session_key_of(struct session_key *k, const struct record *r);
uint64_t median_ms(const struct tally *tl);
int address_compare(const void *a, const void *b);
void top_addresses(const struct tally *tl, struct top *t);
void top_helos(const struct tally *tl, struct top *t);

/* timeline.c */
void timeline_init(struct timeline *t);
void timeline_free(struct timeline *t);
void timeline_count(struct timeline *t, uint64_t end_usec, uint64_t ms);
void timeline_intervals(const struct timeline *t, const struct options *o,
    struct intervals *out);
void intervals_free(struct intervals *in);
uint64_t intervals_most(const struct intervals *in);
const char *intervals_unit(const struct intervals *in);
/* hosts.c */
void hosts_init(struct tally *tl);
void hosts_free(struct tally *tl);
bool host_name_of_field(char *name, size_t size, const void *data, size_t len);
struct host *host_of(struct tally *tl, sd_journal *j, const struct record *r);
bool host_resent(struct host *h, const struct record *r);
void host_note_boot(struct host *h, const struct record *r);
void host_count_address(struct tally *tl, struct host *h,
    const unsigned char addr[16]);
uint32_t host_index(const struct tally *tl, const struct host *h);
struct host *hosts_sorted(const struct tally *tl);

/* journal.c */
sd_journal *journal_open(const struct options *o);
void journal_match_records(sd_journal *j);
uint64_t journal_walk(sd_journal *j, const struct options *o, struct tally *tl);
void journal_settle_open(struct tally *tl, sd_journal *j, uint64_t until);
void journal_read(sd_journal *j, const struct options *o, struct tally *tl);

/* export.c: --state, the incremental count */
void export_read(sd_journal *j, const struct options *o, struct tally *tl);

/* file.c: files replaced at once, never seen half written */
struct new_file {
	char *path;
	char *temp;               /* NULL once renamed */
	int fd;
};
void new_file_open(struct new_file *f, const char *path, mode_t mode);
void new_file_commit(struct new_file *f);
void output_begin(const char *path, struct new_file *out);
void output_end(const char *path, struct new_file *out);

/* format.c: pieces of text the output formats share */
void address_format(char *buf, size_t size, const unsigned char addr[16]);
void format_duration(char *buf, size_t size, uint64_t ms);
void format_hold(char *buf, size_t size, uint64_t ms);
void format_percent(char *buf, size_t size, uint64_t part, uint64_t whole);
void format_moment(char *buf, size_t size, uint64_t usec);
void format_hours(char *buf, size_t size, uint64_t ms);
void format_interval(char *buf, size_t size, uint64_t start_usec,
    enum timeline_by by);
void print_seconds(uint64_t ms);

/* One file for each output format. */
void text_print(const struct options *o, struct tally *tl);
void json_print(const struct options *o, struct tally *tl);
void json_write_string(FILE *out, const char *s);
void prometheus_print(const struct options *o, struct tally *tl);
void addresses_print(const struct options *o, struct tally *tl);
void html_print(const struct options *o, struct tally *tl);

#endif
