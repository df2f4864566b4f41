#!/usr/bin/env bats
# The live metrics as shipped: tarpit-metrics.timer and .service, installed by
# `make install`, under real systemd (nspawn), refreshing the textfile that the real
# node_exporter serves, from the journal the container's tarpit.socket sessions wrote.

load test_helper/common-setup
load test_helper/nspawn
load test_helper/metrics
load test_helper/report

# Debian's textfile directory, where the shipped service writes tarpit.prom
TEXTFILE_DIR=/var/lib/prometheus/node-exporter
STATE=/var/lib/tarpit-report/metrics.state

setup_file() {
	# tarpit-report is in make install's REPORT_BINDIR, which rig/units does not
	# lay over the container: add it
	NSPAWN_EXTRA=(--overlay-ro="/usr/local/bin:$BATS_FILE_TMPDIR/nspawn/dest/usr/local/bin:/usr/local/bin")
	nspawn_boot
	# what the prometheus-node-exporter package makes; the container's /var is empty
	in_container mkdir -p "$TEXTFILE_DIR"
	export HOST_TEXTFILE_DIR=/proc/$NSPAWN_LEADER/root$TEXTFILE_DIR
	node_exporter_start "$HOST_TEXTFILE_DIR"
	export NODE_EXPORTER_PID NODE_EXPORTER_PORT
}

teardown_file() {
	node_exporter_stop
	nspawn_teardown
}

# refreshes: when the service last finished a run (monotonic microseconds), once it
# has finished one with success.
refreshes() {
	[[ $(unit_property tarpit-metrics.service Result) == success ]] &&
		unit_property tarpit-metrics.service ExecMainExitTimestampMonotonic
}

# refreshed_after STAMP: the service has finished a run since refreshes said STAMP.
refreshed_after() {
	local now
	now=$(refreshes) && ((now > ${1:-0}))
}

# scraped NAME VALUE: node_exporter serves the series NAME with VALUE now.
scraped() {
	output=$(node_exporter_scrape) && [[ $(sample "$1" 2>/dev/null) == "$2" ]]
}

# quick_session: one session that says QUIT at once.
quick_session() {
	run -0 container_client 127.0.0.1 "$NSPAWN_PORT" read 'send:QUIT\r\n' eof
}

# metrics_analyze ARGS...: systemd-analyze ARGS in a mount namespace of its own where
# the tarpit-report under test is where the service runs it from, and /run is empty
# (analyze leaves a stamp there).
metrics_analyze() {
	local bin=$BATS_TEST_TMPDIR/bin
	mkdir -p "$bin"
	install -m 755 "$REPORT" "$bin/tarpit-report"
	unshare --mount --propagation private -- sh -c '
		mount -t tmpfs tmpfs /run && mount --bind "$1" /usr/local/bin && shift &&
		exec systemd-analyze "$@"' sh "$bin" "$@"
}

@test "systemd-analyze verify finds nothing to say about the metrics units; security scores 0.9" {
	cd "$BATS_TEST_DIRNAME/.."
	run metrics_analyze verify --man=no units/tarpit-metrics.service units/tarpit-metrics.timer
	assert_success
	assert_output ''
	run -0 metrics_analyze security --offline=yes --no-pager units/tarpit-metrics.service
	assert_line --partial 'Overall exposure level for tarpit-metrics.service: 0.9 SAFE'
	tr '\n' ' ' <man/tarpit-deploy.7 | grep -q 'scores it 0.9 SAFE'
}

@test "the shipped timer is installed but off, and runs the service every minute" {
	run -0 unit_property tarpit-metrics.timer UnitFileState
	assert_output disabled
	run -0 unit_property tarpit-metrics.timer TimersCalendar
	assert_output --partial 'OnCalendar=*-*-* *:*:00'
	run -0 unit_property tarpit-metrics.timer AccuracyUSec
	assert_output 1s
	run -0 unit_property tarpit-metrics.service User
	assert_output ''
	run -0 unit_property tarpit-metrics.service CapabilityBoundingSet
	assert_output ''
}

