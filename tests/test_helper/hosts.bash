# Several hosts on a private network of their own: two tar pits (mx1, mx2) and a
# collector, each a systemd-nspawn container booting real systemd (rig/units boot),
# joined by a zone bridge, with the output of `make install` laid over its real paths
# and the shipped journal configuration (units/journal/) put where tarpit-deploy(7) says.
# The tar pits ship their journals with systemd-journal-upload to the collector's
# systemd-journal-remote over HTTPS; spam bots are swaks(1) runs in a network
# namespace of their own on the same bridge.
# Load after test_helper/common-setup.  Call hosts_boot from setup_file and
# hosts_teardown from teardown_file.  Other sets of hosts (test_helper/mx-hosts)
# boot their own roles with hosts_start and set each up with the pieces below.

# The zone's addresses exist only on its bridge, which has none on this side.
export HOSTS_NET=10.77.0
export HOSTS_REMOTE_PORT=19532
# systemd-journal-upload's own state, which says where it stopped
export HOSTS_UPLOAD_STATE=/var/lib/private/systemd/journal-upload/state
HOSTS_KEYS=/etc/tarpit/journal
HOSTS_SBINDIR=$("$RIG/units" sbindir)

host_octet() {
	case $1 in
	collector) echo 10 ;;
	mx1) echo 11 ;;
	mx2) echo 12 ;;
	primary) echo 20 ;;
	tarpit) echo 21 ;;
	sender) echo 22 ;;
	bots) echo 100 ;;
	esac
}

# host_addr ROLE: the host's address on the zone.
host_addr() {
	echo "$HOSTS_NET.$(host_octet "$1")"
}

# host_name ROLE: its machine name, also its hostname and so its _HOSTNAME.
host_name() {
	echo "$1-$HOSTS_ID"
}

# host_dir ROLE: its rig/nspawn state directory.
host_dir() {
	echo "$HOSTS_DIR/$1"
}

# on ROLE COMMAND...: run COMMAND inside the host, as if logged in there.
on() {
	"$RIG/nspawn" enter "$(host_dir "$1")" "${@:2}"
}

# bots COMMAND...: run a host program in the bots' network namespace.
bots() {
	ip netns exec "$HOSTS_BOTS_NETNS" "$@"
}

# --- boot -----------------------------------------------------------------------

# hosts_boot: the collector and the two tar pits booted, the collector and the tar
# pits set up as tarpit-deploy(7) says, and the bots' namespace added.
hosts_boot() {
	local role
	hosts_start collector mx1 mx2 || return
	collector_setup mx1 mx2 || return
	for role in mx1 mx2; do
		tarpit_host_setup "$role" || return
	done
	bots_netns_create
}

# hosts_start ROLE...: install into a DESTDIR, make the certificates, boot the hosts
# on one zone and give them their addresses.
hosts_start() {
	local role
	export HOSTS_ROLES="$*"
	export HOSTS_ID=$$
	export HOSTS_DIR=$BATS_FILE_TMPDIR/hosts
	export HOSTS_ZONE=tpm$HOSTS_ID
	export HOSTS_DEST=$HOSTS_DIR/dest
	mkdir -p "$HOSTS_DIR"
	"$RIG/units" install "$HOSTS_DEST" "$TARPIT" || { fail "rig/units install failed"; return; }
	hosts_certificates || return
	for role in $HOSTS_ROLES; do
		host_start "$role"
	done
	for role in $HOSTS_ROLES; do
		host_ready "$role" || return
	done
}

# host_start ROLE: boot the host's container in the background, with the report and
# the docs of the install too.  Its /var is a directory of ours that outlives the
# container, as a disk would: the journal and the uploader's state survive a reboot.
host_start() {
	local role=$1 dir
	dir=$(host_dir "$role")
	mkdir -p "$dir/var/log/journal"
	"$RIG/units" boot "$dir" "$(host_name "$role")" "$HOSTS_DEST" \
		--network-zone="$HOSTS_ZONE" --bind="$dir/var:/var" \
		--overlay-ro="/usr/local/bin:$HOSTS_DEST/usr/local/bin:/usr/local/bin" \
		--overlay-ro="/usr/local/share:$HOSTS_DEST/usr/local/share:/usr/local/share" \
		3>&- &
	export "HOST_${role}_PID=$!"
}

# host_ready ROLE: wait until it has booted, then give it its address.
host_ready() {
	local dir
	dir=$(host_dir "$1")
	"$RIG/nspawn" ready "$dir" || { fail "$1 is not ready"; return 1; }
	"$RIG/nspawn" net "$dir" ip link set host0 up
	"$RIG/nspawn" net "$dir" ip addr add "$(host_addr "$1")/24" dev host0
	# the bridge comes with the first container
	ip link set "vz-$HOSTS_ZONE" up
}

