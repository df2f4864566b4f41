# Helpers for tests/blocklist.bats: the entries the listing rule reads, written with
# fixed timestamps as report.bash writes tarpit's (its T0, entry and journal_build),
# and a namespace of real parts: its own network and a journald, real Postfix logging
# to it through /dev/log, real tarpit under systemd-socket-activate, and rbldnsd.
# Load after test_helper/common-setup and test_helper/report.
# shellcheck disable=SC2034,SC2154 # the names are for, and from, the .bats file

PROBE=$(realpath -m "${TARPIT_PROBE:-$BATS_TEST_DIRNAME/../tarpit-probe}")
MSG_PROBE=$(record_h_string MESSAGE_ID_PROBE)
MX1=1111111111111111111111111111111a
MX2=2222222222222222222222222222222b
MX_NS_PID=

# at SECONDS: the moment SECONDS after T0, as tarpit-report's -U takes it.
at() {
	echo "@$(awk -v t0="$T0" -v s="$1" 'BEGIN { printf "%.6f", t0 / 1e6 + s }')"
}

# blocklist FORMAT [ARGS...]: tarpit-report --blocklist FORMAT on $JOURNAL, made for
# the moment T0 + 1 h unless ARGS give their own -U.
blocklist() {
	report --blocklist "$1" -U "$(at 3600)" "${@:2}"
}

# bot_session START ADDR PREGREET [FIELD=VALUE...]: a session of 30 s, both its
# records with the FIELDs.
bot_session() {
	local end pid=$((RANDOM % 30000 + 2))
	end=$(awk -v a="$1" 'BEGIN { printf "%.3f", a + 30 }')
	entry "$1" "$pid" MESSAGE_ID="$MSG_CONNECT" TARPIT_EVENT=connect \
		"MESSAGE=event=connect" REMOTE_ADDR="$2" REMOTE_PORT=4000 "${@:4}"
	entry "$end" "$pid" MESSAGE_ID="$MSG_DISCONNECT" TARPIT_EVENT=disconnect \
		"MESSAGE=event=disconnect" REMOTE_ADDR="$2" REMOTE_PORT=4000 PREGREET="$3" \
		DURATION_SEC=30.000 END_REASON=peer-closed "${@:4}"
}

# smtpd_connect WHEN ADDR, postscreen_connect WHEN ADDR, master_line WHEN TEXT: the
# Postfix lines the rule reads, as Postfix 3.7 logs them through syslog.
smtpd_connect() {
	IDENTIFIER=postfix/smtpd COMM=${COMM:-smtpd} entry "$1" 500 "MESSAGE=connect from unknown[$2]"
}

postscreen_connect() {
	IDENTIFIER=postfix/postscreen COMM=${COMM:-postscreen} entry "$1" 501 \
		"MESSAGE=CONNECT from [$2]:40000 to [198.51.100.25]:25"
}

master_line() {
	IDENTIFIER=postfix/master COMM=${COMM:-master} entry "$1" 502 "MESSAGE=$2"
}

# probe_record WHEN up|down: a tarpit-probe record of the primary.
probe_record() {
	IDENTIFIER=tarpit-probe COMM=${COMM:-tarpit-probe} entry "$1" 503 MESSAGE_ID="$MSG_PROBE" \
		TARPIT_EVENT=probe PROBE_TARGET=mx1.test PROBE_ADDR=198.51.100.25 PROBE_RESULT="$2" \
		"MESSAGE=event=probe target=mx1.test addr=198.51.100.25 result=$2"
}

# --- real parts ---------------------------------------------------------------------

