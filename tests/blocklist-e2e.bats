#!/usr/bin/env bats
# The blocklist end to end (issue 19): what the tar pit catches becomes a list the
# primary MX consumes, and real mail is never listed.  Real systemd in nspawn on a
# private zone bridge (test_helper/hosts, test_helper/mx-hosts), booted once for the
# file:
#   collector  journal-remote (from the primary and the tar pit), the shipped
#              blocklist timer writing rbldnsd's zone, rbldnsd, and the domain's DNS
#              (dnsmasq: MX 10 the primary, MX 90 the tar pit); DNS shares this host
#              to save a container, as it holds no state a test looks at
#   primary    real Postfix, the domain's MX 10, its journal shipped to the collector
#   tarpit     the shipped tarpit.socket on port 25 (MX 90) and the probe timer
#              pointed at the primary, its journal shipped to the collector
#   sender     real Postfix of another domain, following the MX records
#   bots       a network namespace on the bridge, straight to the tar pit
# The bots come at once when the hosts are up, so that one wait serves each test of
# the listing.  Test-only settings, each for time: the tar pit holds a session
# HOLD_SEC seconds, the probe runs every 10 s, the sender gives a connection 5 s and
# retries every 5 to 10 s.  The blocklist timer runs every minute as shipped; the
# tests that show an address is not listed also run its service at once, as the
# timer would.

load test_helper/common-setup
load test_helper/hosts
load test_helper/mx-hosts

# seconds the tar pit holds a session before its 421
HOLD_SEC=5
# The bots' and the sender's addresses, on the zone.
PREGREET=$HOSTS_NET.101     # talks before the greeting
ALLOWED=$HOSTS_NET.102      # the same, from an address in the allowlist
FORGED=$HOSTS_NET.103       # a record another program writes on the tar pit host
NEWCOMER=$HOSTS_NET.104     # waits for the greeting, while the primary is up
SENDER_CUT=30               # the sender's address while the network to the primary is cut
SENDER_STOPPED=31           # and while the primary's Postfix is stopped
# The seconds after which the sender retries each message it deferred: both retries
# come after the report has judged both fallbacks (2 minutes and a probe after the
# stop's session, which comes some 10 s after the cut's deferral: measured 126 to
# 132 s after, and 40 s more for a loaded machine), while the primary has not
# yet seen either sender.
CUT_BACKOFF=190
STOPPED_BACKOFF=170
ALLOWLIST=/etc/tarpit/allowlist
TABLE=/etc/postfix/tarpit.cidr

setup_file() {
	export E2E_START=${EPOCHREALTIME/./}
	hosts_start collector primary tarpit sender || return
	collector_setup primary tarpit || return
	dns_setup || return
	primary_setup || return
	tarpit_mx_setup "$HOLD_SEC" || return
	probe_setup || return
	printf '# the tests allowlist one bot\n%s\n' "$ALLOWED" | host_file collector "$ALLOWLIST" 644 root
	blocklist_setup --allowlist "$ALLOWLIST" || return
	sender_setup || return
	sender_route cut "$SENDER_CUT" || return
	sender_route stopped "$SENDER_STOPPED" || return
	bots_netns_create
	echo "# blocklist-e2e.bats: hosts booted and set up in $(since "$E2E_START") s" >&3
	bots_come
}

teardown_file() {
	bots_stop
	hosts_teardown
	echo "# blocklist-e2e.bats: $(since "$E2E_START") s in all, boot included" >&3
}

# bots_come: the pregreeting bots, the forged record and the newcomer, at once; the
# moment each came is exported as E2E_<NAME>_AT, in microseconds since the epoch, as
# are all the moments here.
bots_come() {
	BOT_PIDS=()
	export E2E_PREGREET_AT=${EPOCHREALTIME/./}
	pregreet_bot "${PREGREET##*.}"
	pregreet_bot "${ALLOWED##*.}"
	wait_until 10 session_logged "$PREGREET"
	forge_pregreet_record "$PREGREET" "$FORGED"
	export E2E_NEWCOMER_AT=${EPOCHREALTIME/./}
	bot_session tarpit "${NEWCOMER##*.}" 2
	wait_until 30 bots_done
}

