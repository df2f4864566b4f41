# tarpit: an SMTP tar pit for one connection on stdin and stdout.
# See README.md.  Plain make; the usual variables may be overridden.

PREFIX = /usr/local
BINDIR = $(PREFIX)/sbin
# Where units/tarpit@.service and xinetd/tarpit, as shipped, run tarpit from:
# BINDIR with the default PREFIX.  make install puts BINDIR in its place.
SHIPPED_BINDIR = /usr/local/sbin
REPORT_BINDIR = $(PREFIX)/bin
# Where units/tarpit-metrics.service, as shipped, runs tarpit-report from.
SHIPPED_REPORT_BINDIR = /usr/local/bin
MANDIR = $(PREFIX)/share/man
DOCDIR = $(PREFIX)/share/doc/tarpit
UNITDIR = `pkg-config --variable=systemdsystemunitdir systemd`
SYSUSERSDIR = `pkg-config --variable=sysusersdir systemd`
XINETDDIR = /etc/xinetd.d

CC = cc
WARNFLAGS = -Wall -Wextra -Wpedantic
CFLAGS = -std=c11 -O2 $(WARNFLAGS) -fstack-protector-strong -fPIE
CPPFLAGS = -D_FORTIFY_SOURCE=2
LDFLAGS = -pie -Wl,-z,relro,-z,now
SYSTEMD_CFLAGS = `pkg-config --cflags libsystemd`
SYSTEMD_LIBS = `pkg-config --libs libsystemd`

# STATIC=1 builds with musl, statically and without libsystemd: the journal
# gets its records through its native protocol, written by tarpit itself.
STATIC = 0
MUSL_CC = musl-gcc
# musl has no kernel headers of its own; the seccomp filter needs <linux/*>.
KERNEL_HEADERS = -idirafter /usr/include -idirafter /usr/include/`$(CC) -print-multiarch`
BUILD_0 = $(CC) $(CPPFLAGS) $(CFLAGS) $(SYSTEMD_CFLAGS) $(LDFLAGS)
LIBS_0 = $(SYSTEMD_LIBS) $(LDLIBS)
BUILD_1 = $(MUSL_CC) $(CPPFLAGS) -DTARPIT_NATIVE_JOURNAL \
    $(KERNEL_HEADERS) $(CFLAGS) $(LDFLAGS) -static -no-pie
LIBS_1 = $(LDLIBS)

all: tarpit tarpit-report tarpit-probe

# tarpit.c is the whole of tarpit; the two headers it shares with the report.
TARPIT_SOURCES = tarpit.c record.h number.h

tarpit: $(TARPIT_SOURCES)
	$(BUILD_$(STATIC)) -o $@ tarpit.c $(LIBS_$(STATIC))

# Tries each higher MX from the tar pit's host and logs through sd-journal:
# always against libsystemd, like the report that reads its records.
PROBE_SOURCES = probe.c record.h number.h
tarpit-probe: $(PROBE_SOURCES)
	$(BUILD_0) -o $@ probe.c $(LIBS_0)

# Reads the records back through sd-journal: always against libsystemd.
# report/main.c says which file does what; each part has its header.
REPORT_PARTS = report/journal.c report/record.c report/table.c \
    report/tally.c report/figures.c report/timeline.c report/timestamp.c \
    report/format.c report/text.c report/json.c report/prometheus.c \
    report/addresses.c report/html.c report/export.c report/file.c \
    report/hosts.c report/util.c $(BLOCKLIST_PARTS)
# --blocklist: the rule and what it reads, each part with its header.
BLOCKLIST_PARTS = report/address.c report/trust.c report/postfix.c \
    report/allowlist.c report/evidence.c report/listformat.c report/blocklist.c
REPORT_SOURCES = report/main.c $(REPORT_PARTS)
REPORT_HEADERS = report/export.h report/figures.h report/file.h \
    report/format.h report/hosts.h report/journal.h report/options.h \
    report/output.h report/record.h report/table.h report/tally.h \
    report/timeline.h report/timestamp.h report/util.h record.h number.h \
    $(BLOCKLIST_PARTS:.c=.h)
tarpit-report: $(REPORT_SOURCES) $(REPORT_HEADERS)
	$(BUILD_0) -o $@ $(REPORT_SOURCES) $(LIBS_0)

