# A domain's mail, on hosts booted by test_helper/hosts.bash: the collector also
# serves the domain's DNS (dnsmasq) and the DNSBL (rbldnsd), the primary MX and a
# legitimate sender run real Postfix, and the tar pit is the last MX.  One function
# a role, each called once the hosts are ready; the sender and the primary get the
# host's installed Postfix, with the files its package put in this machine's /etc
# (the containers' /etc is a fresh tmpfs).  Load after test_helper/hosts.

export MX_DOMAIN=example.org
# The DNSBL zone that rbldnsd serves on the collector and the primary queries.
export MX_DNSBL=bl.example.org
# rbldnsd listens on the collector's loopback; dnsmasq forwards the zone to it.
MX_RBLDNSD_ADDR=127.0.0.1/5353
MX_RBLDNSD_ZONE=/var/lib/rbldns/tarpit
# The recipient of the sender's mail, at the primary.
export MX_RECIPIENT=postmaster@$MX_DOMAIN

# mx_name ROLE: the host's name in the domain.
mx_name() {
	echo "$1.$MX_DOMAIN"
}

# host_root ROLE: the host's root directory, as this side sees it.
host_root() {
	echo "/proc/$("$RIG/nspawn" leader "$(host_dir "$1")")/root"
}

# host_etc ROLE FILE...: copies of this machine's /etc/FILE in the host, as the
# packages that own them left them.
host_etc() {
	local root file
	root=$(host_root "$1")
	for file in "${@:2}"; do
		cp -a "/etc/$file" "$root/etc/"
	done
}

# resolver_setup ROLE: the host resolves names through the collector's dnsmasq.
resolver_setup() {
	echo "nameserver $(host_addr collector)" | host_file "$1" /etc/resolv.conf 644 root
}

# --- the collector: DNS and the DNSBL ----------------------------------------------

# dns_setup: dnsmasq on the collector's address, as a unit of its own: the domain's MX
# records (10 for the primary, 90 for the tar pit), the hosts' names both ways, and
# the DNSBL zone forwarded to rbldnsd.  It caches nothing, so that every lookup of
# the zone gives what rbldnsd serves at that moment (the primary's own resolver, on
# a real site, would keep an answer for the zone's TTL).
dns_setup() {
	local role records=()
	for role in primary tarpit sender; do
		records+=("--host-record=$(mx_name "$role"),$(host_addr "$role")")
	done
	on collector systemd-run --quiet --unit=mx-dns --property=Restart=on-failure \
		dnsmasq --keep-in-foreground --log-facility=- --user=nobody --group=nogroup \
		--no-resolv --no-hosts --bogus-priv --cache-size=0 --bind-interfaces \
		--listen-address="$(host_addr collector)" "${records[@]}" \
		--mx-host="$MX_DOMAIN,$(mx_name primary),10" --mx-host="$MX_DOMAIN,$(mx_name tarpit),90" \
		--server="/$MX_DNSBL/${MX_RBLDNSD_ADDR/\//#}"
	wait_until 10 dns_answers || host_fail collector "dnsmasq does not answer"
}

dns_answers() {
	[[ $(dig_at_collector +short MX "$MX_DOMAIN") == *"$(mx_name tarpit)."* ]]
}

# dig_at_collector ARGS...: dig(1) on the primary's network, asking the collector's
# dnsmasq, as the primary's resolver does.
dig_at_collector() {
	"$RIG/nspawn" net "$(host_dir primary)" dig +time=2 +tries=1 @"$(host_addr collector)" "$@"
}

# rbldnsd_setup: Debian's rbldnsd.service on the collector, serving the DNSBL zone from
# the combined file the blocklist service writes.  The file must be there first:
# the unit does not start without a zone.
rbldnsd_setup() {
	printf 'RBLDNSD="- -b %s -w %s %s:combined:%s"\n' "$MX_RBLDNSD_ADDR" \
		"${MX_RBLDNSD_ZONE%/*}" "$MX_DNSBL" "${MX_RBLDNSD_ZONE##*/}" |
		host_file collector /etc/default/rbldnsd 644 root
	on collector systemctl start rbldnsd.service || host_fail collector "rbldnsd did not start"
}

# dnsbl_answer ADDRESS: what the zone answers for an IPv4 address through the
# collector's DNS: 127.0.0.2 while it is listed, nothing otherwise.  dig itself, not
# the primary's Postfix, asks: the primary's log shows what Postfix did with it.
dnsbl_answer() {
	local a b c d
	IFS=. read -r a b c d <<<"$1"
	dig_at_collector +short A "$d.$c.$b.$a.$MX_DNSBL"
}

# --- Postfix, on the primary and the sender ----------------------------------------

