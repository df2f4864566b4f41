#!/bin/bash
# Inside an overlay container (rig/mta): installs MTA, relays one message
# to the tar pit on 127.0.0.1:PORT, saying HELO MTA.sender.example, and waits
# until it has deferred it.  Prints "version=", "held_sec=", "deferred=",
# "bounced=", "queued=" and the MTA's own log lines of the delivery ("log: ");
# exits 0 once deferred.
# usage: run.sh MTA PORT WAIT-SECONDS
set -euo pipefail
MTA=$1 PORT=$2 WAIT=$3
MESSAGE=/root/message
HELO_NAME=$MTA.sender.example
here=$(dirname "$0")

apt_install() {
	export DEBIAN_FRONTEND=noninteractive
	# never let a postinst start a daemon on the host's network
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	# no fsync (the tree is thrown away) and no man-db index to rebuild
	rm -f /var/lib/man-db/auto-update
	set -- -o DPkg::Options::=--force-unsafe-io "$@"
	apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$@" >/var/log/apt-mta.log 2>&1 ||
		{ apt-get -q update >>/var/log/apt-mta.log 2>&1 &&
			apt-get install -y -q --no-install-recommends "$@" >>/var/log/apt-mta.log 2>&1; } ||
		{ tail -n 20 /var/log/apt-mta.log >&2; exit 1; }
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds, every 0.2 s; false after SECONDS.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < end)) || return 1
		sleep 0.2
	done
}

# shellcheck source=/dev/null
. "$here/$MTA.sh"
echo "127.0.0.1 sender.example $HELO_NAME localhost" >>/etc/hosts
echo sender.example >/etc/mailname
printf 'From: root@sender.example\nTo: b@example.org\nSubject: tarpit test\n\none real message\n' >"$MESSAGE"
mta_install
mta_start
echo "version=$(mta_version)"
start=$EPOCHREALTIME
mta_send
status=0
wait_for "$WAIT" mta_deferred || status=1
echo "held_sec=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
echo "deferred=$(mta_deferred && echo 1 || echo 0)"
echo "bounced=$(mta_bounced && echo 1 || echo 0)"
echo "queued=$(mta_queued || echo 0)"
mta_log | sed 's/^/log: /'
exit "$status"
