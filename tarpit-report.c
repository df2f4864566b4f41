/*
 * tarpit-report: what the tar pit caught, read back from the journal.
 *
 * It reads the connect and disconnect records tarpit(8) writes, one entry
 * at a time through sd-journal, and reports how many sessions there were,
 * how long they were held, and the worst addresses and HELO names.  Memory
 * grows with the distinct addresses and the sessions still open, never with
 * the number of records.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#define _GNU_SOURCE

#include <sys/random.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>

#define REPORT_VERSION     "0.1"

#define TOP_COUNT          10     /* addresses and HELO names listed */
#define HELO_COUNTERS      4096   /* HELO names counted at once */
#define HELO_MAX           255    /* characters kept, as tarpit keeps */
#define FILES_MAX          64     /* --file options */
#define BAR_WIDTH          40     /* characters in the longest bar */
#define ADDRESS_TEXT_MAX   45     /* characters: INET6_ADDRSTRLEN - 1 */
#define REASON_TEXT_MAX    31     /* characters of an END_REASON value */
#define ARGUMENT_SHOWN_MAX 64     /* characters of a bad argument echoed */

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
#define SPAN_UNITS_MAX     1000000      /* the largest number in "-2d" */
#define NO_END             UINT64_MAX   /* no --until */

#define EXIT_USAGE         64     /* sysexits.h EX_USAGE */
#define EXIT_NO_JOURNAL    66     /* EX_NOINPUT: cannot open the journal */
#define EXIT_NO_MEMORY     71     /* EX_OSERR */
#define EXIT_IO            74     /* EX_IOERR: reading or writing failed */

#define MESSAGE_ID_CONNECT    "a9120284fb034671b2b06079d4197106"
#define MESSAGE_ID_DISCONNECT "50f4aa8125f54e07bf8c384d39624205"

/* The coarse hold-time classes of the bars and the Prometheus buckets. */
static const uint64_t class_bounds_ms[] = { 10000, 60000, 600000, 3600000 };
static const char *const class_labels[] = {
	"< 10 s", "< 1 min", "< 10 min", "< 1 h", ">= 1 h",
};
#define CLASSES (sizeof(class_bounds_ms) / sizeof(*class_bounds_ms) + 1)

static const char *const reason_names[] = {
	"peer-closed", "write-error", "max-time", "helo-timeout", "quit",
	"signal", "other",
};
#define REASONS (sizeof(reason_names) / sizeof(*reason_names))
#define REASON_OTHER (REASONS - 1)

enum output { OUTPUT_TABLE, OUTPUT_JSON, OUTPUT_PROMETHEUS, OUTPUT_ADDRESSES };

struct options {
	enum output output;
	bool output_set;
	uint64_t since_usec;      /* included */
	uint64_t until_usec;      /* excluded, or NO_END */
	bool since_set;
	const char *directory;
	const char *files[FILES_MAX + 1];
	size_t nfiles;
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
	char name[HELO_MAX + 1];  /* NUL-padded: the key */
	uint64_t held_ms;         /* overstated by at most error_ms */
	uint64_t error_ms;
	uint64_t sessions;        /* since the name was last taken in */
	uint32_t heap_pos;
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
};

struct report {
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
	uint64_t held_now;
	uint64_t lost;
	sd_id128_t boot;                  /* of the last record read */
	bool boot_seen;
	struct table addresses;
	struct table helos;
	uint32_t helo_heap[HELO_COUNTERS];
	struct table open;
};

/* One journal entry, as far as the report needs it. */
struct record {
	bool disconnect;
	sd_id128_t boot;
	uint32_t pid;
	bool addr_known;          /* false: "unknown" */
	unsigned char addr[16];
	uint32_t port;
	bool has_helo;
	char helo[HELO_MAX + 1];
	bool pregreet;
	uint64_t duration_ms;
	size_t reason;
	unsigned int fields;      /* FIELD_* bits seen */
	bool malformed;
};

enum field { FIELD_MESSAGE_ID, FIELD_PID, FIELD_ADDR, FIELD_PORT, FIELD_HELO,
    FIELD_PREGREET, FIELD_DURATION, FIELD_REASON, FIELDS };

#define BIT(f) (1u << (f))
#define CONNECT_FIELDS (BIT(FIELD_MESSAGE_ID) | BIT(FIELD_ADDR) | \
    BIT(FIELD_PORT))
#define CONNECT_KEY_FIELDS (CONNECT_FIELDS | BIT(FIELD_PID))
#define DISCONNECT_FIELDS (CONNECT_FIELDS | BIT(FIELD_PREGREET) | \
    BIT(FIELD_DURATION) | BIT(FIELD_REASON))

static uint64_t hash_seed;

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("tarpit-report: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL)
		die(EXIT_NO_MEMORY, "out of memory");
	return p;
}

static void *
xreallocarray(void *p, size_t n, size_t size)
{
	p = reallocarray(p, n, size);
	if (p == NULL)
		die(EXIT_NO_MEMORY, "out of memory");
	return p;
}

/* Journal text for a terminal: printable ASCII, bounded. */
static void
sanitize(char *dst, size_t dstsize, const char *src, size_t len)
{
	size_t i;

	if (len > dstsize - 1)
		len = dstsize - 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = (c < 0x20 || c > 0x7e) ? '?' : (char)c;
	}
	dst[len] = '\0';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The one number parser: a decimal with at most `decimals` digits after the
 * point, scaled by 10^decimals ("1.5" with 3 is 1500), from 0 to max.  It
 * reads a prefix of s[0..len) and returns its length, 0 for no number.
 */
