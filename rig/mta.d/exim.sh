# Exim 4.96 relays one message to 127.0.0.1:$PORT, its smart host, as its only
# next hop.  Sourced by run.sh inside the container.  Its timer is per whole
# reply: command_timeout, 5 min.

mta_install() {
	apt_install exim4-daemon-light
}

mta_start() {
	cat >/etc/exim4/update-exim4.conf.conf <<CONF
dc_eximconfig_configtype='smarthost'
dc_other_hostnames='sender.example'
dc_local_interfaces='127.0.0.1'
dc_readhost=''
dc_relay_domains=''
dc_minimaldns='false'
dc_relay_nets=''
dc_smarthost='127.0.0.1::$PORT'
CFILEMODE='644'
dc_use_split_config='false'
dc_hide_mailname=''
dc_mailname_in_oh='true'
dc_localdelivery='mail_spool'
CONF
	# the smart host is this host: send to it all the same, or Exim freezes the message
	sed -i -e '/^  route_list = \* DCsmarthost byname$/a\  self = send' \
		-e '/^remote_smtp_smarthost:$/,/^  driver = smtp$/s/^  driver = smtp$/&\n  allow_localhost\n  helo_data = '"$HELO_NAME"'/' \
		/etc/exim4/exim4.conf.template
	update-exim4.conf
	install -d -o Debian-exim -g adm /var/log/exim4
	install -o Debian-exim -g adm -m 640 /dev/null /var/log/exim4/mainlog
	exim4 -q10s & # a queue runner only: no -bd, nothing listens on port 25
}

mta_send() {
	exim4 -odq -f root@sender.example b@example.org <"$MESSAGE"
}

mta_version() { exim4 -bV | sed -n '1s/^Exim version \([^ ]*\).*/Exim \1/p'; }
mta_deferred() { grep -q '^.* == b@example.org .* defer' /var/log/exim4/mainlog; }
mta_bounced() { grep -q ' \*\* b@example.org' /var/log/exim4/mainlog; }
mta_log() { grep -E ' (==|\*\*|=>) ' /var/log/exim4/mainlog; }
mta_queued() { exim4 -bpc; }