# The static build beside the default one, for make check and bench.
tarpit-static: $(TARPIT_SOURCES)
	$(BUILD_1) -o $@ tarpit.c $(LIBS_1)

# Installs (as root) the Debian packages that the build and the tests need:
# DEPS=build, static, install, demo, deb or check (tools/install-deps).  Only
# deps, demo, check and the benchmarks install packages; a build never looks.
DEPS = check
deps:
	tools/install-deps $(DEPS)

# Serves ./tarpit on 127.0.0.1:DEMO_PORT, one process per connection, with the
# records on the terminal.  Installs what it needs first (as root).
DEMO_PORT = 2525
demo:
	tools/install-deps demo
	$(MAKE) tarpit
	@echo "tarpit on 127.0.0.1:$(DEMO_PORT); from another terminal:" \
	    "swaks --server 127.0.0.1:$(DEMO_PORT) --to someone@example.org"
	@echo "swaks times out three times, 30 s each: that is the catch." \
	    "Here, its event=disconnect line says how long it was held." \
	    "Ctrl-C stops it."
	systemd-socket-activate --inetd -a -l 127.0.0.1:$(DEMO_PORT) \
	    ./tarpit -d 2 -l stderr

# AddressSanitizer and UndefinedBehaviorSanitizer: any report fails a test.
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all
DEBUG_CFLAGS = -std=c11 -g -O1 $(WARNFLAGS) -DTARPIT_NO_SANDBOX
tarpit-asan: $(TARPIT_SOURCES)
	$(CC) $(CPPFLAGS) $(DEBUG_CFLAGS) $(SANITIZE) $(SYSTEMD_CFLAGS) -o $@ \
	    tarpit.c $(SYSTEMD_LIBS)

# For valgrind, which cannot run under the seccomp filter.
tarpit-debug: $(TARPIT_SOURCES)
	$(CC) $(CPPFLAGS) $(DEBUG_CFLAGS) $(SYSTEMD_CFLAGS) -o $@ tarpit.c \
	    $(SYSTEMD_LIBS)

# The same two for the report, whose records come from anyone who can log.
tarpit-report-asan: $(REPORT_SOURCES) $(REPORT_HEADERS)
	$(CC) $(CPPFLAGS) $(DEBUG_CFLAGS) $(SANITIZE) $(SYSTEMD_CFLAGS) -o $@ \
	    $(REPORT_SOURCES) $(SYSTEMD_LIBS)
tarpit-report-debug: $(REPORT_SOURCES) $(REPORT_HEADERS)
	$(CC) $(CPPFLAGS) $(DEBUG_CFLAGS) $(SYSTEMD_CFLAGS) -o $@ \
	    $(REPORT_SOURCES) $(SYSTEMD_LIBS)

# Installs tarpit's own filter, then makes one forbidden call (tests/sandbox.bats).
tests/sandbox-probe: tests/sandbox-probe.c $(TARPIT_SOURCES)
	$(BUILD_0) -o $@ tests/sandbox-probe.c $(LIBS_0)
tests/sandbox-probe-static: tests/sandbox-probe.c $(TARPIT_SOURCES)
	$(BUILD_1) -o $@ tests/sandbox-probe.c $(LIBS_1)

FUZZ_CC = clang
FUZZ_SECONDS = 30
FUZZ_FLAGS = -std=c11 -g -O1 $(WARNFLAGS) \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
tests/fuzz/fuzz-session: tests/fuzz/fuzz_session.c $(TARPIT_SOURCES)
	$(FUZZ_CC) $(FUZZ_FLAGS) -DTARPIT_NATIVE_JOURNAL -o $@ \
	    tests/fuzz/fuzz_session.c
# The report's own parsers, everything but main.c linked in.
tests/fuzz/fuzz-report: tests/fuzz/fuzz_report.c $(REPORT_PARTS) \
    $(REPORT_HEADERS)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(SYSTEMD_CFLAGS) -o $@ \
	    tests/fuzz/fuzz_report.c $(REPORT_PARTS) $(SYSTEMD_LIBS)

