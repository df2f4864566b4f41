# OpenSMTPD 6.8 relays one message to 127.0.0.1:$PORT as its only next hop.
# Sourced by run.sh inside the container.  Its timer is per read: 300 s idle.

mta_install() {
	echo 'opensmtpd opensmtpd/mailname string sender.example' | debconf-set-selections
	apt_install opensmtpd
}

mta_start() {
	# no "listen on": nothing listens on port 25
	cat >/etc/smtpd.conf <<CONF
action "relay" relay host smtp://127.0.0.1:$PORT helo $HELO_NAME
match from local for any action "relay"
CONF
	smtpd -d -v >/var/log/smtpd.log 2>&1 &
	wait_for 10 test -S /run/smtpd.sock
}

mta_send() {
	sendmail -f root@sender.example b@example.org <"$MESSAGE"
}

mta_version() { echo "OpenSMTPD $(smtpd -h 2>&1 | sed -n 's/^version: OpenSMTPD \([^ ]*\).*/\1/p')"; }
mta_deferred() { grep -q 'result="TempFail"' /var/log/smtpd.log; }
mta_bounced() { grep -q 'result="PermFail"' /var/log/smtpd.log; }
mta_log() { grep -E 'result=' /var/log/smtpd.log; }
mta_queued() { smtpctl show queue | grep -c .; }