host_fail() {
	fail "$1: $2; failed units: $(on "$1" systemctl --failed --no-legend 2>&1)"
}

# host_file ROLE PATH MODE GROUP: standard input into PATH inside the host.
host_file() {
	local root
	root=/proc/$("$RIG/nspawn" leader "$(host_dir "$1")")/root
	mkdir -p "$root${2%/*}"
	cat >"$root$2"
	chmod "$3" "$root$2"
	on "$1" chgrp "$4" "$2"
}

# shipped FILE: a file of units/journal/ as `make install` put it.
shipped() {
	cat "$HOSTS_DEST/usr/local/share/doc/tarpit/journal/$1"
}

# collector_setup ROLE...: journal-remote.conf.d and the socket's allow-list from the
# shipped files, with the addresses of the hosts ROLE... (those that ship their
# journals here) in the list, then the socket started.
collector_setup() {
	local pki=$HOSTS_DIR/pki allowed=() role
	for role; do
		allowed+=("$(host_addr "$role")")
	done
	host_file collector "$HOSTS_KEYS/ca.pem" 644 root <"$pki/ca.pem"
	host_file collector "$HOSTS_KEYS/remote.pem" 644 root <"$pki/collector.pem"
	host_file collector "$HOSTS_KEYS/remote.key" 640 systemd-journal-remote <"$pki/collector.key"
	shipped remote.conf | host_file collector /etc/systemd/journal-remote.conf.d/tarpit.conf 644 root
	shipped remote-allow.conf |
		sed "s/^IPAddressAllow=.*/IPAddressAllow=${allowed[*]}/" |
		host_file collector /etc/systemd/system/systemd-journal-remote.socket.d/tarpit-allow.conf 644 root
	on collector systemctl daemon-reload
	on collector systemctl start systemd-journal-remote.socket
	wait_until 10 remote_listening || host_fail collector "systemd-journal-remote.socket is not listening"
}

remote_listening() {
	[[ $(on collector systemctl show -P SubState systemd-journal-remote.socket) == listening ]]
}

# tarpit_host_setup ROLE: the tarpit user and the shipped tarpit.socket on port 25,
# and the host's journal shipped to the collector.
tarpit_host_setup() {
	"$RIG/units" listen "$(host_dir "$1")" 25
	journal_upload_setup "$1"
}

# journal_upload_setup ROLE: the uploader with the shipped upload.conf (URL set to the
# collector) and retry drop-in, started.
journal_upload_setup() {
	local role=$1 pki=$HOSTS_DIR/pki
	host_file "$role" "$HOSTS_KEYS/ca.pem" 644 root <"$pki/ca.pem"
	host_file "$role" "$HOSTS_KEYS/upload.pem" 644 root <"$pki/$role.pem"
	host_file "$role" "$HOSTS_KEYS/upload.key" 640 systemd-journal <"$pki/$role.key"
	shipped upload.conf |
		sed "s|^URL=.*|URL=https://$(host_addr collector):$HOSTS_REMOTE_PORT|" |
		host_file "$role" /etc/systemd/journal-upload.conf.d/tarpit.conf 644 root
	shipped upload-retry.conf |
		host_file "$role" /etc/systemd/system/systemd-journal-upload.service.d/tarpit-retry.conf 644 root
	on "$role" systemctl daemon-reload
	on "$role" systemctl enable --now --quiet systemd-journal-upload.service
	wait_until 10 uploader_active "$role" || host_fail "$role" "the uploader is not running"
}

uploader_active() {
	[[ $(on "$1" systemctl show -P ActiveState systemd-journal-upload.service) == active ]]
}

# hosts_certificates: a CA, and a key and certificate it signed for each host, with
# its name and address, as the recipe of tarpit-deploy(7) makes them.
hosts_certificates() {
	local pki=$HOSTS_DIR/pki role
	mkdir -p "$pki"
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=tarpit-test-ca \
		-keyout "$pki/ca.key" -out "$pki/ca.pem" 2>"$pki/log" || { fail "openssl: $(cat "$pki/log")"; return; }
	for role in $HOSTS_ROLES; do
		openssl req -newkey rsa:2048 -nodes -subj "/CN=$(host_name "$role")" \
			-keyout "$pki/$role.key" -out "$pki/$role.csr" 2>>"$pki/log" &&
			openssl x509 -req -in "$pki/$role.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
				-CAcreateserial -days 30 -out "$pki/$role.pem" -extfile <(
					printf 'subjectAltName=DNS:%s,IP:%s\nextendedKeyUsage=serverAuth,clientAuth\n' \
						"$(host_name "$role")" "$(host_addr "$role")"
				) 2>>"$pki/log" || { fail "openssl: $(cat "$pki/log")"; return; }
	done
}