# mx_ns_start: a mount and network namespace of its own (loopback up) holding a
# journald, with /dev/log its syslog socket and Postfix's directories our own, as on a
# mail host where journald is also the syslog daemon.  Exports MX_NS_PID.
mx_ns_start() {
	local dir=$BATS_TEST_TMPDIR/mx
	mkdir -p "$dir/dev-upper" "$dir/dev-work" "$dir/etc" "$dir/spool" "$dir/lib"
	ln -s /run/systemd/journal/dev-log "$dir/dev-upper/log"
	cp -a /etc/postfix/. "$dir/etc/"
	# Postfix's data_directory must be its own
	chown postfix:postfix "$dir/lib"
	unshare --mount --net --propagation private -- sh -c '
		ip link set lo up &&
		mount -t tmpfs tmpfs /run &&
		{ [ ! -d /var/log/journal ] || mount -t tmpfs tmpfs /var/log/journal; } &&
		mkdir -p /run/systemd/journal &&
		mount -t overlay overlay -o "lowerdir=/dev,upperdir=$1/dev-upper,workdir=$1/dev-work" /dev &&
		mount --bind "$1/etc" /etc/postfix &&
		mount --bind "$1/spool" /var/spool/postfix &&
		mount --bind "$1/lib" /var/lib/postfix &&
		SYSTEMD_LOG_TARGET=console exec /lib/systemd/systemd-journald' sh "$dir" \
		2>"$dir/journald.log" 3>&- &
	MX_NS_PID=$!
	wait_until 5 test -S "/proc/$MX_NS_PID/root/run/systemd/journal/dev-log"
}

mx_ns_stop() {
	[[ -n $MX_NS_PID ]] || return 0
	# Postfix, tarpit's activator and rbldnsd run in it: end them first
	in_mx postfix stop >/dev/null 2>&1 || true
	[[ -z ${TARPIT_ACTIVATOR_PID-} ]] || kill -TERM -- "-$TARPIT_ACTIVATOR_PID" 2>/dev/null || true
	[[ -z ${RBLDNSD_PID-} ]] || kill "$RBLDNSD_PID" 2>/dev/null || true
	# a test that failed while journald was stopped left it so
	kill -CONT "$MX_NS_PID" 2>/dev/null || true
	kill "$MX_NS_PID" 2>/dev/null || true
	wait "$MX_NS_PID" 2>/dev/null || true
	MX_NS_PID=
}

in_mx() {
	nsenter -t "$MX_NS_PID" -m -n -- "$@"
}

# postfix_start: Postfix 3.7 as a primary MX for mx.test on 127.0.0.1:25 in the
# namespace, postscreen in front of smtpd, logging through syslog.  Again after a
# stop, it starts the same Postfix.
postfix_start() {
	if [[ ! -e $BATS_TEST_TMPDIR/mx/etc/main.cf ]]; then
		cp /usr/share/postfix/main.cf.debian "$BATS_TEST_TMPDIR/mx/etc/main.cf"
		in_mx postconf -e compatibility_level=3.6 myhostname=mx.test mydestination=mx.test \
			inet_interfaces=127.0.0.1 inet_protocols=ipv4 mynetworks=127.0.0.0/8 alias_maps= alias_database= \
			smtpd_tls_security_level=none maillog_file=
		in_mx postconf -M# smtp/inet
		in_mx postconf -Me 'smtp/inet=smtp inet n - n - 1 postscreen' \
			'smtpd/pass=smtpd pass - - n - - smtpd' 'dnsblog/unix=dnsblog unix - - n - 0 dnsblog'
	fi
	in_mx postfix start 2>/dev/null
	wait_until 10 in_mx bash -c 'exec 3<>/dev/tcp/127.0.0.1/25'
}

# tarpit_listen: the tarpit under test on 127.0.0.1:2525 in the namespace, one process
# per connection, its records to the namespace's journald, a greeting of 0.3 s.
tarpit_listen() {
	local log=$BATS_TEST_TMPDIR/activator.log
	setsid nsenter -t "$MX_NS_PID" -m -n -- systemd-socket-activate --inetd -a \
		-l 127.0.0.1:2525 "$TARPIT" --greet-wait 0.3 -d 0.1 -t 5 -H mx9.test -l journal \
		2>"$log" 3>&- &
	TARPIT_ACTIVATOR_PID=$!
	wait_until 5 grep -q '^Listening on' "$log"
}

# client_from SOURCE PORT BEFORE AFTER: a connection from SOURCE to 127.0.0.1:PORT
# in the namespace that sends BEFORE at once (backslash escapes), reads the greeting
# to its last line and prints it, then, unless AFTER is empty, sends AFTER and prints
# the replies until the server closes.
client_from() {
	in_mx python3 -c 'import socket, sys
def text(arg):
    return arg.encode().decode("unicode_escape").encode("latin-1")
s = socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=10,
                             source_address=(sys.argv[1], 0))