# postfix_setup ROLE MAIN-CF-SETTING...: Postfix in the host: its users with this
# machine's ids (the binaries' set-group-id group is this machine's postdrop), its
# /etc files, main.cf from Debian's template with the settings given, and its queue.
postfix_setup() {
	local role=$1
	printf 'g postfix %s\nu postfix %s:%s "Postfix" /var/spool/postfix\ng postdrop %s\n' \
		"$(id -g postfix)" "$(id -u postfix)" "$(id -g postfix)" "$(getent group postdrop | cut -d: -f3)" |
		on "$role" systemd-sysusers - >/dev/null || return
	# awk and the port names, which the unit's start script and master need
	host_etc "$role" postfix alternatives services protocols nsswitch.conf
	resolver_setup "$role"
	mx_name "$role" | host_file "$role" /etc/mailname 644 root
	on "$role" cp /usr/share/postfix/main.cf.debian /etc/postfix/main.cf
	on "$role" postconf -e "myhostname = $(mx_name "$role")" compatibility_level=3.6 \
		smtpd_tls_security_level=none smtp_tls_security_level=none "${@:2}"
	on "$role" mkdir -p /var/spool/postfix
	on "$role" postfix check || host_fail "$role" "postfix check failed"
}

# postfix_start ROLE: Debian's postfix@- instance, as systemctl start postfix would.
postfix_start() {
	on "$1" systemctl start postfix@-.service || host_fail "$1" "Postfix did not start"
}

postfix_stop() {
	on "$1" systemctl stop postfix@-.service
}

# primary_setup: Postfix as the domain's primary MX, delivering to local mailboxes,
# with its journal shipped to the collector, where the report reads its lines.
primary_setup() {
	postfix_setup primary "mydestination = $MX_DOMAIN, localhost" "alias_maps = hash:/etc/aliases" \
		"alias_database = hash:/etc/aliases" || return
	echo 'postmaster: root' | host_file primary /etc/aliases 644 root
	on primary newaliases
	on primary install -d -m 1777 /var/mail
	postfix_start primary || return
	journal_upload_setup primary
}

# primary_restrict RESTRICTION...: the primary's smtpd_client_restrictions, reloaded.
# A client restriction acts at RCPT TO (smtpd_delay_reject), where it is logged as
# "NOQUEUE: reject: RCPT from NAME[ADDR]: CODE ...".
primary_restrict() {
	on primary postconf -e "smtpd_client_restrictions = $*" maps_rbl_reject_code=450
	on primary postfix reload
}

# sender_setup: Postfix as another domain's outgoing MTA, which follows example.org's
# MX records.  Test timers: it gives a connection 5 s (default 30 s) and looks at
# its deferred queue every 5 s (default 5 min); sender_backoff sets its retries.
sender_setup() {
	postfix_setup sender mydestination= "myorigin = \$myhostname" smtp_connect_timeout=5s \
		queue_run_delay=5s || return
	# nothing listens on its port 25: it only sends
	on sender postconf -M# smtp/inet
	postfix_start sender
}

# sender_backoff SECONDS: a message the sender defers from now on is tried again after
# SECONDS (default 5 to 66 min, by its age).
sender_backoff() {
	on sender postconf -e "minimal_backoff_time = $1s" "maximal_backoff_time = $1s"
	on sender postfix reload
}

# sender_route NAME OCTET: mail from NAME@ the sender leaves from $HOSTS_NET.OCTET, a
# second address of its host, through a transport of its own (smtpOCTET), as
# Postfix's sender_dependent_default_transport_maps does it for a site with one
# address per sending domain.  Each route is a sender the primary has never seen,
# with its own queue.
sender_route() {
	local name=$1 addr=$HOSTS_NET.$2 transport=smtp$2 routes
	on sender ip addr add "$addr/24" dev host0
	on sender postconf -M "$transport/unix=$transport unix - - y - - smtp -o smtp_bind_address=$addr"
	routes=$(on sender postconf -h sender_dependent_default_transport_maps)
	routes=${routes#inline:\{}
	routes=${routes%\}}
	on sender postconf -e "sender_dependent_default_transport_maps = inline:{$routes${routes:+, }$name@$(mx_name sender)=$transport:}"
	on sender postfix reload
}

# sender_send NAME ID: one message from NAME@ the sender to MX_RECIPIENT, with the
# Message-ID <ID@sender>, queued by sendmail(1).
sender_send() {
	printf 'From: %s@%s\nTo: %s\nMessage-ID: <%s@%s>\nSubject: test\n\none real message\n' \
		"$1" "$(mx_name sender)" "$MX_RECIPIENT" "$2" "$(mx_name sender)" |
		on sender sendmail -f "$1@$(mx_name sender)" "$MX_RECIPIENT"
}

# postfix_log ROLE PROGRAM: the host's Postfix lines of postfix/PROGRAM.
postfix_log() {
	on "$1" journalctl -q --no-pager -o cat -t "postfix/$2"
}

# sender_queue_id ID: the queue id of the message ID, from the sender's cleanup line.
sender_queue_id() {
	postfix_log sender cleanup | sed -n "s/^\([0-9A-F]*\): message-id=<$1@.*/\1/p"
}

