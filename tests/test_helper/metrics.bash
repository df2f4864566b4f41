# Prometheus' side of the metrics export: the real node_exporter (Debian's
# prometheus-node-exporter) with only its textfile collector, and promtool.
# Load after test_helper/common-setup.

NODE_EXPORTER=${NODE_EXPORTER:-/usr/bin/prometheus-node-exporter}
# where tools/install-deps check unpacks promtool from the prometheus package
PROMTOOL=${PROMTOOL:-/var/lib/tarpit-tests/prometheus/usr/bin/promtool}
NODE_EXPORTER_PID=

# node_exporter_start DIR: node_exporter on a free loopback port, reading the
# textfiles in DIR on every scrape; waits (at most 10 s) until it answers.
node_exporter_start() {
	[[ -x $NODE_EXPORTER ]] || fail "no $NODE_EXPORTER: run tools/install-deps check"
	NODE_EXPORTER_PORT=$(free_port)
	"$NODE_EXPORTER" --web.listen-address="127.0.0.1:$NODE_EXPORTER_PORT" \
		--collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$1" --web.disable-exporter-metrics \
		>"$BATS_TEST_TMPDIR/node-exporter.log" 2>&1 3>&- &
	NODE_EXPORTER_PID=$!
	wait_until 10 node_exporter_scrape >/dev/null ||
		fail "node_exporter does not answer: $(cat "$BATS_TEST_TMPDIR/node-exporter.log")"
}

# node_exporter_scrape: what Prometheus would get from it now.
node_exporter_scrape() {
	curl -fsS --max-time 5 "http://127.0.0.1:$NODE_EXPORTER_PORT/metrics"
}

node_exporter_stop() {
	[[ -n $NODE_EXPORTER_PID ]] || return 0
	kill -TERM "$NODE_EXPORTER_PID" 2>/dev/null || true
	wait "$NODE_EXPORTER_PID" 2>/dev/null || true
	NODE_EXPORTER_PID=
}

# promtool_check FILE: promtool's lint of FILE as a metrics exposition; any
# complaint fails (exit 1: does not parse, 3: breaks a naming convention).
promtool_check() {
	[[ -x $PROMTOOL ]] || { fail "no $PROMTOOL: run tools/install-deps check"; return; }
	run "$PROMTOOL" check metrics <"$1"
	((status == 0)) && [[ -z $output ]] || fail "promtool check metrics: exit $status: $output"
}

# sample NAME{LABELS}: the value of one series in $output (a scrape or a textfile),
# failing unless it is there exactly once.
sample() {
	local values
	values=$(awk -v s="$1" '$1 == s { print $2 }' <<<"$output")
	[[ -n $values && $values != *$'\n'* ]] || { fail "series $1: '$values' in: $output"; return; }
	echo "$values"
}