static size_t
number_parse(const char *s, size_t len, int decimals, uint64_t max,
    uint64_t *value)
{
	uint64_t v = 0, unit = 1;
	size_t i = 0, point;
	int d;

	for (d = 0; d < decimals; d++)
		unit *= 10;
	if (len == 0 || !is_digit(s[0]))
		return 0;
	for (; i < len && is_digit(s[i]); i++) {
		if (v > (max / unit) / 10 ||
		    v * 10 + (uint64_t)(s[i] - '0') > max / unit)
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	v *= unit;
	if (decimals > 0 && i < len && s[i] == '.') {
		for (point = ++i; i < len && is_digit(s[i]); i++) {
			if (unit == 1)
				return 0;
			unit /= 10;
			v += (uint64_t)(s[i] - '0') * unit;
		}
		if (i == point || v > max)
			return 0;
	}
	*value = v;
	return i;
}

static bool
number_whole(const char *s, size_t len, int decimals, uint64_t max,
    uint64_t *value)
{
	return len > 0 && number_parse(s, len, decimals, max, value) == len;
}

/* Keyed, so that chosen HELO names cannot all land in one chain. */
static uint32_t
hash_bytes(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = hash_seed ^ 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return (uint32_t)(h ^ (h >> 31));
}

static void
hash_seed_init(void)
{
	if (getrandom(&hash_seed, sizeof(hash_seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(hash_seed))
		hash_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
}

static void
table_init(struct table *t, size_t entry_size, size_t key_offset,
    size_t key_size, size_t capacity)
{
	memset(t, 0, sizeof(*t));
	t->entry_size = entry_size;
	t->key_offset = key_offset;
	t->key_size = key_size;
	t->capacity = capacity;
	t->entries = xcalloc(capacity, entry_size);
	t->nbuckets = 1;
	while (t->nbuckets < capacity * 2)
		t->nbuckets *= 2;
	t->heads = xcalloc(t->nbuckets, sizeof(*t->heads));
}

static struct link *
table_entry(const struct table *t, uint32_t index)
{
	return (struct link *)(t->entries + (size_t)index * t->entry_size);
}

static uint32_t
table_index(const struct table *t, const struct link *e)
{
	return (uint32_t)(((const unsigned char *)e - t->entries) /
	    t->entry_size);
}

static void
table_link(struct table *t, struct link *e, uint32_t hash)
{
	uint32_t *head = &t->heads[hash & (t->nbuckets - 1)];

	e->hash = hash;
	e->next = *head;
	*head = table_index(t, e) + 1;
}

static void
table_unlink(struct table *t, struct link *e)
{
	uint32_t *p = &t->heads[e->hash & (t->nbuckets - 1)];
	uint32_t index = table_index(t, e) + 1;

	while (*p != index)
		p = &table_entry(t, *p - 1)->next;
	*p = e->next;
}

static struct link *
table_find(const struct table *t, const void *key, uint32_t hash)
{
	uint32_t i = t->heads[hash & (t->nbuckets - 1)];
	struct link *e;

	for (; i != 0; i = e->next) {
		e = table_entry(t, i - 1);
		if (e->hash == hash && memcmp((unsigned char *)e +
		    t->key_offset, key, t->key_size) == 0)
			return e;
	}
	return NULL;
}

/* Doubles the buckets, walking the old chains: freed entries are on none. */
static void
table_rehash(struct table *t)
{
	uint32_t *old = t->heads;
	size_t n = t->nbuckets, b;
	uint32_t i, next;

	t->nbuckets *= 2;
	t->heads = xcalloc(t->nbuckets, sizeof(*t->heads));
	for (b = 0; b < n; b++)
		for (i = old[b]; i != 0; i = next) {
			next = table_entry(t, i - 1)->next;
			table_link(t, table_entry(t, i - 1),
			    table_entry(t, i - 1)->hash);
		}
	free(old);
}

/* A new zeroed entry with the key; may move all entries. */
static struct link *
table_add(struct table *t, const void *key, uint32_t hash)
{
	struct link *e;

	if (t->free_head != 0) {
		e = table_entry(t, t->free_head - 1);
		t->free_head = e->next;
	} else {
		if (t->used == t->capacity) {
			if (t->capacity >= UINT32_MAX / 2)
				die(EXIT_NO_MEMORY, "out of memory");
			t->entries = xreallocarray(t->entries, t->capacity * 2,
			    t->entry_size);
			t->capacity *= 2;
		}
		e = table_entry(t, (uint32_t)t->used++);
	}
	memset(e, 0, t->entry_size);
	memcpy((unsigned char *)e + t->key_offset, key, t->key_size);
	if (++t->count > t->nbuckets / 2)
		table_rehash(t);
	table_link(t, e, hash);
	return e;
}

static void
table_remove(struct table *t, struct link *e)
{
	table_unlink(t, e);
	e->next = t->free_head;
	t->free_head = table_index(t, e) + 1;
	t->count--;
}

static void
table_clear(struct table *t)
{
	memset(t->heads, 0, t->nbuckets * sizeof(*t->heads));
	t->used = 0;
	t->count = 0;
	t->free_head = 0;
}

static void
address_set(unsigned char addr[16], int family, const void *src)
{
	static const unsigned char v4_mapped[12] =
	    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (family == AF_INET) {
		memcpy(addr, v4_mapped, sizeof(v4_mapped));
		memcpy(addr + 12, src, 4);
	} else {
		memcpy(addr, src, 16);
	}
}

static void
address_format(char *buf, size_t size, const unsigned char addr[16])
{
	const struct in6_addr *a6 = (const void *)addr;

	if (IN6_IS_ADDR_V4MAPPED(a6))
		inet_ntop(AF_INET, addr + 12, buf, (socklen_t)size);
	else
		inet_ntop(AF_INET6, addr, buf, (socklen_t)size);
}

/* An address as tarpit writes it, or "unknown"; anything else is wrong. */
static bool
record_set_address(struct record *r, const char *value, size_t len)
{
	char text[ADDRESS_TEXT_MAX + 1];
	unsigned char buf[16];

	if (len > ADDRESS_TEXT_MAX)
		return false;
	memcpy(text, value, len);
	text[len] = '\0';
	if (strcmp(text, "unknown") == 0)
		return true;
	if (inet_pton(AF_INET, text, buf) == 1)
		address_set(r->addr, AF_INET, buf);
	else if (inet_pton(AF_INET6, text, buf) == 1)
		address_set(r->addr, AF_INET6, buf);
	else
		return false;
	r->addr_known = true;
	return true;
}

static bool
record_set_reason(struct record *r, const char *value, size_t len)
{
	size_t i;

	if (len == 0 || len > REASON_TEXT_MAX)
		return false;
	r->reason = REASON_OTHER;
	for (i = 0; i < REASON_OTHER; i++)
		if (strlen(reason_names[i]) == len &&
		    memcmp(reason_names[i], value, len) == 0)
			r->reason = i;
	return true;
}

static bool
record_set_message_id(struct record *r, const char *value, size_t len)
{
	if (len != strlen(MESSAGE_ID_DISCONNECT))
		return false;
	if (memcmp(value, MESSAGE_ID_DISCONNECT, len) == 0)
		r->disconnect = true;
	else if (memcmp(value, MESSAGE_ID_CONNECT, len) != 0)
		return false;
	return true;
}

static bool
record_set_pid(struct record *r, const char *value, size_t len)
{
	uint64_t n;

	if (!number_whole(value, len, 0, INT32_MAX, &n) || n == 0)
		return false;
	r->pid = (uint32_t)n;
	return true;
}

static bool
record_set_port(struct record *r, const char *value, size_t len)
{
	uint64_t n;

	if (!number_whole(value, len, 0, 65535, &n))
		return false;
	r->port = (uint32_t)n;
	return true;
}

static bool
record_set_helo(struct record *r, const char *value, size_t len)
{
	sanitize(r->helo, sizeof(r->helo), value, len);
	r->has_helo = true;
	return true;
}

static bool
record_set_pregreet(struct record *r, const char *value, size_t len)
{
	uint64_t n;

	if (!number_whole(value, len, 0, 1, &n))
		return false;
	r->pregreet = n == 1;
	return true;
}

static bool
record_set_duration(struct record *r, const char *value, size_t len)
{
	return number_whole(value, len, 3, DURATION_MAX_MS, &r->duration_ms);
}

/* The fields the report reads, in enum field order, and their parsers. */
static const struct {
	const char *name;
	bool (*set)(struct record *, const char *, size_t);
} fields[FIELDS] = {
	{ "MESSAGE_ID",   record_set_message_id },
	{ "_PID",         record_set_pid },
	{ "REMOTE_ADDR",  record_set_address },
	{ "REMOTE_PORT",  record_set_port },
	{ "HELO",         record_set_helo },
	{ "PREGREET",     record_set_pregreet },
	{ "DURATION_SEC", record_set_duration },
	{ "END_REASON",   record_set_reason },
};

static void
record_take_field(struct record *r, const char *data, size_t len)
{
	const char *eq = memchr(data, '=', len);
	size_t name_len;
	int f;

	if (eq == NULL)
		return;
	name_len = (size_t)(eq - data);
	for (f = 0; f < FIELDS; f++) {
		if (strlen(fields[f].name) != name_len ||
		    memcmp(fields[f].name, data, name_len) != 0)
			continue;
		/* A field given twice counts once, as sd_journal_get_data. */
		if ((r->fields & BIT(f)) == 0 && !fields[f].set(r, eq + 1,
		    len - name_len - 1))
			r->malformed = true;
		r->fields |= BIT(f);
		return;
	}
}

/*
 * Reads the current entry; false unless it is a whole tarpit record.  One
 * pass over its fields costs less than a sd_journal_get_data() lookup for
 * each field the report needs, and a connect record is left as soon as its
 * session key is known.
 */
static bool
record_read(sd_journal *j, struct record *r)
{
	const void *data;
	unsigned int want;
	size_t len;
	int n;

	memset(r, 0, sizeof(*r));
	if (sd_journal_get_monotonic_usec(j, NULL, &r->boot) < 0)
		return false;
	sd_journal_restart_data(j);
	while ((n = sd_journal_enumerate_available_data(j, &data, &len)) > 0) {
		record_take_field(r, data, len);
		if (!r->disconnect && (r->fields & CONNECT_KEY_FIELDS) ==
		    CONNECT_KEY_FIELDS)
			break;
	}
	want = r->disconnect ? DISCONNECT_FIELDS : CONNECT_FIELDS;
	return n >= 0 && !r->malformed && (r->fields & want) == want;
}

static void
session_key_of(struct session_key *k, const struct record *r)
{
	memset(k, 0, sizeof(*k));
	k->boot = r->boot;
	k->pid = r->pid;
	if (r->pid == 0) {
		k->port = r->port;
		memcpy(k->addr, r->addr, sizeof(k->addr));
	}
}

static size_t
fine_bucket(uint64_t ms)
{
	int top;
	unsigned int shift;

	if (ms < EXACT_MS)
		return (size_t)ms;
	top = 63 - __builtin_clzll(ms);
	shift = (unsigned int)top - (EXACT_MS_BITS - 1);
	return (size_t)(EXACT_MS + (uint64_t)(top - EXACT_MS_BITS) *
	    SUB_BUCKETS + ((ms >> shift) - SUB_BUCKETS));
}

/* The least duration that falls in the bucket. */
static uint64_t
fine_bucket_floor(size_t bucket)
{
	uint64_t k, shift;

	if (bucket < EXACT_MS)
		return bucket;
	k = bucket - EXACT_MS;
	shift = k / SUB_BUCKETS + 1;
	return (k % SUB_BUCKETS + SUB_BUCKETS) << shift;
}

static void
helo_heap_swap(struct report *rp, uint32_t a, uint32_t b)
{
	uint32_t t = rp->helo_heap[a];

	rp->helo_heap[a] = rp->helo_heap[b];
	rp->helo_heap[b] = t;
	((struct helo *)table_entry(&rp->helos, rp->helo_heap[a]))->heap_pos = a;
	((struct helo *)table_entry(&rp->helos, rp->helo_heap[b]))->heap_pos = b;
}

static uint64_t
helo_heap_held(const struct report *rp, uint32_t pos)
{
	return ((struct helo *)table_entry(&rp->helos,
	    rp->helo_heap[pos]))->held_ms;
}

/* Restores the min-heap after the entry at pos grew or was added. */
static void
helo_heap_fix(struct report *rp, uint32_t pos)
{
	uint32_t n = (uint32_t)rp->helos.count, parent, child;

	for (; pos > 0; pos = parent) {
		parent = (pos - 1) / 2;
		if (helo_heap_held(rp, parent) <= helo_heap_held(rp, pos))
			break;
		helo_heap_swap(rp, pos, parent);
	}
	for (; (child = 2 * pos + 1) < n; pos = child) {
		if (child + 1 < n && helo_heap_held(rp, child + 1) <
		    helo_heap_held(rp, child))
			child++;
		if (helo_heap_held(rp, pos) <= helo_heap_held(rp, child))
			break;
		helo_heap_swap(rp, pos, child);
	}
}

/* The name is NUL-padded to HELO_MAX + 1, as the key is compared whole. */
static void
helo_count(struct report *rp, const char key[HELO_MAX + 1], uint64_t ms)
{
	uint32_t hash = hash_bytes(key, strlen(key));
	struct helo *h;

	h = (struct helo *)table_find(&rp->helos, key, hash);
	if (h != NULL) {
		h->sessions++;
	} else if (rp->helos.count < HELO_COUNTERS) {
		h = (struct helo *)table_add(&rp->helos, key, hash);
		h->heap_pos = (uint32_t)rp->helos.count - 1;
		rp->helo_heap[h->heap_pos] = table_index(&rp->helos, &h->link);
		h->sessions = 1;
	} else {
		h = (struct helo *)table_entry(&rp->helos, rp->helo_heap[0]);
		table_unlink(&rp->helos, &h->link);
		memcpy(h->name, key, sizeof(h->name));
		table_link(&rp->helos, &h->link, hash);
		h->error_ms = h->held_ms;
		h->sessions = 1;
	}
	h->held_ms += ms;
	helo_heap_fix(rp, h->heap_pos);
}

static void
address_count(struct report *rp, const unsigned char addr[16], uint64_t ms)
{
	uint32_t hash = hash_bytes(addr, 16);
	struct address *a;

	a = (struct address *)table_find(&rp->addresses, addr, hash);
	if (a == NULL)
		a = (struct address *)table_add(&rp->addresses, addr, hash);
	a->sessions++;
	a->held_ms += ms;
}

static void
report_init(struct report *rp)
{
	memset(rp, 0, sizeof(*rp));
	rp->fine = xcalloc(FINE_BUCKETS, sizeof(*rp->fine));
	table_init(&rp->addresses, sizeof(struct address),
	    offsetof(struct address, addr), 16, 1024);
	table_init(&rp->helos, sizeof(struct helo), offsetof(struct helo, name),
	    HELO_MAX + 1, HELO_COUNTERS);
	table_init(&rp->open, sizeof(struct open_session),
	    offsetof(struct open_session, key), sizeof(struct session_key), 64);
}

static void
table_free(struct table *t)
{
	free(t->entries);
	free(t->heads);
}

/* Everything is freed, so that a leak checker sees only real leaks. */
static void
report_free(struct report *rp)
{
	free(rp->fine);
	table_free(&rp->addresses);
	table_free(&rp->helos);
	table_free(&rp->open);
}

/*
 * Sessions of an earlier boot that are still open never ended in the log:
 * the machine went down under them.
 */
static void
report_note_boot(struct report *rp, sd_id128_t boot)
{
	if (rp->boot_seen && sd_id128_equal(rp->boot, boot))
		return;
	rp->lost += rp->open.count;
	table_clear(&rp->open);
	rp->boot = boot;
	rp->boot_seen = true;
}

/* A second connect from the same process: the first never said goodbye. */
static void
report_add_connect(struct report *rp, const struct record *r)
{
	struct session_key k;
	uint32_t hash;

	session_key_of(&k, r);
	hash = hash_bytes(&k, sizeof(k));
	if (table_find(&rp->open, &k, hash) != NULL)
		rp->lost++;
	else
		table_add(&rp->open, &k, hash);
}

static void
report_add_disconnect(struct report *rp, const struct record *r)
{
	uint64_t ms = r->duration_ms;
	struct session_key k;
	struct link *e;
	size_t c;

	session_key_of(&k, r);
	e = table_find(&rp->open, &k, hash_bytes(&k, sizeof(k)));
	if (e != NULL)
		table_remove(&rp->open, e);
	rp->sessions++;
	rp->held_ms += ms;
	rp->pregreet += r->pregreet;
	rp->reasons[r->reason]++;
	rp->fine[fine_bucket(ms)]++;
	for (c = 0; c < CLASSES - 1 && ms >= class_bounds_ms[c]; c++)
		;
	rp->classes[c]++;
	for (c = 0; c < CLASSES - 1; c++)
		rp->classes_le[c] += ms <= class_bounds_ms[c];
	if (ms > rp->longest_ms || rp->sessions == 1) {
		rp->longest_ms = ms;
		rp->longest_addr_known = r->addr_known;
		memcpy(rp->longest_addr, r->addr, sizeof(r->addr));
	}
	if (r->addr_known)
		address_count(rp, r->addr, ms);
	else
		rp->unknown_address++;
	if (r->has_helo)
		helo_count(rp, r->helo, ms);
}

/*
 * Sessions still open at the end are held now if their boot is the one the
 * journal was last in at the window's end; otherwise that boot is over.
 */
static void
report_finish_open(struct report *rp, sd_journal *j, uint64_t until)
{
	sd_id128_t boot;
	int r;

	sd_journal_flush_matches(j);
	r = until == NO_END ? sd_journal_seek_tail(j) :
	    sd_journal_seek_realtime_usec(j, until);
	if (r >= 0 && sd_journal_previous(j) > 0 &&
	    sd_journal_get_monotonic_usec(j, NULL, &boot) >= 0 &&
	    rp->boot_seen && sd_id128_equal(boot, rp->boot))
		rp->held_now = rp->open.count;
	else
		rp->lost += rp->open.count;
}

static void
journal_read(sd_journal *j, const struct options *o, struct report *rp)
{
	struct record r;
	uint64_t usec;
	int n;

	if (sd_journal_add_match(j, "MESSAGE_ID=" MESSAGE_ID_CONNECT, 0) < 0 ||
	    sd_journal_add_match(j, "MESSAGE_ID=" MESSAGE_ID_DISCONNECT, 0) < 0)
		die(EXIT_NO_MEMORY, "out of memory");
	n = o->since_set ? sd_journal_seek_realtime_usec(j, o->since_usec) :
	    sd_journal_seek_head(j);
	if (n < 0)
		die(EXIT_IO, "cannot seek in the journal: %s", strerror(-n));
	while ((n = sd_journal_next(j)) > 0) {
		if (sd_journal_get_realtime_usec(j, &usec) < 0) {
			rp->skipped++;
			continue;
		}
		if (usec < o->since_usec)
			continue;
		if (usec >= o->until_usec)
			break;
		if (!record_read(j, &r)) {
			rp->skipped++;
			continue;
		}
		report_note_boot(rp, r.boot);
		if (r.disconnect)
			report_add_disconnect(rp, &r);
		else
			report_add_connect(rp, &r);
	}
	if (n < 0)
		die(EXIT_IO, "cannot read the journal: %s", strerror(-n));
	report_finish_open(rp, j, o->until_usec);
}

/* The duration of the session at this rank, counting from 1. */
static uint64_t
fine_rank(const struct report *rp, uint64_t rank)
{
	uint64_t seen = 0;
	size_t b;

	for (b = 0; b < FINE_BUCKETS; b++) {
		seen += rp->fine[b];
		if (seen >= rank)
			return fine_bucket_floor(b);
	}
	return 0;
}

/* The mean of the two middle sessions, or the middle one. */
static uint64_t
median_ms(const struct report *rp)
{
	uint64_t n = rp->sessions;

	return (fine_rank(rp, (n + 1) / 2) + fine_rank(rp, n / 2 + 1)) / 2;
}

static int
address_compare(const void *a, const void *b)
{
	const struct address *x = a, *y = b;

	if (x->held_ms != y->held_ms)
		return x->held_ms > y->held_ms ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

static int
helo_compare(const void *a, const void *b)
{
	const struct helo *x = a, *y = b;

	if (x->held_ms != y->held_ms)
		return x->held_ms > y->held_ms ? -1 : 1;
	return strcmp(x->name, y->name);
}

struct top {
	const void *entries[TOP_COUNT];
	size_t n;
};

/* Keeps the TOP_COUNT first in the order of cmp. */
static void
top_offer(struct top *t, const void *e, int (*cmp)(const void *,
    const void *))
{
	size_t i;

	if (t->n == TOP_COUNT && cmp(e, t->entries[TOP_COUNT - 1]) >= 0)
		return;
	if (t->n < TOP_COUNT)
		t->n++;
	for (i = t->n - 1; i > 0 && cmp(e, t->entries[i - 1]) < 0; i--)
		t->entries[i] = t->entries[i - 1];
	t->entries[i] = e;
}

static void
top_addresses(const struct report *rp, struct top *t)
{
	size_t i;

	t->n = 0;
	for (i = 0; i < rp->addresses.used; i++)
		top_offer(t, table_entry(&rp->addresses, (uint32_t)i),
		    address_compare);
}

static void
top_helos(const struct report *rp, struct top *t)
{
	size_t i;

	t->n = 0;
	for (i = 0; i < rp->helos.count; i++)
		top_offer(t, table_entry(&rp->helos, rp->helo_heap[i]),
		    helo_compare);
}

/* "12.345 s", "12m 03s", "3h 02m 05s", "2d 03h 02m": exact below a minute. */
static void
format_duration(char *buf, size_t size, uint64_t ms)
{
	uint64_t s = ms / MS_PER_SEC;

	if (s < 60)
		snprintf(buf, size, "%" PRIu64 ".%03" PRIu64 " s", s,
		    ms % MS_PER_SEC);
	else if (s < 3600)
		snprintf(buf, size, "%" PRIu64 "m %02" PRIu64 "s", s / 60,
		    s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%" PRIu64 "h %02" PRIu64 "m %02" PRIu64
		    "s", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, size, "%" PRIu64 "d %02" PRIu64 "h %02" PRIu64
		    "m", s / 86400, s / 3600 % 24, s / 60 % 60);
}

/* Exact seconds, and in a person's units past a minute. */
static void
format_hold(char *buf, size_t size, uint64_t ms)
{
	char human[32];

	format_duration(human, sizeof(human), ms);
	if (ms < 60 * MS_PER_SEC)
		snprintf(buf, size, "%s", human);
	else
		snprintf(buf, size, "%" PRIu64 ".%03" PRIu64 " s (%s)",
		    ms / MS_PER_SEC, ms % MS_PER_SEC, human);
}

/* Tenths of a percent, rounded: "20.0%". */
static void
format_percent(char *buf, size_t size, uint64_t part, uint64_t whole)
{
	uint64_t tenths = whole == 0 ? 0 : (part * 1000 + whole / 2) / whole;

	snprintf(buf, size, "%" PRIu64 ".%" PRIu64 "%%", tenths / 10,
	    tenths % 10);
}

static void
format_moment(char *buf, size_t size, uint64_t usec)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
		snprintf(buf, size, "@%" PRIu64, usec / USEC_PER_SEC);
}

static void
table_print_totals(const struct options *o, const struct report *rp)
{
	char from[64], to[64], median[64], longest[64], share[32], addr[64];
	uint64_t hundredths = (rp->held_ms + MS_PER_HOUR / 200) /
	    (MS_PER_HOUR / 100);

	strcpy(from, "the start of the journal");
	strcpy(to, "its end");
	if (o->since_set)
		format_moment(from, sizeof(from), o->since_usec);
	if (o->until_usec != NO_END)
		format_moment(to, sizeof(to), o->until_usec);
	printf("Sessions ended from %s to %s\n\n", from, to);
	format_hold(median, sizeof(median), median_ms(rp));
	format_hold(longest, sizeof(longest), rp->longest_ms);
	format_percent(share, sizeof(share), rp->pregreet, rp->sessions);
	printf("  %-22s %" PRIu64 "\n", "sessions", rp->sessions);
	printf("  %-22s %zu\n", "distinct addresses", rp->addresses.count);
	printf("  %-22s %" PRIu64 "\n", "unknown address", rp->unknown_address);
	printf("  %-22s %" PRIu64 ".%02" PRIu64 " hours\n",
	    "spammer time wasted", hundredths / 100, hundredths % 100);
	if (rp->sessions > 0) {
		printf("  %-22s %s\n", "median hold", median);
		if (rp->longest_addr_known)
			address_format(addr, sizeof(addr), rp->longest_addr);
		else
			strcpy(addr, "unknown");
		printf("  %-22s %s, %s\n", "longest hold", longest, addr);
	} else {
		printf("  %-22s -\n  %-22s -\n", "median hold", "longest hold");
	}
	printf("  %-22s %" PRIu64 " (%s)\n", "pregreet", rp->pregreet, share);
	printf("  %-22s %" PRIu64 "\n", "still held", rp->held_now);
	printf("  %-22s %" PRIu64 "\n", "lost", rp->lost);
	printf("  %-22s %" PRIu64 "\n", "skipped records", rp->skipped);
}

static void
table_print_reasons(const struct report *rp)
{
	char share[32];
	size_t i;

	printf("\n%-22s %10s\n", "End reason", "sessions");
	for (i = 0; i < REASONS; i++) {
		format_percent(share, sizeof(share), rp->reasons[i],
		    rp->sessions);
		printf("  %-20s %10" PRIu64 "  %6s\n", reason_names[i],
		    rp->reasons[i], share);
	}
}

static void
table_print_top_header(const char *what)
{
	char title[64];

	snprintf(title, sizeof(title), "Top %d %s by time held", TOP_COUNT,
	    what);
	printf("\n%-41s %8s  %s\n", title, "sessions", "held");
}

static void
table_print_tops(const struct report *rp)
{
	char addr[64], held[32];
	struct top t;
	size_t i;

	table_print_top_header("addresses");
	top_addresses(rp, &t);
	for (i = 0; i < t.n; i++) {
		const struct address *a = t.entries[i];

		address_format(addr, sizeof(addr), a->addr);
		format_duration(held, sizeof(held), a->held_ms);
		printf("  %-39s %8" PRIu64 "  %s\n", addr, a->sessions, held);
	}
	table_print_top_header("HELO names");
	top_helos(rp, &t);
	for (i = 0; i < t.n; i++) {
		const struct helo *h = t.entries[i];

		format_duration(held, sizeof(held), h->held_ms);
		printf("  %-39s %8" PRIu64 "  %s%s\n",
		    h->name[0] == '\0' ? "(empty)" : h->name, h->sessions,
		    h->error_ms > 0 ? "~" : "", held);
	}
}

static void
table_print_histogram(const struct report *rp)
{
	char share[32], bar[BAR_WIDTH + 1];
	uint64_t most = 0;
	size_t c, width;

	for (c = 0; c < CLASSES; c++)
		if (rp->classes[c] > most)
			most = rp->classes[c];
	printf("\n%-22s %10s\n", "Hold time", "sessions");
	for (c = 0; c < CLASSES; c++) {
		width = most == 0 ? 0 : (size_t)(rp->classes[c] * BAR_WIDTH /
		    most);
		if (width == 0 && rp->classes[c] > 0)
			width = 1;
		memset(bar, '#', width);
		bar[width] = '\0';
		format_percent(share, sizeof(share), rp->classes[c],
		    rp->sessions);
		printf("  %-20s %10" PRIu64 "  %6s%s%s\n", class_labels[c],
		    rp->classes[c], share, width > 0 ? "  " : "", bar);
	}
}

/* Seconds from milliseconds, exactly: "12.345". */
static void
print_seconds(uint64_t ms)
{
	printf("%" PRIu64 ".%03" PRIu64, ms / MS_PER_SEC, ms % MS_PER_SEC);
}

static void
json_print_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static void
json_print_moment(const char *name, uint64_t usec, bool set)
{
	if (set)
		printf("  \"%s\": %" PRIu64 ",\n", name, usec);
	else
		printf("  \"%s\": null,\n", name);
}

static void
json_print_totals(const struct options *o, const struct report *rp)
{
	char addr[64];
	size_t i;

	printf("{\n");
	json_print_moment("since_usec", o->since_usec, o->since_set);
	json_print_moment("until_usec", o->until_usec, o->until_usec != NO_END);
	printf("  \"sessions\": %" PRIu64 ",\n", rp->sessions);
	printf("  \"distinct_addresses\": %zu,\n", rp->addresses.count);
	printf("  \"unknown_address_sessions\": %" PRIu64 ",\n",
	    rp->unknown_address);
	printf("  \"held_sec\": ");
	print_seconds(rp->held_ms);
	if (rp->sessions > 0) {
		printf(",\n  \"median_hold_sec\": ");
		print_seconds(median_ms(rp));
		printf(",\n  \"longest_hold_sec\": ");
		print_seconds(rp->longest_ms);
		address_format(addr, sizeof(addr), rp->longest_addr);
		printf(",\n  \"longest_hold_address\": ");
		json_print_string(rp->longest_addr_known ? addr : "unknown");
	} else {
		printf(",\n  \"median_hold_sec\": null,\n"
		    "  \"longest_hold_sec\": null,\n"
		    "  \"longest_hold_address\": null");
	}
	printf(",\n  \"pregreet_sessions\": %" PRIu64 ",\n", rp->pregreet);
	printf("  \"still_held\": %" PRIu64 ",\n", rp->held_now);
	printf("  \"lost\": %" PRIu64 ",\n", rp->lost);
	printf("  \"skipped_records\": %" PRIu64 ",\n", rp->skipped);
	printf("  \"end_reasons\": {");
	for (i = 0; i < REASONS; i++)
		printf("%s\n    \"%s\": %" PRIu64, i == 0 ? "" : ",",
		    reason_names[i], rp->reasons[i]);
	printf("\n  },\n  \"hold_time\": [");
	for (i = 0; i < CLASSES; i++) {
		printf("%s\n    { \"below_sec\": ", i == 0 ? "" : ",");
		if (i < CLASSES - 1)
			printf("%" PRIu64, class_bounds_ms[i] / MS_PER_SEC);
		else
			printf("null");
		printf(", \"sessions\": %" PRIu64 " }", rp->classes[i]);
	}
	printf("\n  ],\n");
}

static void
json_print_tops(const struct report *rp)
{
	char addr[64];
	struct top t;
	size_t i;

	printf("  \"top_addresses\": [");
	top_addresses(rp, &t);
	for (i = 0; i < t.n; i++) {
		const struct address *a = t.entries[i];

		address_format(addr, sizeof(addr), a->addr);
		printf("%s\n    { \"address\": ", i == 0 ? "" : ",");
		json_print_string(addr);
		printf(", \"sessions\": %" PRIu64 ", \"held_sec\": ",
		    a->sessions);
		print_seconds(a->held_ms);
		printf(" }");
	}
	printf("\n  ],\n  \"top_helo\": [");
	top_helos(rp, &t);
	for (i = 0; i < t.n; i++) {
		const struct helo *h = t.entries[i];

		printf("%s\n    { \"helo\": ", i == 0 ? "" : ",");
		json_print_string(h->name);
		printf(", \"sessions\": %" PRIu64 ", \"held_sec\": ",
		    h->sessions);
		print_seconds(h->held_ms);
		printf(", \"error_sec\": ");
		print_seconds(h->error_ms);
		printf(" }");
	}
	printf("\n  ]\n}\n");
}

static void
prometheus_print_header(const char *name, const char *type, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
prometheus_print(const struct report *rp)
{
	size_t i;

	prometheus_print_header("tarpit_sessions_total", "counter",
	    "Tar pit sessions that ended, by end reason.");
	for (i = 0; i < REASONS; i++)
		printf("tarpit_sessions_total{reason=\"%s\"} %" PRIu64 "\n",
		    reason_names[i], rp->reasons[i]);
	prometheus_print_header("tarpit_pregreet_sessions_total", "counter",
	    "Sessions whose client spoke before the banner.");
	printf("tarpit_pregreet_sessions_total %" PRIu64 "\n", rp->pregreet);
	prometheus_print_header("tarpit_hold_seconds", "histogram",
	    "How long the tar pit held each client.");
	for (i = 0; i < CLASSES - 1; i++)
		printf("tarpit_hold_seconds_bucket{le=\"%" PRIu64 "\"} %"
		    PRIu64 "\n", class_bounds_ms[i] / MS_PER_SEC,
		    rp->classes_le[i]);
	printf("tarpit_hold_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n",
	    rp->sessions);
	printf("tarpit_hold_seconds_sum ");
	print_seconds(rp->held_ms);
	printf("\ntarpit_hold_seconds_count %" PRIu64 "\n", rp->sessions);
	prometheus_print_header("tarpit_hold_longest_seconds", "gauge",
	    "The longest time one client was held.");
	printf("tarpit_hold_longest_seconds ");
	print_seconds(rp->longest_ms);
	putchar('\n');
	prometheus_print_header("tarpit_addresses", "gauge",
	    "Distinct client addresses.");
	printf("tarpit_addresses %zu\n", rp->addresses.count);
	prometheus_print_header("tarpit_sessions_held", "gauge",
	    "Sessions still held: connected and not yet ended.");
	printf("tarpit_sessions_held %" PRIu64 "\n", rp->held_now);
	prometheus_print_header("tarpit_report_skipped_records", "gauge",
	    "Tar pit records skipped as malformed.");
	printf("tarpit_report_skipped_records %" PRIu64 "\n", rp->skipped);
}

/* All addresses, the longest held first: the table is not used after. */
static void
addresses_print(struct report *rp)
{
	char addr[64];
	size_t i;

	qsort(rp->addresses.entries, rp->addresses.used,
	    rp->addresses.entry_size, address_compare);
	for (i = 0; i < rp->addresses.used; i++) {
		address_format(addr, sizeof(addr),
		    ((struct address *)table_entry(&rp->addresses,
		    (uint32_t)i))->addr);
		puts(addr);
	}
}

static void
report_print(const struct options *o, struct report *rp)
{
	switch (o->output) {
	case OUTPUT_TABLE:
		table_print_totals(o, rp);
		table_print_reasons(rp);
		table_print_tops(rp);
		table_print_histogram(rp);
		break;
	case OUTPUT_JSON:
		json_print_totals(o, rp);
		json_print_tops(rp);
		break;
	case OUTPUT_PROMETHEUS:
		prometheus_print(rp);
		break;
	case OUTPUT_ADDRESSES:
		addresses_print(rp);
		break;
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EXIT_IO, "cannot write the report: %s", strerror(errno));
}

struct time_unit {
	const char *name;
	uint64_t seconds;
};

static const struct time_unit time_units[] = {
	{ "s", 1 }, { "sec", 1 }, { "second", 1 }, { "seconds", 1 },
	{ "m", 60 }, { "min", 60 }, { "minute", 60 }, { "minutes", 60 },
	{ "h", 3600 }, { "hr", 3600 }, { "hour", 3600 }, { "hours", 3600 },
	{ "d", 86400 }, { "day", 86400 }, { "days", 86400 },
	{ "w", 604800 }, { "week", 604800 }, { "weeks", 604800 },
};

/* "1h", "1.5d", "1h 30min": a time span in microseconds. */
static bool
span_parse(const char *s, size_t len, uint64_t *usec)
{
	uint64_t total = 0, n;
	size_t i = 0, used, word, u;
	bool any = false;

	for (;;) {
		while (i < len && s[i] == ' ')
			i++;
		if (i == len) {
			*usec = total;
			return any;
		}
		used = number_parse(s + i, len - i, 6, SPAN_UNITS_MAX *
		    (uint64_t)USEC_PER_SEC, &n);
		if (used == 0)
			return false;
		i += used;
		for (word = i; i < len && s[i] >= 'a' && s[i] <= 'z'; i++)
			;
		for (u = 0; u < sizeof(time_units) / sizeof(*time_units); u++)
			if (strlen(time_units[u].name) == i - word &&
			    memcmp(time_units[u].name, s + word, i - word) == 0)
				break;
		if (u == sizeof(time_units) / sizeof(*time_units))
			return false;
		total += n * time_units[u].seconds;
		if (total > (uint64_t)INT64_MAX / 2)
			return false;
		any = true;
	}
}

static uint64_t
days_in_month(uint64_t year, uint64_t month)
{
	static const uint64_t days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return days[month - 1] + (month == 2 && leap);
}

/* Reads "HH:MM" or "HH:MM:SS" from *p; false if it is not there. */
static bool
clock_parse(const char **p, const char *end, struct tm *tm)
{
	uint64_t hour, min, sec = 0;
	size_t n;

	if ((n = number_parse(*p, (size_t)(end - *p), 0, 23, &hour)) == 0 ||
	    *p + n == end || (*p)[n] != ':')
		return false;
	*p += n + 1;
	if ((n = number_parse(*p, (size_t)(end - *p), 0, 59, &min)) == 0)
		return false;
	*p += n;
	if (*p < end && **p == ':') {
		if ((n = number_parse(*p + 1, (size_t)(end - *p - 1), 0, 59,
		    &sec)) == 0)
			return false;
		*p += n + 1;
	}
	tm->tm_hour = (int)hour;
	tm->tm_min = (int)min;
	tm->tm_sec = (int)sec;
	return true;
}

/* Reads "YYYY-MM-DD" from *p; false if it is not there. */
static bool
date_parse(const char **p, const char *end, struct tm *tm)
{
	uint64_t year, month, day;
	size_t n;

	if ((n = number_parse(*p, (size_t)(end - *p), 0, 9999, &year)) != 4 ||
	    *p + n == end || (*p)[n] != '-')
		return false;
	*p += n + 1;
	if ((n = number_parse(*p, (size_t)(end - *p), 0, 12, &month)) == 0 ||
	    month == 0 || *p + n == end || (*p)[n] != '-')
		return false;
	*p += n + 1;
	if ((n = number_parse(*p, (size_t)(end - *p), 0, 31, &day)) == 0 ||
	    day == 0 || day > days_in_month(year, month) || year < 1970)
		return false;
	*p += n;
	tm->tm_year = (int)year - 1900;
	tm->tm_mon = (int)month - 1;
	tm->tm_mday = (int)day;
	return true;
}

/*
 * "2026-12-01", "2026-12-01 10:00[:00]" (or with a T), "10:00[:00]" for
 * today; local time unless " UTC" or "Z" follows.
 */
static bool
calendar_parse(const char *s, time_t now, uint64_t *usec)
{
	const char *p = s, *end = s + strlen(s);
	struct tm tm;
	bool utc = false;
	time_t t;

	localtime_r(&now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	if (date_parse(&p, end, &tm)) {
		if ((*p == ' ' || *p == 'T') && is_digit(p[1])) {
			p++;
			if (!clock_parse(&p, end, &tm))
				return false;
		}
	} else {
		p = s;
		if (!clock_parse(&p, end, &tm))
			return false;
	}
	if (strcmp(p, " UTC") == 0 || strcmp(p, "Z") == 0)
		utc = true;
	else if (*p != '\0')
		return false;
	tm.tm_isdst = -1;
	t = utc ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1 || t < 0)
		return false;
	*usec = (uint64_t)t * USEC_PER_SEC;
	return true;
}

/* Midnight, local time, `days` days from today. */
static uint64_t
day_start(time_t now, int days)
{
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	return (uint64_t)mktime(&tm) * USEC_PER_SEC;
}

/* The time forms of journalctl(1) that a report window needs. */
static bool
time_parse(const char *s, uint64_t now_usec, uint64_t *usec)
{
	time_t now = (time_t)(now_usec / USEC_PER_SEC);
	size_t len = strlen(s);
	uint64_t span;

	if (strcmp(s, "now") == 0)
		*usec = now_usec;
	else if (strcmp(s, "today") == 0)
		*usec = day_start(now, 0);
	else if (strcmp(s, "yesterday") == 0)
		*usec = day_start(now, -1);
	else if (strcmp(s, "tomorrow") == 0)
		*usec = day_start(now, 1);
	else if (s[0] == '@')
		return number_whole(s + 1, len - 1, 6, (uint64_t)INT64_MAX /
		    USEC_PER_SEC * USEC_PER_SEC, usec);
	else if ((s[0] == '-' && span_parse(s + 1, len - 1, &span)) ||
	    (len > 4 && strcmp(s + len - 4, " ago") == 0 &&
	    span_parse(s, len - 4, &span)))
		*usec = span > now_usec ? 0 : now_usec - span;
	else if (s[0] == '+' && span_parse(s + 1, len - 1, &span))
		*usec = now_usec + span;
	else
		return calendar_parse(s, now, usec);
	return true;
}

static void __attribute__((noreturn))
usage(void)
{
	printf("usage: tarpit-report [--json | --prometheus | --addresses]"
	    " [-S time] [-U time]\n"
	    "                     [-D directory | --file file ...]\n"
	    "       tarpit-report -h | -V\n"
	    "Reports what tarpit(8) caught, from its records in the journal.\n"
	    "  -S, --since TIME      window start, included (default: the"
	    " journal's start)\n"
	    "  -U, --until TIME      window end, excluded (default: none)\n"
	    "  -D, --directory DIR   read the files in DIR (default: the system"
	    " journal)\n"
	    "      --file FILE       read FILE; up to %d times\n"
	    "      --json            one JSON document\n"
	    "      --prometheus      text format for node_exporter's textfile"
	    " collector\n"
	    "      --addresses       every address, one a line, the longest"
	    " held first\n"
	    "  -h, --help            print this help and exit\n"
	    "  -V, --version         print the version and exit\n"
	    "TIME: now, today, yesterday, tomorrow, -1h, -30min, -2d, '1h ago',"
	    " 2026-12-01,\n"
	    "  '2026-12-01 10:00[:00]', 10:00, @unix-seconds; a date or time"
	    " may end in\n  ' UTC'.\n"
	    "The table lists the top %d addresses and HELO names; HELO names"
	    " are exact\n"
	    "  up to %d distinct ones, and marked ~ where they may be"
	    " overstated.\n"
	    "Exit status: 0 success, %d usage error, %d cannot open the"
	    " journal,\n"
	    "  %d out of memory, %d cannot read the journal or write the"
	    " report.\n",
	    FILES_MAX, TOP_COUNT, HELO_COUNTERS, EXIT_USAGE, EXIT_NO_JOURNAL,
	    EXIT_NO_MEMORY, EXIT_IO);
	exit(EXIT_SUCCESS);
}

static void __attribute__((noreturn))
usage_error_argument(const char *option, const char *arg, const char *what)
{
	char text[ARGUMENT_SHOWN_MAX + 1];

	sanitize(text, sizeof(text), arg, strlen(arg));
	die(EXIT_USAGE, "%s: '%s' is not %s", option, text, what);
}

enum { OPT_FILE = 256, OPT_JSON, OPT_PROMETHEUS, OPT_ADDRESSES };

static const struct option long_options[] = {
	{ "since",      required_argument, NULL, 'S' },
	{ "until",      required_argument, NULL, 'U' },
	{ "directory",  required_argument, NULL, 'D' },
	{ "file",       required_argument, NULL, OPT_FILE },
	{ "json",       no_argument,       NULL, OPT_JSON },
	{ "prometheus", no_argument,       NULL, OPT_PROMETHEUS },
	{ "addresses",  no_argument,       NULL, OPT_ADDRESSES },
	{ "help",       no_argument,       NULL, 'h' },
	{ "version",    no_argument,       NULL, 'V' },
	{ NULL,         0,                 NULL, 0 },
};

#define TIME_FORMS "a time (now, today, yesterday, -1h, '2h ago'," \
    " 2026-12-01, '2026-12-01 10:00', @unix-seconds)"

static void
option_output(struct options *o, enum output output)
{
	if (o->output_set && o->output != output)
		die(EXIT_USAGE, "--json, --prometheus and --addresses exclude"
		    " each other");
	o->output = output;
	o->output_set = true;
}

static void
options_set(struct options *o, int option, const char *arg, uint64_t now)
{
	switch (option) {
	case 'S':
		if (!time_parse(arg, now, &o->since_usec))
			usage_error_argument("--since", arg, TIME_FORMS);
		o->since_set = true;
		break;
	case 'U':
		if (!time_parse(arg, now, &o->until_usec))
			usage_error_argument("--until", arg, TIME_FORMS);
		break;
	case 'D':
		if (arg[0] == '\0')
			usage_error_argument("--directory", arg, "a directory");
		o->directory = arg;
		break;
	case OPT_FILE:
		if (arg[0] == '\0')
			usage_error_argument("--file", arg, "a journal file");
		if (o->nfiles == FILES_MAX)
			die(EXIT_USAGE, "--file: at most %d files", FILES_MAX);
		o->files[o->nfiles++] = arg;
		break;
	case OPT_JSON:
		option_output(o, OUTPUT_JSON);
		break;
	case OPT_PROMETHEUS:
		option_output(o, OUTPUT_PROMETHEUS);
		break;
	case OPT_ADDRESSES:
		option_output(o, OUTPUT_ADDRESSES);
		break;
	}
}

static void __attribute__((noreturn))
option_unknown(const char *arg)
{
	char text[ARGUMENT_SHOWN_MAX + 1];

	sanitize(text, sizeof(text), arg, strlen(arg));
	die(EXIT_USAGE, "unknown option '%s'; accepted: --since (-S), --until"
	    " (-U), --directory (-D), --file, --json, --prometheus,"
	    " --addresses, --help (-h), --version (-V)", text);
}

static void
options_check(const struct options *o, int argc, char **argv)
{
	char text[ARGUMENT_SHOWN_MAX + 1];

	if (optind < argc) {
		sanitize(text, sizeof(text), argv[optind], strlen(argv[optind]));
		die(EXIT_USAGE, "unexpected argument '%s'; journal files go"
		    " with --file", text);
	}
	if (o->directory != NULL && o->nfiles > 0)
		die(EXIT_USAGE, "--directory and --file exclude each other");
	if (o->since_set && o->until_usec != NO_END &&
	    o->since_usec >= o->until_usec)
		die(EXIT_USAGE, "--since: must be before --until");
}

static void
options_parse(struct options *o, int argc, char **argv)
{
	char flag[3] = "-?";
	struct timespec ts;
	uint64_t now;
	int c;

	memset(o, 0, sizeof(*o));
	o->until_usec = NO_END;
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (uint64_t)ts.tv_sec * USEC_PER_SEC +
	    (uint64_t)ts.tv_nsec / 1000;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":S:U:D:hV", long_options,
	    NULL)) != -1) {
		switch (c) {
		case 'h':
			usage();
		case 'V':
			printf("tarpit-report " REPORT_VERSION "\n");
			exit(EXIT_SUCCESS);
		case ':':
			/* No value is a wrong value: the same one-line error. */
			options_set(o, optopt, "", now);
			break;
		case '?':
			/* A long option has no one-letter name to show. */
			flag[1] = (char)optopt;
			option_unknown(optopt > 0 && optopt < OPT_FILE ? flag :
			    argv[optind - 1]);
		default:
			options_set(o, c, optarg, now);
			break;
		}
	}
	options_check(o, argc, argv);
}

/*
 * sd-journal opens whatever it can read and says nothing of the rest; no
 * file at all means no journal, or no right to read it.
 */
static sd_journal *
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
		die(EXIT_NO_JOURNAL, "cannot open the journal%s%s: %s",
		    o->directory != NULL ? " in " : "",
		    o->directory != NULL ? o->directory : "", strerror(-r));
	if (sd_journal_get_usage(j, &bytes) < 0 || bytes == 0)
		die(EXIT_NO_JOURNAL, "no journal files could be read%s%s%s",
		    o->directory != NULL ? " in " : "",
		    o->directory != NULL ? o->directory : "",
		    o->directory == NULL && o->nfiles == 0 ?
		    " (root, or the systemd-journal or adm group, may read them)" :
		    "");
	return j;
}

int
main(int argc, char **argv)
{
	struct options options;
	struct report report;
	sd_journal *j;

	options_parse(&options, argc, argv);
	hash_seed_init();
	j = journal_open(&options);
	report_init(&report);
	journal_read(j, &options, &report);
	report_print(&options, &report);
	report_free(&report);
	sd_journal_close(j);
	return EXIT_SUCCESS;
}