# session_logged ADDRESS: the tar pit host's journal has the end of a session of
# ADDRESS; prints its record.
session_logged() {
	on tarpit journalctl -q -o cat --no-pager SYSLOG_IDENTIFIER=tarpit TARPIT_EVENT=disconnect REMOTE_ADDR="$1" | grep .
}

# forge_pregreet_record FROM TO: the tar pit's disconnect record of FROM, written again
# into the tar pit host's journal by python3 with TO as the address: every field of a
# real record of a bot that talked before the greeting, but journald's own (_COMM,
# _SYSTEMD_UNIT, ...), which no program can forge.  python3 stays a second after,
# so that journald finds it to name it.
forge_pregreet_record() {
	on tarpit journalctl -q -o json --no-pager SYSLOG_IDENTIFIER=tarpit TARPIT_EVENT=disconnect REMOTE_ADDR="$1" |
		jq -r 'to_entries[] | select(.key | test("^[A-Z]")) | "\(.key)=\(.value)"' |
		sed "s/^MESSAGE=\(.*remote_addr=\)$1 /MESSAGE=\1$2 /; s/^REMOTE_ADDR=.*/REMOTE_ADDR=$2/" |
		on tarpit python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(sys.stdin.buffer.read(), "/run/systemd/journal/socket")
time.sleep(1)'
}

# moment_save NAME: now, kept for later tests as moment NAME (a test's variables end
# with it).
moment_save() {
	echo "${EPOCHREALTIME/./}" >"$BATS_FILE_TMPDIR/moment-$1"
}

moment() {
	cat "$BATS_FILE_TMPDIR/moment-$1"
}

# listed ADDRESS: the DNSBL answers for it now.
listed() {
	[[ $(dnsbl_answer "$1") == 127.0.0.2 ]]
}

# listed_or_pause ADDRESS: listed, or false after half a second (a slower poll).
listed_or_pause() {
	listed "$1" || { sleep 0.5; return 1; }
}

# since MOMENT: the seconds since then, to the tenth.
since() {
	local tenths=$(((${EPOCHREALTIME/./} - $1) / 100000))
	echo "$((tenths / 10)).$((tenths % 10))"
}

# passed MOMENT SECONDS: at least SECONDS have passed since MOMENT.
passed() {
	((${EPOCHREALTIME/./} - $1 >= $2 * 1000000))
}

# bot_at_primary ADDRESS: one message tried from ADDRESS to the primary, by swaks.
bot_at_primary() {
	bots swaks --server "$(host_addr primary):25" --local-interface "$1" --helo bot.example \
		--from a@bot.example --to "$MX_RECIPIENT" --timeout 5
}

@test "a bot that talks before the last MX's greeting is listed within 2 minutes, and the primary's DNSBL check then gives it a 450" {
	local listed_after rejected_after
	# as the README has it
	primary_restrict "reject_rbl_client $MX_DNSBL=127.0.0.2"
	wait_until 130 listed_or_pause "$PREGREET"
	listed_after=$(since "$E2E_PREGREET_AT")
	run bot_at_primary "$PREGREET"
	assert_line --regexp "^<\*\* +450 4\.7\.1 .*Client host \[$PREGREET\] blocked using $MX_DNSBL"
	rejected_after=$(since "$E2E_PREGREET_AT")
	run -0 postfix_log primary smtpd
	assert_line --regexp "^NOQUEUE: reject: RCPT from unknown\[$PREGREET\]: 450 4\.7\.1 .*blocked using $MX_DNSBL"
	printf '# the bot listed %s s after its session; the primary rejected it %s s after\n' \
		"$listed_after" "$rejected_after" >&3
	((${listed_after%.*} < 120))
}

