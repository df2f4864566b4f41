#!/bin/sh
# msmtp sends one message: msmtp.sh HOST PORT, or "version".  Its timeout is
# off by default; CLIENT_TIMEOUT sets one (per read).  It refuses a reply of
# more than 50 lines.
set -eu
if [ "$1" = version ]; then msmtp --version | sed -n '1s/^msmtp version \([^ ]*\).*/msmtp \1/p'; exit; fi
printf 'Subject: test\r\n\r\none test message\r\n' |
	msmtp --host="$1" --port="$2" --tls=off --auth=off --domain=client.example \
		${CLIENT_TIMEOUT:+--timeout="$CLIENT_TIMEOUT"} --from=a@sender.example b@example.org
