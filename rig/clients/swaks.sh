#!/bin/sh
# swaks sends one message: swaks.sh HOST PORT, or "version".  Its --timeout is per
# whole reply, 30 s unless CLIENT_TIMEOUT says otherwise.
set -eu
if [ "$1" = version ]; then swaks --version | sed -n '1s/^swaks version \([^ ]*\).*/swaks \1/p'; exit; fi
exec swaks --silent 2 --server "$1:$2" --from a@sender.example --to b@example.org \
	--helo client.example ${CLIENT_TIMEOUT:+--timeout "$CLIENT_TIMEOUT"}