# bots_netns_create: the bots' network namespace on the zone bridge, with
# $HOSTS_NET.100 to .119: addresses outside the collector's allow-list.
bots_netns_create() {
	local k
	export HOSTS_BOTS_NETNS=tarpit-bots-$HOSTS_ID HOSTS_BOTS_LINK=tpb$HOSTS_ID
	ip netns add "$HOSTS_BOTS_NETNS"
	ip link add "$HOSTS_BOTS_LINK" type veth peer name eth0 netns "$HOSTS_BOTS_NETNS"
	ip link set "$HOSTS_BOTS_LINK" master "vz-$HOSTS_ZONE" up
	for ((k = 100; k < 120; k++)); do
		ip -n "$HOSTS_BOTS_NETNS" addr add "$HOSTS_NET.$k/24" dev eth0
	done
	ip -n "$HOSTS_BOTS_NETNS" link set eth0 up
	ip -n "$HOSTS_BOTS_NETNS" link set lo up
}

# --- crash and reboot -----------------------------------------------------------

# host_crash ROLE: what a power cut does: every process of the host killed at once,
# nothing shut down or written on the way out.  Its /var stays.
host_crash() {
	local role=$1 dir pid
	dir=$(host_dir "$role")
	pid=$(host_var "$role" PID)
	kill -KILL "$("$RIG/nspawn" leader "$dir")"
	wait_until 15 process_gone "$pid" || { fail "$role did not go down"; return; }
	wait "$pid" 2>/dev/null || true
	"$RIG/nspawn" stop "$dir"
	# the bridge's end of its link, which a socket left in its old namespace can keep
	ip link delete "vb-$(host_name "$role")" 2>/dev/null || true
}

# host_reboot_after_crash ROLE: host_crash, then boot the tar pit host again: same
# machine, same /var, same address.  Its /etc is a tmpfs, so the setup is laid again,
# as a real disk would have kept it.
host_reboot_after_crash() {
	host_crash "$1" || return
	host_start "$1"
	host_ready "$1" || return
	tarpit_host_setup "$1"
}

# --- teardown -------------------------------------------------------------------

hosts_teardown() {
	local role pid
	[[ -z ${HOSTS_BOTS_NETNS-} ]] || ip netns delete "$HOSTS_BOTS_NETNS" 2>/dev/null || true
	for role in $HOSTS_ROLES; do
		pid=$(host_var "$role" PID)
		[[ -n $pid ]] || continue
		"$RIG/nspawn" stop "$(host_dir "$role")"
		wait "$pid" 2>/dev/null || true
	done
	# nspawn leaves the bridge behind when a link it did not make was on it
	[[ -z ${HOSTS_ZONE-} ]] || ip link delete "vz-$HOSTS_ZONE" 2>/dev/null || true
}

# host_var ROLE FIELD: the value of HOST_<ROLE>_<FIELD>.
host_var() {
	local name=HOST_${1}_$2
	echo "${!name-}"
}

# --- spam bots and their records --------------------------------------------------

# bot_session ROLE FROM PATIENCE: a spam bot (swaks) from address $HOSTS_NET.FROM at
# the tar pit ROLE's port 25, which gives up after PATIENCE seconds of a reply that
# never ends, in the background; its PID joins BOT_PIDS.
bot_session() {
	# ip netns exec execs swaks, so that $! is the bot itself
	ip netns exec "$HOSTS_BOTS_NETNS" swaks --server "$(host_addr "$1"):25" --local-interface "$HOSTS_NET.$2" \
		--helo "bot$2.example" --from "a@bot$2.example" --to b@example.org \
		--timeout "$3" >/dev/null 2>&1 3>&- &
	BOT_PIDS+=($!)
}

# bots_done: every bot started by bot_session has given up.
bots_done() {
	local pid
	for pid in "${BOT_PIDS[@]}"; do
		process_gone "$pid" || return 1
	done
}