@test "enabled, the timer refreshes the textfile that node_exporter serves" {
	quick_session
	quick_session
	# every 2 s here, so that the test does not wait a minute for each refresh
	unit_dropin tarpit-metrics.timer often '[Timer]\nOnCalendar=\nOnCalendar=*:*:0/2\n'
	in_container systemctl enable --now --quiet tarpit-metrics.timer
	wait_until 60 scraped 'tarpit_sessions_total{reason="quit"}' 2 ||
		fail "not served: $(node_exporter_scrape | grep -v '^#'); service: $(in_container journalctl -q --no-pager -u tarpit-metrics.service | tail -n 5)"
	run -0 node_exporter_scrape
	[[ $(sample node_textfile_scrape_error) == 0 ]] || fail "scrape error: $output"
	[[ $(sample 'tarpit_hold_seconds_count') == 2 ]] || fail "count: $output"
	[[ $(sample 'tarpit_sessions_held') == 0 ]] || fail "held: $output"
	promtool_check "$HOST_TEXTFILE_DIR/tarpit.prom"
	# readable by node_exporter's user, and no temporary file left beside it
	run -0 stat -c '%a %U' "$HOST_TEXTFILE_DIR/tarpit.prom"
	assert_output '644 root'
	run -0 ls -A "$HOST_TEXTFILE_DIR"
	assert_output tarpit.prom
	wait_until 30 refreshed_after 0
}

@test "a held session is a gauge while it lasts; counters never go back from one refresh to the next" {
	local out=$BATS_TEST_TMPDIR/held.out before previous=0 now k
	in_container_net "$RIG/client" talk --timeout=60 127.0.0.1 "$NSPAWN_PORT" \
		read 'send:HELO held.example\r\n' eof >"$out" 2>&1 3>&- &
	local client=$!
	wait_until 60 scraped tarpit_sessions_held 1 || fail "held never 1: $(node_exporter_scrape | grep tarpit_sessions_held)"
	in_container systemctl stop 'tarpit@*'
	wait "$client" || true
	wait_until 60 scraped tarpit_sessions_held 0
	wait_until 60 scraped 'tarpit_sessions_total{reason="signal"}' 1
	# over a few refreshes, the count only grows; from the end of a run that
	# succeeded (under emulation the timer may be in the middle of one)
	wait_until 30 refreshes >/dev/null
	before=$(refreshes)
	for k in 1 2 3; do
		quick_session
		wait_until 30 refreshed_after "$before"
		before=$(refreshes)
		output=$(node_exporter_scrape)
		now=$(sample tarpit_hold_seconds_count)
		((now >= previous)) || fail "tarpit_hold_seconds_count went from $previous to $now"
		previous=$now
	done
	wait_until 30 scraped tarpit_hold_seconds_count 6
}

@test "a lost or corrupt state file means one full count, with the same figures" {
	local want before
	want=$(grep -v '^#' "$HOST_TEXTFILE_DIR/tarpit.prom")
	[[ $want == *'tarpit_hold_seconds_count 6'* ]] || fail "not the count expected: $want"
	# a digit changed: the checksum no longer matches
	in_container sed -i 's/^totals 6 /totals 7 /' "$STATE"
	before=$(refreshes)
	wait_until 30 refreshed_after "$before"
	run -0 in_container journalctl -q --no-pager -o cat -u tarpit-metrics.service
	assert_output --partial "$STATE: its checksum does not match; counting from the journal's start"
	assert_equal "$(grep -v '^#' "$HOST_TEXTFILE_DIR/tarpit.prom")" "$want"
	in_container rm "$STATE"
	before=$(refreshes)
	wait_until 30 refreshed_after "$before"
	assert_equal "$(grep -v '^#' "$HOST_TEXTFILE_DIR/tarpit.prom")" "$want"
	run -0 in_container head -n 1 "$STATE"
	assert_output 'tarpit-report-state 2'
}
