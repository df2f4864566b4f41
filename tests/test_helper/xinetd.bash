# Real xinetd (rig/xinetd) serving the shipped xinetd/tarpit entry as it is, on port
# 25 (smtp) of a network namespace of its own, with the build under test where the
# entry says, as `make install-xinetd` installs them (rig/units).  Its mount namespace
# is nested in that of a test journald (journald_start of common-setup), so that the
# records, and xinetd itself, touch nothing of the host's.
# Load after test_helper/common-setup; call journald_start and then xinetd_start from
# setup_file, xinetd_stop and then journald_stop from teardown_file.

# The shipped entry: the smtp service, on [::] for both families (flags = IPv6).
export XINETD_PORT=25
# Test entries beside it, made from it with a port of their own: one with a short
# delay and --max-time appended to server_args, for the tests of the dialogue, and one
# whose server_args are wrong, for the usage error.
export XINETD_FAST_PORT=2526
export XINETD_BAD_PORT=2527

xinetd_start() {
	export XINETD_DIR=$BATS_FILE_TMPDIR/xinetd
	local dest=$XINETD_DIR/dest entry
	mkdir -p "$XINETD_DIR/entries"
	"$RIG/units" install "$dest" "$TARPIT" || { fail "rig/units install failed"; return; }
	entry=$dest/etc/xinetd.d/tarpit
	# the fast one with the one-line banner at once, as in every test of the dialogue
	# (common-setup); the shipped one as it is, with the default greeting
	xinetd_test_entry "$entry" smtp-fast "$XINETD_FAST_PORT" \
		-e 's/^\(\s*server_args\s*=.*\)$/\1 --greet-wait 0 -d 0.2 -t 2/' >"$XINETD_DIR/entries/tarpit-fast"
	xinetd_test_entry "$entry" smtp-bad "$XINETD_BAD_PORT" \
		-e 's/^\(\s*server_args\s*=\).*$/\1 --delay 0/' >"$XINETD_DIR/entries/tarpit-bad"
	# Inside: the installed binary where the entry says it is, and /dev/log the
	# journal's syslog socket as on a Debian host.
	nsenter -t "$JOURNALD_PID" -m -- "$RIG/xinetd" serve "$XINETD_DIR" \
		--bind="$dest$("$RIG/units" sbindir):$("$RIG/units" sbindir)" \
		--dev-log=/run/systemd/journal/dev-log \
		"$entry" "$XINETD_DIR/entries/tarpit-fast" "$XINETD_DIR/entries/tarpit-bad" &
	export XINETD_PID=$!
	"$RIG/xinetd" ready "$XINETD_DIR" || fail "xinetd is not serving"
}

# xinetd_test_entry FILE ID PORT [SED-ARGS...]: the entry of FILE as service ID on
# PORT, further changed by SED-ARGS.
xinetd_test_entry() {
	local file=$1 id=$2 port=$3
	shift 3
	sed -e '/^{$/a\' -e "\tid          = $id\n\ttype        = UNLISTED\n\tport        = $port" "$@" "$file"
}

xinetd_stop() {
	[[ -n ${XINETD_PID-} ]] || return 0
	"$RIG/xinetd" stop "$XINETD_DIR"
	wait "$XINETD_PID" 2>/dev/null || true
	XINETD_PID=
}

# in_xinetd_net COMMAND...: run COMMAND on xinetd's network, where it listens.
in_xinetd_net() {
	"$RIG/xinetd" net "$XINETD_DIR" "$@"
}

# xinetd_client ARGS...: rig/client talk there.
xinetd_client() {
	in_xinetd_net "$RIG/client" talk "$@"
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
