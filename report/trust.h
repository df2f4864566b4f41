/*
 * Whose journal entries count.  Anyone who can log can write an entry with
 * tarpit's fields, or a line that looks like Postfix's; what they cannot
 * choose are the fields journald adds itself from the kernel's view of the
 * sender: _COMM, the process's name, and _SYSTEMD_UNIT, the unit it runs
 * in.  Those travel unchanged to a collector, where the tar pit hosts' user
 * ids mean nothing.  An entry counts only if both name its program.
 *
 * Copyright (C) 2026 The tarpit authors
 *
 * This program is free software: you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the Free
 * Software Foundation, either version 3 of the License, or (at your option)
 * any later version.  See COPYING.
 */
#ifndef TRUST_H
#define TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-id128.h>

#include "table.h"

#define COMM_FIELD         "_COMM"
#define UNIT_FIELD         "_SYSTEMD_UNIT"
#define UID_FIELD          "_UID"

/* Which program an entry must come from. */
enum writer_kind { WRITER_TARPIT, WRITER_PROBE, WRITER_POSTFIX,
    WRITER_KINDS };

/*
 * What journald said of an entry's writer.  No unit (a host without
 * systemd, or tarpit under a launcher that is no unit's) leaves the name
 * alone to judge by.  Neither name: journald read them from /proc only once
 * the writer had exited, as it does for a process that logs and exits
 * within a few milliseconds.
 */
struct writer {
	bool comm_seen;
	bool comm_ok;
	bool unit_seen;
	bool unit_ok;
};

enum trust { TRUST_YES, TRUST_NO, TRUST_UNNAMED };

void writer_take_comm(struct writer *w, enum writer_kind kind,
    const char *postfix_daemon, const char *value, size_t len);
void writer_take_unit(struct writer *w, enum writer_kind kind,
    const char *value, size_t len);
bool writer_trusted(const struct writer *w);
enum trust writer_judge(const struct writer *w);

/*
 * The user a program ran as on each host and boot, from its named entries
 * (the first one anywhere in the journal, journal_seed_uids(), then the last
 * one read): an unnamed entry of that user there is the program's too.  _UID comes
 * from the kernel with the message, so journald has it even when the
 * writer is gone; to forge one a program must run as that user (tarpit's
 * own "tarpit" in the shipped unit) or as root.  One table per program.
 */
struct writer_uid {
	struct link link;
	struct {
		sd_id128_t machine;
		sd_id128_t boot;
	} key;
	uint32_t uid;
};

void writer_uids_init(struct table *t);
void writer_uid_note(struct table *t, sd_id128_t machine, sd_id128_t boot,
    uint32_t uid);
bool writer_uid_is(const struct table *t, sd_id128_t machine,
    sd_id128_t boot, uint32_t uid);

#endif
