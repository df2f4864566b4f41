#!/bin/sh
# curl sends one message: curl.sh HOST PORT, or "version".  Its own timer is the
# server response timeout, per whole reply (120 s in 7.88); CLIENT_TIMEOUT sets
# --max-time, a deadline for the whole transaction.
set -eu
if [ "$1" = version ]; then curl --version | sed -n '1s/^curl \([^ ]*\).*/curl \1/p'; exit; fi
printf 'Subject: test\r\n\r\none test message\r\n' |
	curl -sS ${CLIENT_TIMEOUT:+--max-time "$CLIENT_TIMEOUT"} "smtp://$1:$2/client.example" \
		--mail-from a@sender.example --mail-rcpt b@example.org -T -
