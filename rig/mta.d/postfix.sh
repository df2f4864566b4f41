# Postfix 3.7 relays one message to 127.0.0.1:$PORT as its only next hop.
# Sourced by run.sh inside the container.  Per-read timers: smtp_helo_timeout
# and the others, 300 s each.

mta_install() {
	echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
	apt_install postfix
	cp /usr/share/postfix/main.cf.debian /etc/postfix/main.cf
}

mta_start() {
	postconf -e "relayhost = [127.0.0.1]:$PORT" mydestination=sender.example \
		myhostname=sender.example "smtp_helo_name = $HELO_NAME" smtp_tls_security_level=none \
		maillog_file=/var/log/postfix.log queue_run_delay=10s \
		minimal_backoff_time=10s maximal_backoff_time=20s
	postconf -M# smtp/inet # no smtpd: nothing listens on port 25
	postfix start
}

mta_send() {
	sendmail -f root@sender.example b@example.org <"$MESSAGE"
}

mta_version() { echo "Postfix $(postconf -h mail_version)"; }
mta_deferred() { grep -q 'status=deferred' /var/log/postfix.log; }
mta_bounced() { grep -q 'status=bounced' /var/log/postfix.log; }
mta_log() { grep -E 'status=|dsn=' /var/log/postfix.log; }
mta_queued() { postqueue -j | grep -c '"queue_id"'; }
