#!/usr/bin/env bats
# Real mail is never harmed: real MTAs, really installed (each in an overlay container
# of its own, rig/mta), relay one message each to the tar pit as
# their only next hop, are held with the teaser on until the 421 of --max-time, and
# defer the message, keeping it queued; they never bounce it.  Postfix (per-read
# timers) and Exim (a timer per whole reply) run at once; make bench-clients runs
# OpenSMTPD and Sendmail as well, with their default timeouts.

load test_helper/common-setup

setup() {
	common_setup
}

teardown() {
	common_teardown
}

# assert_held_and_deferred MTA: what rig/mta printed for MTA (in
# $BATS_TEST_TMPDIR/MTA.out) and tarpit's record of its session.
assert_held_and_deferred() {
	local record
	run -0 cat "$BATS_TEST_TMPDIR/$1.out"
	assert_line deferred=1
	assert_line bounced=0
	assert_line queued=1
	record=$(grep "^event=disconnect .* helo=\"$1\.sender\.example\" " "$LOG") ||
		fail "no session of $1 in: $(cat "$LOG")"
	assert_regex "$record" ' pregreet=0 duration_sec=6\.[0-4][0-9]{2} .* end_reason=max-time$'
}

@test "Postfix and Exim are held with the teaser on until the 421, and defer, keeping the message" {
	local mta pids=() status=0
	activator_start 127.0.0.1 --greet-wait 1 -d 1 -t 6 -H mx.test -l stderr
	for mta in postfix exim; do
		"$RIG/mta" "$mta" "$PORT" 60 >"$BATS_TEST_TMPDIR/$mta.out" 2>&1 3>&- &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || status=$?
	done
	((status == 0)) || fail "an MTA did not defer: $(cat "$BATS_TEST_TMPDIR"/*.out)"
	assert_held_and_deferred postfix
	assert_line --regexp '^log: .* dsn=4\.7\.0, status=deferred .*421 4\.7\.0 mx\.test closing connection\)$'
	assert_held_and_deferred exim
	assert_line --regexp '^log: .* == b@example\.org R=smarthost T=remote_smtp_smarthost defer '
}