@test "the primary's check_client_access with the default postfix table, copied from the collector, gives the bot a 450" {
	on collector tarpit-report -D /var/log/journal --allowlist "$ALLOWLIST" --blocklist postfix -o /root/blocklist.cidr
	# as an admin's rsync would bring it
	host_file primary "$TABLE" 644 root <"$(host_root collector)/root/blocklist.cidr"
	run -0 on primary postmap -q "$PREGREET" "cidr:$TABLE"
	assert_output --regexp '^450 4\.7\.1 '
	primary_restrict "check_client_access cidr:$TABLE"
	run bot_at_primary "$PREGREET"
	assert_line --regexp "^<\*\* +450 4\.7\.1 <unknown\[$PREGREET\]>: Client host rejected: "
	run -0 postfix_log primary smtpd
	assert_line --regexp "^NOQUEUE: reject: RCPT from unknown\[$PREGREET\]: 450 4\.7\.1 <unknown\[$PREGREET\]>: Client host rejected: "
}

@test "an allowlisted address that talked before the greeting is not listed" {
	wait_until 30 all_shipped tarpit SYSLOG_IDENTIFIER=tarpit
	blocklist_refresh
	listed "$PREGREET"
	run -0 session_logged "$ALLOWED"
	assert_output --partial ' pregreet=1 '
	run ! listed "$ALLOWED"
}

@test "a tarpit record forged by another program on the tar pit host is not listed, and counted as ignored" {
	wait_until 30 all_shipped tarpit SYSLOG_IDENTIFIER=tarpit
	blocklist_refresh
	listed "$PREGREET"
	# it reached the collector, with its true _COMM
	run -0 on collector journalctl -q -o json --no-pager -D /var/log/journal/remote REMOTE_ADDR="$FORGED"
	assert_equal "$(jq -r '"\(._COMM) \(.PREGREET)"' <<<"$output")" "python3 1"
	run ! listed "$FORGED"
	run -0 on collector head -n 1 "$MX_RBLDNSD_ZONE"
	assert_output --regexp '; ignored, as not written by their programs: [1-9][0-9]* tarpit records, '
}

@test "a listing ends once --expire has passed since its last evidence" {
	local at expire
	at=$(on collector journalctl -q -o json --no-pager -D /var/log/journal/remote \
		SYSLOG_IDENTIFIER=tarpit TARPIT_EVENT=disconnect REMOTE_ADDR="$PREGREET" | jq -r .__REALTIME_TIMESTAMP)
	# 15 s more than its age now
	expire=$(((${EPOCHREALTIME/./} - at) / 1000000 + 15))
	blocklist_args --allowlist "$ALLOWLIST" --expire "${expire}s"
	blocklist_refresh
	listed "$PREGREET"
	wait_until 30 passed "$at" "$((expire + 1))"
	blocklist_refresh
	run ! listed "$PREGREET"
	blocklist_args --allowlist "$ALLOWLIST"
	blocklist_refresh
	listed "$PREGREET"
}

@test "a newcomer at the last MX while the primary was up, and had not seen it, is listed once the probe has covered 2 minutes after" {
	run -0 session_logged "$NEWCOMER"
	assert_output --partial ' pregreet=0 '
	wait_until 160 probe_covered "$E2E_NEWCOMER_AT"
	assert_judged_list
	listed "$NEWCOMER"
	run -0 postfix_log primary smtpd
	refute_output --partial "[$NEWCOMER]"
}

# probe_covered MOMENT: the tar pit host has a probe record from 2 minutes and a
# second after then (the report judges a moment once the probe has covered the 2
# minutes after it); false after a pause of a second otherwise.
probe_covered() {
	probe_since "$(($1 + 121000000))" '' || { sleep 1; return 1; }
}

# probe_since MOMENT RESULT: the probe has logged RESULT (up, down; empty for
# either) since then.
probe_since() {
	probe_results | awk -v t="$1" -v r="$2" '
		$1 >= t && (r == "" || $2 == r) { found = 1 } END { exit !found }'
}

probe_since_or_pause() {
	probe_since "$@" || { sleep 0.5; return 1; }
}

# assert_judged_list: the blocklist service run now, with every record of the tar pit
# host and every line of the primary's Postfix at the collector.
assert_judged_list() {
	wait_until 30 all_shipped tarpit SYSLOG_IDENTIFIER=tarpit SYSLOG_IDENTIFIER=tarpit-probe
	wait_until 30 all_shipped primary SYSLOG_IDENTIFIER=postfix/smtpd SYSLOG_IDENTIFIER=postfix/master
	blocklist_refresh
}