# Each target fuzzes for FUZZ_SECONDS from its seed corpus; new inputs go to
# a scratch copy, crashes to tests/fuzz/crash-*.
fuzz: tests/fuzz/fuzz-session tests/fuzz/fuzz-report
	rm -rf tests/fuzz/work && cp -r tests/fuzz/corpus tests/fuzz/work
	tests/fuzz/fuzz-session -max_total_time=$(FUZZ_SECONDS) -max_len=131072 \
	    -timeout=10 -artifact_prefix=tests/fuzz/ -print_final_stats=1 \
	    tests/fuzz/work
	rm -rf tests/fuzz/work-report && \
	    cp -r tests/fuzz/corpus-report tests/fuzz/work-report
	tests/fuzz/fuzz-report -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	    -timeout=10 -artifact_prefix=tests/fuzz/ -print_final_stats=1 \
	    tests/fuzz/work-report

# What the sanitizer and valgrind builds run: everything but the tests of the
# filter they leave out and of the deployments, which install the real builds.
SANITIZER_TESTS = dialogue.bats environment.bats greeting.bats journal.bats logging.bats \
    socket.bats syslog.bats trickle.bats usage.bats
VALGRIND_TESTS = dialogue.bats socket.bats
# Every file in tests/ runs once per build, flood.bats among them: its
# 2,000-connection flood through systemd and xinetd is not in NSPAWN_TESTS, for
# CI's time (measured: 133 to 203 s for both builds).  ONCE_TESTS run once, on
# a server's layout (rig/unified) with the default build: blocklist-e2e.bats
# tests the blocklist's hosts, not the build or the layout (many-hosts.bats
# boots the same hosts on both), and waits out the listing rule's minutes
# (measured: 6.5 to 7 min a run).
ONCE_TESTS = blocklist-e2e.bats
EVERY_BUILD_TESTS = $(filter-out $(ONCE_TESTS),$(notdir $(wildcard tests/*.bats)))
# The suites that boot real systemd in nspawn run once more on a server's cgroup
# layout, pure v2 (rig/unified), with the default build, and ONCE_TESTS there.
# On a host with systemd as PID 1 that is the layout they already ran on.
NSPAWN_TESTS = systemd.bats metrics.bats many-hosts.bats mta.bats rig.bats \
    $(ONCE_TESTS)
# Installs what the tests need (as root) before it builds anything.  Every run
# goes to its end even when one before it failed; then tests/run-all lists the
# failures of all of them and make check fails.  make fuzz is named through
# FUZZ_RUN: make runs a line that names $(MAKE) itself even under make -n, and
# this line runs every suite.
FUZZ_RUN = $(MAKE) fuzz
check:
	tools/install-deps check
	$(MAKE) tarpit tarpit-static tarpit-asan tarpit-debug tarpit-report tarpit-probe \
	    tarpit-report-asan tarpit-report-debug \
	    tests/sandbox-probe tests/sandbox-probe-static
	tests/run-all 'TESTS="$(EVERY_BUILD_TESTS)" tests/run ./tarpit ./tarpit-static' \
	    'TESTS="$(NSPAWN_TESTS)" rig/unified tests/run ./tarpit' \
	    'TESTS="$(SANITIZER_TESTS)" tests/run ./tarpit-asan' \
	    'TESTS="$(VALGRIND_TESTS)" tests/run tests/valgrind-tarpit' \
	    'TARPIT_REPORT=./tarpit-report-asan TESTS=report.bats tests/run ./tarpit' \
	    'TARPIT_REPORT=tests/valgrind-report TESTS=report.bats tests/run ./tarpit' \
	    '$(FUZZ_RUN)'

# make, make install, make demo, make deb (and lintian on it) and make check as
# the README has them, each on a fresh Debian 12 minbase in nspawn
# (tools/fresh-check); root, 15-25 min.
# Not in CI: it takes most of CI's time by itself.
fresh-check:
	tools/fresh-check

# make demo, the Debian package, make install and the nspawn-based suites on
# a real Debian 12 server (systemd as PID 1, cgroup v2) under qemu without KVM
# (tools/server-check); root, 35 minutes (the image first: about 11; the
# package's step alone, tools/server-check deb, took 280 s).  Not in CI, for
# its length.
server-check:
	tools/server-check

# The Debian package, tarpit_VERSION_ARCH.deb, here: dpkg-buildpackage (debian/,
# debhelper) on a copy of this tree in deb-build/, so that its clean (make
# clean) leaves this tree's builds alone.  The source package and the
# .buildinfo and .changes files stay in deb-build/.  make deps DEPS=deb
# installs what it needs; dpkg-buildpackage names what is missing.
DEB = tarpit_`dpkg-parsechangelog -S Version`_`dpkg-architecture -qDEB_HOST_ARCH`
deb:
	rm -rf deb-build && mkdir -p deb-build/tarpit
	tar -cf - --exclude-vcs --exclude=./deb-build --exclude='./tarpit_*.deb' . | \
	    tar -xf - -C deb-build/tarpit
	cd deb-build/tarpit && dpkg-buildpackage --no-sign
	rm -rf deb-build/tarpit
	cp deb-build/$(DEB).deb .

# lintian, as Debian 12 has it, on the package and its source: no error and
# no warning.  An override would go into debian/, with a comment saying why.
lint-deb: deb
	lintian --fail-on error,warning --show-overrides deb-build/$(DEB).changes

# Static analysis; CI runs it.  The clang-tidy checks left out, and why:
# reserved-identifier (_GNU_SOURCE is how the feature macros are asked for),
# easily-swappable-parameters and narrowing-conversions (style: every char
# conversion here is deliberate), not-null-terminated-result (lines are counted
# octets, not strings), cert-err33-c (wants the result of every snprintf and
# setsockopt checked, where a failure changes nothing), and
# DeprecatedOrUnsafeBufferHandling (flags every memcpy and snprintf and asks
# for C11 Annex K, which glibc does not have).
TIDY_CHECKS = -*,bugprone-*,clang-analyzer-*,cert-*,\
    -bugprone-reserved-identifier,-cert-dcl37-c,-cert-dcl51-cpp,\
    -bugprone-easily-swappable-parameters,-bugprone-narrowing-conversions,\
    -bugprone-not-null-terminated-result,-cert-err33-c,\
    -clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling
# One file at a time: clang-tidy 14 given both mixes up their two die().
SOURCES = tarpit.c probe.c $(REPORT_SOURCES)
lint:
	mandoc -Tlint -Wwarning man/tarpit.8 man/tarpit-report.1 man/tarpit-deploy.7 \
	    man/tarpit-probe.8
	for f in $(SOURCES); do \
	    $(CC) -fanalyzer -Werror $(CPPFLAGS) $(CFLAGS) $(SYSTEMD_CFLAGS) \
	        -c -o /dev/null $$f || exit 1; \
	done
	cppcheck --enable=warning,portability --error-exitcode=1 --quiet \
	    --std=c11 $(SOURCES)
	for f in $(SOURCES); do \
	    clang-tidy --quiet --warnings-as-errors='*' --checks='$(TIDY_CHECKS)' \
	        $$f -- -std=c11 $(SYSTEMD_CFLAGS) || exit 1; \
	done

# What one held connection costs, against the cheapest possible holder
# (bench/README.md).  N connections under each of LAUNCHERS, then LARGE_N
# under real systemd alone (LARGE_N=0 leaves that out); root.
N = 1000
LAUNCHERS = sa,xinetd,systemd
LARGE_N = 4096
bench/floor: bench/floor.c
	$(MUSL_CC) -static -Os -s -o $@ bench/floor.c
# The large run under systemd takes its figures at N on the way too, in the
# same hold, so the two sizes compare within one run.
LARGE_BENCH = python3 bench/bench.py --launchers systemd --serial 50 --burst 100 \
    --cpu-pair-window 0 --stages $(N)
bench:
	tools/install-deps check
	$(MAKE) tarpit tarpit-static bench/floor
	python3 bench/bench.py -n $(N) --launchers $(LAUNCHERS)
	[ "$(LARGE_N)" = 0 ] || $(LARGE_BENCH) -n $(LARGE_N)
# SCALE_N bots held at once under real systemd with the shipped units, with
# MaxConnections= raised to SCALE_N for the run (a drop-in): the figures at N
# and at SCALE_N from one hold.  Root; about 20 minutes a build.
SCALE_N = 10000
SCALE_BUILDS = tarpit,tarpit-static,floor
bench-scale:
	tools/install-deps check
	$(MAKE) tarpit tarpit-static bench/floor
	$(LARGE_BENCH) -n $(SCALE_N) --max-connections $(SCALE_N) --builds $(SCALE_BUILDS)
# Bursts through each launcher: FLOODS, each COUNT connections opened evenly
# over SECONDS and closed at its banner; latency, refused and stalled
# connections, and whether the records are complete.  Root; about 17 minutes.
FLOODS = 1000/5,6000/120
bench-burst:
	tools/install-deps check
	$(MAKE) tarpit
	python3 bench/bench.py --flood $(FLOODS) --launchers $(LAUNCHERS) --builds tarpit
# The per-instance price of each systemd hardening option.
bench-hardening:
	tools/install-deps check
	$(MAKE) tarpit bench/floor
	python3 bench/bench.py --hardening -n 400 --serial 50
# How long real SMTP clients and MTAs stay held, each with its default
# timeouts, with and without the greeting wait (bench/clients.py;
# bench/README.md, "Real clients").  Root; about 20 minutes.
CLIENTS_MAX_TIME = 900
bench-clients:
	bench/install-client-deps
	$(MAKE) tarpit
	python3 bench/clients.py --max-time $(CLIENTS_MAX_TIME)
# A quick run so the driver cannot rot; CI runs it.
bench-smoke: tarpit tarpit-static bench/floor
	python3 bench/bench.py -n 20 --serial 20 --burst 20 --cpu-window 2 \
	    --cpu-pair-window 2 --settle 1 --strict
	python3 bench/bench.py --flood 20/1 --builds tarpit --flood-timeout 30 --strict

# Opt-in, like tarpit-sandbox.conf: the journal shipping configuration of a tar
# pit host and of the collector (tarpit-deploy(7), MANY MX HOSTS).
JOURNAL_CONFIG = upload.conf upload-retry.conf remote.conf remote-allow.conf
# Opt-in too, each pair off until its timer is enabled: the probe of the higher
# MX hosts, on a tar pit host, and the blocklist's refresh (tarpit-report(1)).
OPT_IN_UNITS = tarpit-probe.service tarpit-probe.timer \
    tarpit-blocklist.service tarpit-blocklist.timer

# UNITDIR and SYSUSERSDIR come from systemd's pkg-config file: without it they
# would be empty and the units would land in DESTDIR's root.
install: all
	@[ -n "$(UNITDIR)" ] && [ -n "$(SYSUSERSDIR)" ] || { echo "tarpit: pkg-config" \
	    "does not know systemd, which says where units go; install it with:" \
	    "make deps DEPS=install, or set UNITDIR and SYSUSERSDIR" >&2; exit 1; }
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(REPORT_BINDIR)
	mkdir -p $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	mkdir -p $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(DOCDIR)
	install -m 755 tarpit $(DESTDIR)$(BINDIR)/tarpit
	install -m 644 man/tarpit.8 $(DESTDIR)$(MANDIR)/man8/tarpit.8
	install -m 755 tarpit-report $(DESTDIR)$(REPORT_BINDIR)/tarpit-report
	install -m 644 man/tarpit-report.1 $(DESTDIR)$(MANDIR)/man1/tarpit-report.1
	install -m 644 man/tarpit-deploy.7 $(DESTDIR)$(MANDIR)/man7/tarpit-deploy.7
	install -m 755 tarpit-probe $(DESTDIR)$(BINDIR)/tarpit-probe
	install -m 644 man/tarpit-probe.8 $(DESTDIR)$(MANDIR)/man8/tarpit-probe.8
	install -m 644 units/tarpit.socket $(DESTDIR)$(UNITDIR)/tarpit.socket
	sed 's|=$(SHIPPED_BINDIR)/tarpit|=$(BINDIR)/tarpit|' units/tarpit@.service \
	    > $(DESTDIR)$(UNITDIR)/tarpit@.service
	chmod 644 $(DESTDIR)$(UNITDIR)/tarpit@.service
	sed 's|=$(SHIPPED_REPORT_BINDIR)/tarpit-report|=$(REPORT_BINDIR)/tarpit-report|' \
	    units/tarpit-metrics.service > $(DESTDIR)$(UNITDIR)/tarpit-metrics.service
	chmod 644 $(DESTDIR)$(UNITDIR)/tarpit-metrics.service
	install -m 644 units/tarpit-metrics.timer $(DESTDIR)$(UNITDIR)/tarpit-metrics.timer
	for u in $(OPT_IN_UNITS); do \
	    sed -e 's|=$(SHIPPED_REPORT_BINDIR)/tarpit-report|=$(REPORT_BINDIR)/tarpit-report|' \
	        -e 's|=$(SHIPPED_BINDIR)/tarpit-probe|=$(BINDIR)/tarpit-probe|' \
	        units/$$u > $(DESTDIR)$(UNITDIR)/$$u && \
	    chmod 644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -m 644 units/tarpit.sysusers $(DESTDIR)$(SYSUSERSDIR)/tarpit.conf
	install -m 644 units/tarpit-sandbox.conf $(DESTDIR)$(DOCDIR)/tarpit-sandbox.conf
	mkdir -p $(DESTDIR)$(DOCDIR)/journal
	for f in $(JOURNAL_CONFIG); do \
	    install -m 644 units/journal/$$f $(DESTDIR)$(DOCDIR)/journal/$$f || exit 1; \
	done

# xinetd/tarpit does nothing without xinetd, which nothing here installs: the
# target stops first with one line saying how to install it (without its
# recommends, which bring rsyslog).  Only for an install into this machine:
# with DESTDIR (staging, a package) the files are for another root, whose
# xinetd is not this one's.  XINETD is where it is looked for.
XINETD = /usr/sbin/xinetd
install-xinetd:
	@[ -n "$(DESTDIR)" ] || [ -x "$(XINETD)" ] || { echo "tarpit: xinetd is" \
	    "not installed (no $(XINETD)); install it with: apt-get install" \
	    "--no-install-recommends xinetd" >&2; exit 1; }
	$(MAKE) install
	mkdir -p $(DESTDIR)$(XINETDDIR)
	sed 's|= $(SHIPPED_BINDIR)/tarpit|= $(BINDIR)/tarpit|' xinetd/tarpit \
	    > $(DESTDIR)$(XINETDDIR)/tarpit
	chmod 644 $(DESTDIR)$(XINETDDIR)/tarpit

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tarpit $(DESTDIR)$(MANDIR)/man8/tarpit.8
	rm -f $(DESTDIR)$(REPORT_BINDIR)/tarpit-report \
	    $(DESTDIR)$(MANDIR)/man1/tarpit-report.1
	rm -f $(DESTDIR)$(MANDIR)/man7/tarpit-deploy.7
	rm -f $(DESTDIR)$(UNITDIR)/tarpit.socket $(DESTDIR)$(UNITDIR)/tarpit@.service
	rm -f $(DESTDIR)$(UNITDIR)/tarpit-metrics.service \
	    $(DESTDIR)$(UNITDIR)/tarpit-metrics.timer
	rm -f $(DESTDIR)$(BINDIR)/tarpit-probe $(DESTDIR)$(MANDIR)/man8/tarpit-probe.8
	for u in $(OPT_IN_UNITS); do rm -f $(DESTDIR)$(UNITDIR)/$$u; done
	rm -f $(DESTDIR)$(SYSUSERSDIR)/tarpit.conf $(DESTDIR)$(XINETDDIR)/tarpit
	rm -f $(DESTDIR)$(DOCDIR)/tarpit-sandbox.conf
	for f in $(JOURNAL_CONFIG); do rm -f $(DESTDIR)$(DOCDIR)/journal/$$f; done
	-rmdir $(DESTDIR)$(DOCDIR)/journal

clean:
	rm -f tarpit tarpit-static tarpit-asan tarpit-debug tarpit-report bench/floor \
	    tarpit-probe \
	    tarpit-report-asan tarpit-report-debug tests/sandbox-probe \
	    tests/sandbox-probe-static tests/fuzz/fuzz-session tests/fuzz/fuzz-report
	rm -rf tests/fuzz/work tests/fuzz/work-report deb-build
	rm -f tarpit_*.deb

.PHONY: all bench bench-burst bench-clients bench-hardening bench-scale bench-smoke check deb demo deps fresh-check fuzz lint lint-deb install install-xinetd server-check uninstall clean
