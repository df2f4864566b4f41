# tarpit: an SMTP tar pit for one connection on stdin and stdout.
# See README.md.  Plain make; the usual variables may be overridden.

PREFIX = /usr/local
BINDIR = $(PREFIX)/sbin
MANDIR = $(PREFIX)/share/man
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
BUILD_0 = $(CC) $(CPPFLAGS) $(CFLAGS) $(SYSTEMD_CFLAGS) $(LDFLAGS)
LIBS_0 = $(SYSTEMD_LIBS) $(LDLIBS)
BUILD_1 = $(MUSL_CC) $(CPPFLAGS) -DTARPIT_NATIVE_JOURNAL $(CFLAGS) \
    $(LDFLAGS) -static -no-pie
LIBS_1 = $(LDLIBS)

all: tarpit

tarpit: tarpit.c
	$(BUILD_$(STATIC)) -o $@ tarpit.c $(LIBS_$(STATIC))

# The static build beside the default one, for make check and bench.
tarpit-static: tarpit.c
	$(BUILD_1) -o $@ tarpit.c $(LIBS_1)

check: tarpit tarpit-static
	tests/install-deps && tests/run ./tarpit ./tarpit-static

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8
	mkdir -p $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	cp tarpit $(DESTDIR)$(BINDIR)/tarpit
	chmod 755 $(DESTDIR)$(BINDIR)/tarpit
	cp man/tarpit.8 $(DESTDIR)$(MANDIR)/man8/tarpit.8
	cp units/tarpit.socket $(DESTDIR)$(UNITDIR)/tarpit.socket
	sed 's|@SBINDIR@|$(BINDIR)|' units/tarpit@.service \
	    > $(DESTDIR)$(UNITDIR)/tarpit@.service
	cp units/tarpit.sysusers $(DESTDIR)$(SYSUSERSDIR)/tarpit.conf
	chmod 644 $(DESTDIR)$(MANDIR)/man8/tarpit.8 \
	    $(DESTDIR)$(UNITDIR)/tarpit.socket \
	    $(DESTDIR)$(UNITDIR)/tarpit@.service \
	    $(DESTDIR)$(SYSUSERSDIR)/tarpit.conf

install-xinetd: install
	mkdir -p $(DESTDIR)$(XINETDDIR)
	sed 's|@SBINDIR@|$(BINDIR)|' xinetd/tarpit > $(DESTDIR)$(XINETDDIR)/tarpit
	chmod 644 $(DESTDIR)$(XINETDDIR)/tarpit

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tarpit $(DESTDIR)$(MANDIR)/man8/tarpit.8
	rm -f $(DESTDIR)$(UNITDIR)/tarpit.socket $(DESTDIR)$(UNITDIR)/tarpit@.service
	rm -f $(DESTDIR)$(SYSUSERSDIR)/tarpit.conf $(DESTDIR)$(XINETDDIR)/tarpit

clean:
	rm -f tarpit tarpit-static

.PHONY: all check install install-xinetd uninstall clean
