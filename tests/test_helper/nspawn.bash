# Real systemd as PID 1 in systemd-nspawn (rig/nspawn), booted on the host's own /usr,
# with the output of `make install` laid over its real paths (rig/units): the tests
# of the shipped units.  Load after test_helper/common-setup; call nspawn_boot from
# setup_file and nspawn_teardown from teardown_file.  Exports NSPAWN_* for the tests.

# Where the socket listens inside the container (the shipped unit says 25).
export NSPAWN_PORT=2525
# Where the shipped units run tarpit from: BINDIR of `make install` by default.
NSPAWN_SBINDIR=$("$RIG/units" sbindir)
export NSPAWN_SBINDIR

# nspawn_boot: install into a DESTDIR with the build under test, boot the container
# (with the systemd-nspawn options in the array NSPAWN_EXTRA, if set), and have
# tarpit.socket listen on $NSPAWN_PORT.
nspawn_boot() {
	export NSPAWN_DIR=$BATS_FILE_TMPDIR/nspawn
	# also the container's hostname, so the name in every reply
	export NSPAWN_NAME=tarpit-test-$$
	mkdir -p "$NSPAWN_DIR"
	"$RIG/units" install "$NSPAWN_DIR/dest" "$TARPIT" || { fail "rig/units install failed"; return; }
	"$RIG/units" boot "$NSPAWN_DIR" "$NSPAWN_NAME" "$NSPAWN_DIR/dest" --private-network \
		"${NSPAWN_EXTRA[@]}" &
	export NSPAWN_PID=$!
	"$RIG/nspawn" ready "$NSPAWN_DIR" || { fail "the container is not ready"; return; }
	NSPAWN_LEADER=$("$RIG/nspawn" leader "$NSPAWN_DIR")
	export NSPAWN_LEADER
	# the one-line banner at once, as in every test of the dialogue (common-setup),
	# by a drop-in: the shipped unit stays as installed
	printf '[Service]\nExecStart=\nExecStart=%s/tarpit --greet-wait 0\n' "$NSPAWN_SBINDIR" |
		"$RIG/nspawn" dropin "$NSPAWN_DIR" tarpit@.service greeting
	"$RIG/units" listen "$NSPAWN_DIR" "$NSPAWN_PORT" || fail "tarpit.socket does not listen"
}

# in_container COMMAND...: run COMMAND inside, as if logged in there.
in_container() {
	"$RIG/nspawn" enter "$NSPAWN_DIR" "$@"
}

# in_container_net COMMAND...: run a host program (client) on the container's network,
# where the socket listens on the loopback.
in_container_net() {
	"$RIG/nspawn" net "$NSPAWN_DIR" "$@"
}

# container_layout: v1 or v2, the cgroup layout the container's systemd sees.
container_layout() {
	"$RIG/nspawn" layout "$NSPAWN_DIR"
}

# container_has_controllers: units get the memory and pids controllers.  Not so in
# a v2 container on a host that keeps them on v1 (rig/unified).
container_has_controllers() {
	[[ $(container_layout) == v1 ]] || in_container grep -qw memory /sys/fs/cgroup/cgroup.controllers
}

# unit_dropin UNIT NAME TEXT: /etc/systemd/system/UNIT.d/NAME.conf inside holds TEXT
# (printf %b escapes), then daemon-reload.
unit_dropin() {
	printf '%b' "$3" | "$RIG/nspawn" dropin "$NSPAWN_DIR" "$1" "$2"
}

# unit_property UNIT PROPERTY: the value, as `systemctl show` has it.
unit_property() {
	in_container systemctl show -P "$2" "$1"
}

socket_listening() {
	[[ $(unit_property tarpit.socket ActiveState)/$(unit_property tarpit.socket SubState) == active/listening ]]
}

# instances_running: how many tarpit@ instances are active now.
instances_running() {
	in_container systemctl list-units --no-legend --plain --state=active 'tarpit@*' | grep -c . || true
}

no_instances() {
	[[ $(instances_running) == 0 ]]
}

# container_client ARGS...: rig/client talk on the container's loopback.
container_client() {
	in_container_net "$RIG/client" talk "$@"
}

# container_flood ARGS...: rig/client flood (many connections at once), likewise.
container_flood() {
	in_container_net "$RIG/client" flood "$@"
}

# --- the container's journal --------------------------------------------------------

# journal_entry EVENT PORT: the one tarpit journal entry of EVENT (connect, disconnect)
# for the client port PORT, one FIELD=VALUE a line; fails unless there is exactly one.
journal_entry() {
	one_journal_entry in_container TARPIT_EVENT="$1" REMOTE_PORT="$2"
}

# journal_entry_by FIELD=VALUE EVENT: the same, found by another field (HELO=...).
journal_entry_by() {
	one_journal_entry in_container TARPIT_EVENT="$2" "$1"
}

# --- teardown -----------------------------------------------------------------------

# nspawn_teardown: halt the container and remove what it leaves on the host.
nspawn_teardown() {
	[[ -n ${NSPAWN_PID-} ]] || return 0
	"$RIG/nspawn" stop "$NSPAWN_DIR"
	wait "$NSPAWN_PID" 2>/dev/null || true
	NSPAWN_PID=
}