bots_stop() {
	((${#BOT_PIDS[@]} == 0)) || kill "${BOT_PIDS[@]}" 2>/dev/null || true
	((${#BOT_PIDS[@]} == 0)) || wait "${BOT_PIDS[@]}" 2>/dev/null || true
	BOT_PIDS=()
}

# machine_id ROLE: the host's machine ID, its _MACHINE_ID.
machine_id() {
	cat "$(host_dir "$1")/machine-id"
}

# local_records ROLE: the tarpit entries in the host's own journal, one a line as
# "BOOT MONOTONIC REALTIME MESSAGE", sorted.
local_records() {
	on "$1" journalctl --sync
	on "$1" journalctl -q -o json --no-pager SYSLOG_IDENTIFIER=tarpit | record_lines
}

# collected_records ROLE: the same, as the collector has them from that host, each
# as many times as it was stored.
collected_records() {
	on collector journalctl -q -o json --no-pager -D /var/log/journal/remote \
		SYSLOG_IDENTIFIER=tarpit _MACHINE_ID="$(machine_id "$1")" | record_lines
}

record_lines() {
	jq -r '"\(._BOOT_ID) \(.__MONOTONIC_TIMESTAMP) \(.__REALTIME_TIMESTAMP) \(.MESSAGE)"' | sort
}

# all_collected ROLE: every tarpit record of the host has reached the collector.
all_collected() {
	[[ $(collected_records "$1" | uniq) == "$(local_records "$1")" ]]
}

# uploader_state_at ROLE EVENT PORT: the uploader's saved cursor is that of the tarpit
# EVENT record of client port PORT: the last entry it sent.
uploader_state_at() {
	local cursor
	cursor=$(on "$1" journalctl -q -o json --no-pager SYSLOG_IDENTIFIER=tarpit \
		TARPIT_EVENT="$2" REMOTE_PORT="$3" | jq -r .__CURSOR)
	[[ -n $cursor ]] && on "$1" grep -qxF "LAST_CURSOR=$cursor" "$HOSTS_UPLOAD_STATE"
}

# collected_count ROLE REGEX: how many of the host's records at the collector match.
collected_count() {
	collected_records "$1" | grep -c -- "$2" || true
}

# collected_times ROLE REGEX N: the collector holds exactly N records matching REGEX.
collected_times() {
	[[ $(collected_count "$1" "$2") == "$3" ]]
}

# seconds_since EPOCHREALTIME SECONDS: at least SECONDS have passed since then.
seconds_since() {
	awk -v then="$1" -v now="$EPOCHREALTIME" -v s="$2" 'BEGIN { exit !(now - then >= s) }'
}

# --- the report, on each tar pit and on the collector -------------------------------

# FIGURES: the figures of a tarpit-report --json document (or of one of its hosts)
# that a host's own report and the collector's must agree on; the time held in
# milliseconds, so that sums of them are exact.
FIGURES='[.sessions, .distinct_addresses, (.held_sec * 1000 | round), .still_held, .lost]'

# local_figures ROLE: FIGURES of the host's report on its own journal.
local_figures() {
	on "$1" journalctl --sync
	on "$1" tarpit-report --json | jq -c "$FIGURES"
}

# collector_report ARGS...: tarpit-report on the collector, over its whole journal
# directory, as tarpit-deploy(7) says to run it there.
collector_report() {
	on collector tarpit-report --directory /var/log/journal "$@"
}

# collector_figures ROLE: FIGURES of the collector's report with --host, and of that
# host's line in the collector's report of every host: one JSON array a line.
collector_figures() {
	local name
	name=$(host_name "$1")
	collector_report --json --host "$name" | jq -c "$FIGURES"
	collector_report --json | jq -c --arg name "$name" ".hosts[] | select(.host == \$name) | $FIGURES"
}

# assert_reports_agree: each tar pit's figures at the collector, with --host and in
# the per-host table, are those of its own report; the collector's totals are their
# sums, but for the distinct addresses, which are those of both hosts together.
assert_reports_agree() {
	local role mine sum='[0,0,0,0,0]' addresses
	for role in mx1 mx2; do
		wait_until 30 all_collected "$role" || return
		mine=$(local_figures "$role")
		run -0 collector_figures "$role"
		assert_equal "$role: ${lines[0]}" "$role: $mine"
		assert_equal "$role: ${lines[1]}" "$role: $mine"
		sum=$(jq -nc --argjson a "$sum" --argjson b "$mine" '[range(5) | $a[.] + $b[.]]')
	done
	addresses=$({ on mx1 tarpit-report --addresses; on mx2 tarpit-report --addresses; } | sort -u | grep -c .)
	sum=$(jq -c --argjson n "$addresses" '.[1] = $n' <<<"$sum")
	run -0 collector_report --json
	assert_equal "total: $(jq -c "$FIGURES" <<<"$output")" "total: $sum"
}
