# Sendmail 8.17 relays one message to 127.0.0.1:$PORT, its smart host, as its
# only next hop.  Sourced by run.sh inside the container.  Its timers are per
# line read (confTO_DATAINIT and the others).

mta_install() {
	# sendmail logs to syslog only: a receiver on /dev/log (rig/syslogd.py)
	python3 "$here/../syslogd.py" /dev/log /var/log/mail.log &
	wait_for 5 test -S /dev/log
	apt_install sendmail-bin sendmail-cf m4 make
}

mta_start() {
	# before MAILER_DEFINITIONS; a bare [127.0.0.1] would be taken for this host
	sed -i '/^MAILER_DEFINITIONS/i\
define(`SMART_HOST'"'"', `relay:[127.0.0.1]'"'"')dnl\
define(`RELAY_MAILER_ARGS'"'"', `TCP $h '"$PORT"''"'"')dnl\
define(`ESMTP_MAILER_ARGS'"'"', `TCP $h '"$PORT"''"'"')dnl\
define(`confDOMAIN_NAME'"'"', `'"$HELO_NAME"''"'"')dnl' /etc/mail/sendmail.mc
	m4 /etc/mail/sendmail.mc >/etc/mail/sendmail.cf
	# a queue runner only: no -bd, nothing listens on port 25; -Am, the MTA's
	# own configuration, not submit.cf's relay to port 25
	sendmail -Am -q10s
}

mta_send() {
	sendmail -Am -f root@sender.example b@example.org <"$MESSAGE"
}

mta_version() { echo "Sendmail $(sendmail -d0.1 -bv root 2>/dev/null | sed -n 's/^Version \([^ ]*\).*/\1/p')"; }
mta_deferred() { grep -q 'stat=Deferred' /var/log/mail.log; }
mta_bounced() { grep -q 'DSN: \|dsn=5' /var/log/mail.log; }
mta_log() { grep -E 'stat=|dsn=' /var/log/mail.log; }
mta_queued() { mailq 2>/dev/null | grep -c '^[0-9A-Za-z]\{8,\}[* ]'; }
