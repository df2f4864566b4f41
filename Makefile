# tarpit: an SMTP tar pit for one connection on stdin and stdout.
# See README.md.  Plain make; the usual variables may be overridden.

PREFIX = /usr/local
BINDIR = $(PREFIX)/sbin
MANDIR = $(PREFIX)/share/man

CC = cc
WARNFLAGS = -Wall -Wextra -Wpedantic
CFLAGS = -std=c11 -O2 $(WARNFLAGS) -fstack-protector-strong -fPIE
CPPFLAGS = -D_FORTIFY_SOURCE=2
LDFLAGS = -pie -Wl,-z,relro,-z,now
SYSTEMD_CFLAGS = `pkg-config --cflags libsystemd`
SYSTEMD_LIBS = `pkg-config --libs libsystemd`

all: tarpit

tarpit: tarpit.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SYSTEMD_CFLAGS) $(LDFLAGS) -o $@ tarpit.c $(SYSTEMD_LIBS) $(LDLIBS)

check: all
	tests/install-deps && tests/run ./tarpit

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8
	cp tarpit $(DESTDIR)$(BINDIR)/tarpit
	chmod 755 $(DESTDIR)$(BINDIR)/tarpit
	cp man/tarpit.8 $(DESTDIR)$(MANDIR)/man8/tarpit.8
	chmod 644 $(DESTDIR)$(MANDIR)/man8/tarpit.8

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tarpit $(DESTDIR)$(MANDIR)/man8/tarpit.8

clean:
	rm -f tarpit

.PHONY: all check install uninstall clean