# sender_delivery ID STATUS: the sender's lines that give the message ID the STATUS
# (sent, deferred), one a line; false if there is none.
sender_delivery() {
	local queue_id
	queue_id=$(sender_queue_id "$1")
	[[ -n $queue_id ]] &&
		on sender journalctl -q --no-pager -o cat SYSLOG_FACILITY=2 |
		grep -E "^$queue_id: to=<$MX_RECIPIENT>, .* status=$2 "
}

# sender_queued ID: the message ID waits in the sender's active or deferred queue: a
# file named by its queue id (looked for in that order: the queue manager moves a
# deferred message from the first to the second).
sender_queued() {
	local queue_id
	queue_id=$(sender_queue_id "$1")
	[[ -n $queue_id ]] &&
		on sender find /var/spool/postfix/active /var/spool/postfix/deferred -name "$queue_id" | grep -q .
}

# --- the tar pit and the bots ---------------------------------------------------------

# tarpit_mx_setup SECONDS: the tar pit host as the domain's last MX: the shipped
# tarpit.socket on port 25, with a test drop-in that holds each session SECONDS
# (default 3600) with a line a second, and the journal shipped to the collector.
tarpit_mx_setup() {
	printf '[Service]\nExecStart=\nExecStart=%s/tarpit -t %s -d 1 --greet-wait 1\n' "$HOSTS_SBINDIR" "$1" |
		"$RIG/nspawn" dropin "$(host_dir tarpit)" tarpit@.service hold
	tarpit_host_setup tarpit
}

# pregreet_bot OCTET: a bot from $HOSTS_NET.OCTET, straight to the last MX, that says
# EHLO before the greeting has ended, reads the greeting's first line and leaves.
pregreet_bot() {
	bots "$RIG/client" talk --source="$HOSTS_NET.$1" "$(host_addr tarpit)" 25 \
		'send:EHLO bot.example\r\n' read >/dev/null
}

# --- the probe and the blocklist ---------------------------------------------------------

# probe_setup: the shipped probe timer on the tar pit host, pointed at the primary by
# name.  A test drop-in runs it every 10 s (shipped: every minute), so that it sees a
# cut within seconds, and stands in for the traffic of a busy primary, whose
# connections on each side of a session tell the report the primary was up.
probe_setup() {
	resolver_setup tarpit
	echo "TARPIT_PROBE_TARGETS=\"$(mx_name primary)\"" | host_file tarpit /etc/default/tarpit-probe 644 root
	printf '[Timer]\nOnCalendar=\nOnCalendar=*:*:0/10\n' |
		"$RIG/nspawn" dropin "$(host_dir tarpit)" tarpit-probe.timer often
	on tarpit systemctl enable --now --quiet tarpit-probe.timer
	wait_until 30 probe_seen || host_fail primary "no connection from the probe"
}

probe_seen() {
	postfix_log primary smtpd | grep -q "^connect from $(mx_name tarpit)\[$(host_addr tarpit)\]"
}

# probe_results: the tar pit host's probe records, one a line as "REALTIME RESULT".
probe_results() {
	on tarpit journalctl -q -o json --no-pager SYSLOG_IDENTIFIER=tarpit-probe |
		jq -r '"\(.__REALTIME_TIMESTAMP) \(.PROBE_RESULT)"'
}

# blocklist_setup ARG...: on the collector, the shipped blocklist timer, with its
# default format (rbldnsd's zone file, then rbldnsd reloaded) and the report's
# arguments ARG..., and rbldnsd serving the file it wrote first.  rbldnsd's
# directory is made as its package makes it (the host's /var starts empty).
blocklist_setup() {
	blocklist_args "$@"
	on collector install -d -m 755 "${MX_RBLDNSD_ZONE%/*}"
	on collector systemctl start tarpit-blocklist.service || host_fail collector "the blocklist service failed"
	rbldnsd_setup || return
	on collector systemctl enable --now --quiet tarpit-blocklist.timer
}

# blocklist_args ARG...: the report's arguments in the blocklist's configuration,
# from its next run on.
blocklist_args() {
	echo "TARPIT_BLOCKLIST_ARGS=\"-D /var/log/journal $*\"" |
		host_file collector /etc/default/tarpit-blocklist 644 root
}

# blocklist_refresh: the blocklist service run now, as its timer runs it.
blocklist_refresh() {
	on collector systemctl start tarpit-blocklist.service
}

# all_shipped ROLE MATCH...: every entry of the host's journal that journalctl's
# MATCH... selects has reached the collector.
all_shipped() {
	local mine theirs
	on "$1" journalctl --sync
	mine=$(on "$1" journalctl -q -o json --no-pager "${@:2}" | record_lines)
	theirs=$(on collector journalctl -q -o json --no-pager -D /var/log/journal/remote \
		_MACHINE_ID="$(machine_id "$1")" "${@:2}" | record_lines | uniq)
	[[ $mine == "$theirs" ]]
}