# assert_held_and_deferred ID OCTET: the sender's message ID, tried from $HOSTS_NET.OCTET,
# was held by the tar pit until its 421 and deferred, and waits in its queue.
assert_held_and_deferred() {
	local record
	wait_until 40 sender_delivery "$1" deferred
	run -0 sender_delivery "$1" deferred
	assert_line --regexp "relay=$(mx_name tarpit)\[$(host_addr tarpit)\]:25, .* dsn=4\.7\.0, status=deferred .*421 4\.7\.0 "
	record=$(session_logged "$HOSTS_NET.$2")
	assert_regex "$record" " helo=\"$(mx_name sender)\" pregreet=0 duration_sec=$HOLD_SEC\.[0-9]+ .* end_reason=max-time$"
	sender_queued "$1"
}

# assert_delivered_to_primary ID: the sender delivers the message ID to the primary.
assert_delivered_to_primary() {
	wait_until "$((CUT_BACKOFF + 30))" sender_delivery "$1" sent
	run -0 sender_delivery "$1" sent
	assert_line --regexp "relay=$(mx_name primary)\[$(host_addr primary)\]:25, .* status=sent \(250 "
}

@test "a legitimate sender falls back to the tar pit while the network to the primary is cut and its Postfix runs: held, deferred" {
	local cut_at restored_at
	cut_at=${EPOCHREALTIME/./}
	"$RIG/nspawn" net "$(host_dir primary)" ip link set host0 down
	wait_until 30 probe_since_or_pause "$cut_at" down
	sender_backoff "$CUT_BACKOFF"
	sender_send cut "cut-$HOSTS_ID"
	assert_held_and_deferred "cut-$HOSTS_ID" "$SENDER_CUT"
	moment_save cut-deferred
	run -0 on primary systemctl is-active postfix@-.service
	restored_at=${EPOCHREALTIME/./}
	"$RIG/nspawn" net "$(host_dir primary)" ip link set host0 up
	# the probe's next connection is the primary's first since: no master line between
	wait_until 30 probe_since_or_pause "$restored_at" up
}

@test "a legitimate sender falls back to the tar pit while the primary's Postfix is stopped: held, deferred" {
	sender_backoff "$STOPPED_BACKOFF"
	postfix_stop primary
	moment_save stopped
	sender_send stopped "stopped-$HOSTS_ID"
	assert_held_and_deferred "stopped-$HOSTS_ID" "$SENDER_STOPPED"
	run -0 on sender journalctl -q --no-pager -o cat SYSLOG_FACILITY=2
	assert_line --regexp "connect to $(mx_name primary)\[$(host_addr primary)\]:25: Connection refused"
	postfix_start primary
}

@test "the senders that fell back are not listed once their sessions are judged, then deliver to the primary on their next try, and are still not listed" {
	wait_until 160 probe_covered "$(moment stopped)"
	assert_judged_list
	echo "# both fallbacks judged $(since "$(moment cut-deferred)") s after the cut's deferral" \
		"(retried after $CUT_BACKOFF s), $(since "$(moment stopped)") s after the stop" \
		"(its message retried $STOPPED_BACKOFF s after its deferral)" >&3
	# the primary has not seen them yet: only the outages keep them off the list
	sender_queued "cut-$HOSTS_ID" || fail "the cut's message was tried again before the fallbacks were judged"
	sender_queued "stopped-$HOSTS_ID" || fail "the stop's message was tried again before the fallbacks were judged"
	listed "$PREGREET"
	run ! listed "$HOSTS_NET.$SENDER_CUT"
	run ! listed "$HOSTS_NET.$SENDER_STOPPED"
	assert_delivered_to_primary "cut-$HOSTS_ID"
	assert_delivered_to_primary "stopped-$HOSTS_ID"
	assert_judged_list
	run ! listed "$HOSTS_NET.$SENDER_CUT"
	run ! listed "$HOSTS_NET.$SENDER_STOPPED"
	run -0 postfix_log primary smtpd
	refute_line --regexp "^NOQUEUE: reject: .*\[$HOSTS_NET\.($SENDER_CUT|$SENDER_STOPPED)\]"
}