s.sendall(text(sys.argv[3]))
f = s.makefile("rb")
while (line := f.readline()) and line[3:4] == b"-":
    pass
sys.stdout.write(line.decode("latin-1"))
if sys.argv[4]:
    s.sendall(text(sys.argv[4]))
    while line := f.readline():
        sys.stdout.write(line.decode("latin-1"))
s.close()' "$@"
}

# tarpits_gone: no tarpit of tarpit_listen's is alive.
tarpits_gone() {
	! pgrep -P "$TARPIT_ACTIVATOR_PID" >/dev/null
}

# tarpit_from SOURCE PORT [TEXT]: a session at the tar pit that ends (peer closed) at
# the greeting's last line; with TEXT it talked before.  Held that long, as a bot is,
# tarpit is still there when journald reads its name for its first record.
tarpit_from() {
	client_from "$1" "$2" "${3-}" ''
}

# smtp_from SOURCE PORT [TEXT]: an SMTP client at the MX: after the greeting, TEXT
# and QUIT.
smtp_from() {
	client_from "$1" "$2" '' "${3-}QUIT\r\n"
}

# forged_disconnect ADDRESS [COMMAND...]: a pregreet disconnect record of ADDRESS with
# tarpit's fields, written through the namespace's journald by logger(1) (run through
# COMMAND, such as setpriv to be another user), which exits at once.
forged_disconnect() {
	local address=$1
	shift
	in_mx "$@" logger --journald <<EOF
MESSAGE_ID=$MSG_DISCONNECT
SYSLOG_IDENTIFIER=tarpit
MESSAGE=event=disconnect remote_addr=$address remote_port=1
REMOTE_ADDR=$address
REMOTE_PORT=1
PREGREET=1
DURATION_SEC=1.000
END_REASON=quit
EOF
}

# mx_journal_has PATTERN N: N entries of the namespace's journal match PATTERN.
mx_journal_has() {
	in_mx journalctl --sync
	[[ $(in_mx journalctl -q -o cat --no-pager | grep -c -- "$1") == "$2" ]]
}

mx_probe_count() {
	in_mx journalctl --sync
	[[ $(in_mx journalctl -q -o cat --no-pager -t tarpit-probe | wc -l) == "$1" ]]
}

# rbldnsd_start DIR ZONE:TYPE:FILE: rbldnsd serving DIR/FILE on 127.0.0.1 in the
# namespace, chrooted there (its own user could not reach the test's files), until the test
# ends.  Exports RBLDNSD_PORT.
rbldnsd_start() {
	[[ -n $MX_NS_PID ]] || mx_ns_start
	RBLDNSD_PORT=5353
	# nsenter itself, not in_mx, so that $! is rbldnsd (nsenter execs it)
	nsenter -t "$MX_NS_PID" -m -n -- rbldnsd -n -r "$1" -b "127.0.0.1/$RBLDNSD_PORT" "$2" \
		2>"$BATS_TEST_TMPDIR/rbldnsd.log" 3>&- &
	RBLDNSD_PID=$!
	wait_until 5 rbldnsd_answers "${2%%:*}"
}

# rbldnsd_answers ZONE: the zone's SOA comes back.
rbldnsd_answers() {
	[[ -n $(in_mx dig +short +time=1 +tries=1 -p "$RBLDNSD_PORT" @127.0.0.1 "$1" SOA) ]]
}

# units_analyze ARGS...: systemd-analyze ARGS in a mount namespace of its own where
# tarpit-report and tarpit-probe are where the units run them from, and /run is empty
# (analyze leaves a stamp there).
units_analyze() {
	local dir=$BATS_TEST_TMPDIR/units
	mkdir -p "$dir/bin" "$dir/sbin"
	install -m 755 "$REPORT" "$dir/bin/tarpit-report"
	install -m 755 "$PROBE" "$dir/sbin/tarpit-probe"
	unshare --mount --propagation private -- sh -c '
		mount -t tmpfs tmpfs /run && mount --bind "$1/bin" /usr/local/bin &&
		mount --bind "$1/sbin" /usr/local/sbin && shift &&
		exec systemd-analyze "$@"' sh "$dir" "$@"
}
