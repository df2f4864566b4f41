# Real xinetd in the foreground serving the shipped xinetd/tarpit entry, as
# `make install-xinetd` installs it, in network and mount namespaces of its own
# nested in those of a test journald (journald_start of common-setup), so that the
# records, and xinetd itself, touch nothing of the host's.
# Load after test_helper/common-setup; call journald_start and then xinetd_start from
# setup_file, xinetd_stop and then journald_stop from teardown_file.

# The shipped entry, changed only by a port and "type = UNLISTED" (no /etc/services
# name for it): serves as on a real host, on [::] for both families (flags = IPv6).
export XINETD_PORT=2525
# The same entry with a short delay and --max-time appended to server_args, for the
# tests of the dialogue; and one whose server_args are wrong, for the usage error.
export XINETD_FAST_PORT=2526
export XINETD_BAD_PORT=2527

xinetd_start() {
	export XINETD_DIR=$BATS_FILE_TMPDIR/xinetd
	local dest=$XINETD_DIR/dest entry
	mkdir -p "$XINETD_DIR/dev-upper" "$XINETD_DIR/dev-work"
	make -s -C "$BATS_TEST_DIRNAME/.." install-xinetd DESTDIR="$dest" >"$XINETD_DIR/make.log" 2>&1 ||
		{ fail "make install-xinetd failed: $(cat "$XINETD_DIR/make.log")"; return; }
	# the build under test, which is not the tree's own when TARPIT says so
	install -m 755 "$TARPIT" "$dest/usr/local/sbin/tarpit"
	entry=$dest/etc/xinetd.d/tarpit
	{
		xinetd_entry "$entry" "$XINETD_PORT"
		xinetd_entry "$entry" "$XINETD_FAST_PORT" -e 's/^\(\s*server_args\s*=.*\)$/\1 -d 0.2 -t 2/' \
			-e '/^{$/a\' -e '\tid          = smtp-fast'
		xinetd_entry "$entry" "$XINETD_BAD_PORT" -e 's/^\(\s*server_args\s*=\).*$/\1 --delay 0/' \
			-e '/^{$/a\' -e '\tid          = smtp-bad'
	} >"$XINETD_DIR/xinetd.conf"
	# Inside: the installed binary where the entry says it is, and /dev/log the
	# journal's syslog socket as on a Debian host.
	nsenter -t "$JOURNALD_PID" -m -- unshare --mount --propagation private --net -- sh -c '
		ip link set lo up &&
		mount --bind "$1/usr/local/sbin" /usr/local/sbin &&
		ln -s /run/systemd/journal/dev-log "$2/dev-upper/log" &&
		mount -t overlay overlay -o "lowerdir=/dev,upperdir=$2/dev-upper,workdir=$2/dev-work" /dev &&
		exec xinetd -dontfork -f "$2/xinetd.conf" -pidfile "$2/xinetd.pid" -filelog "$2/xinetd.log"' \
		sh "$dest" "$XINETD_DIR" </dev/null >"$XINETD_DIR/stderr" 2>&1 3>&- &
	export XINETD_PID=$!
	wait_until 10 grep -qs 'Started working' "$XINETD_DIR/xinetd.log" ||
		fail "xinetd did not start: $(cat "$XINETD_DIR/stderr" "$XINETD_DIR/xinetd.log" 2>&1)"
}

# xinetd_entry FILE PORT [SED-ARGS...]: the entry of FILE on PORT, further changed by
# SED-ARGS.
xinetd_entry() {
	local file=$1 port=$2
	shift 2
	sed -e '/^{$/a\' -e "\ttype        = UNLISTED\n\tport        = $port" "$@" "$file"
}

xinetd_stop() {
	[[ -n ${XINETD_PID-} ]] || return 0
	kill -TERM "$XINETD_PID" 2>/dev/null || true
	wait_until 5 process_gone "$XINETD_PID" || kill -KILL "$XINETD_PID" 2>/dev/null || true
	wait "$XINETD_PID" 2>/dev/null || true
	XINETD_PID=
}

# in_xinetd_net COMMAND...: run COMMAND on xinetd's network, where it listens.
in_xinetd_net() {
	nsenter -t "$XINETD_PID" -n -- "$@"
}

# xinetd_client ARGS...: test_helper/smtpclient.py there.
xinetd_client() {
	in_xinetd_net python3 "$HELPERS/smtpclient.py" "$@"
}

# xinetd_session_pids: the tarpit processes xinetd is running now.
xinetd_session_pids() {
	pgrep -P "$XINETD_PID" -x tarpit
}

# xinetd_journal_entry EVENT PORT: the one tarpit entry of EVENT for client port PORT
# in the test journal, one FIELD=VALUE a line; fails unless there is exactly one.
xinetd_journal_entry() {
	one_journal_entry in_journal TARPIT_EVENT="$1" REMOTE_PORT="$2"
}
