#!/usr/bin/env bats
# tarpit-report --html in a real browser: headless Chromium renders the page made from
# a journal the real tarpit wrote, at a phone's width and at a desktop's, and the
# rendered page must show what --json says, fetch nothing, and let no client's text in
# as markup.

load test_helper/common-setup
load test_helper/report
load test_helper/browser

HOSTILE_HELO='<script>alert(1)</script><img src=http://192.0.2.1/x.png>&amp;'

# Sessions of the real tarpit into a journald of our own: one QUIT, two held a moment
# under one HELO name, one with markup for its HELO name, one that says nothing.
setup_file() {
	export TZ=UTC
	# the session helpers keep their files per test; these sessions are the file's
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR
	common_setup
	tarpit_named
	journald_start
	IN_NS=(nsenter -t "$JOURNALD_PID" -m --)
	REMOTE_ADDR=192.0.2.80 REMOTE_PORT=5001 session 'QUIT\r\n' -l journal
	REMOTE_ADDR=192.0.2.80 REMOTE_PORT=5002 session 'EHLO spam.example\r\n' -d 0.01 -t 0.3 -l journal
	REMOTE_ADDR=198.51.100.9 REMOTE_PORT=5003 session 'EHLO spam.example\r\n' -d 0.01 -t 0.2 -l journal
	REMOTE_ADDR=2001:db8::80 REMOTE_PORT=5004 session "HELO $HOSTILE_HELO\\r\\n" -d 0.01 -t 0.1 -l journal
	REMOTE_ADDR=203.0.113.7 REMOTE_PORT=5005 silent_session --helo-timeout 0.2 -l journal
	in_journal journalctl --sync
	PAGE=$BATS_FILE_TMPDIR/report.html
	in_journal "$REPORT" --html >"$PAGE"
	in_journal "$REPORT" --json >"$BATS_FILE_TMPDIR/report.json"
	export PAGE JOURNALD_PID
}

teardown_file() {
	journald_stop
}

setup() {
	[[ -x $REPORT ]] || fail "no tarpit-report binary at $REPORT"
	# common_setup's checks and variables, without its own REMOTE_* for sessions
	REPLIES=$BATS_TEST_TMPDIR/replies LOG=$BATS_TEST_TMPDIR/log SESSION_PID= ACTIVATOR_PID=
}

teardown() {
	common_teardown
}

@test "the page renders at a phone's width and a desktop's, with no sideways scrolling" {
	browser_screenshot "$PAGE" 390 2400 "$BATS_TEST_TMPDIR/phone.png"
	run -0 png_size "$BATS_TEST_TMPDIR/phone.png"
	assert_output '390 2400'
	browser_screenshot "$PAGE" 1280 1400 "$BATS_TEST_TMPDIR/desktop.png"
	run -0 png_size "$BATS_TEST_TMPDIR/desktop.png"
	assert_output '1280 1400'
	# the layout fits each width: nothing wider than the window
	run -0 browser_layout_width "$PAGE" 390
	assert_output 390
	run -0 browser_layout_width "$PAGE" 1280
	assert_output 1280
}

@test "the rendered page shows the figures --json gives" {
	browser_dom "$PAGE" >"$BATS_TEST_TMPDIR/dom.html"
	run -0 python3 "$REPORT_DATA/check-page" "$BATS_TEST_TMPDIR/dom.html" \
		"$BATS_FILE_TMPDIR/report.json"
	assert_output '10 figures, 1 bars, 4 addresses, 2 HELO names and 0 hosts agree'
	# the figures themselves, as the sessions above make them
	run -0 cat "$BATS_TEST_TMPDIR/dom.html"
	assert_output --partial '<data data-json="sessions" value="5">5</data>'
	assert_output --partial '<data data-json="distinct_addresses" value="4">4</data>'
	assert_output --partial '<data data-json="still_held" value="0">0</data>'
	assert_output --partial '<h2>Sessions per hour</h2>'
}

@test "a client's HELO name is shown as text, never taken as markup" {
	browser_dom "$PAGE" >"$BATS_TEST_TMPDIR/dom.html"
	run -0 python3 -c 'import html, sys
dom = open(sys.argv[1]).read()
print(html.escape(sys.argv[2], quote=False) in dom, "<script" in dom, "<img" in dom)' \
		"$BATS_TEST_TMPDIR/dom.html" "$HOSTILE_HELO"
	assert_output 'True False False'
}

@test "the page fetches nothing: no request in the browser, no outside reference in it" {
	run -0 browser_requests "$PAGE"
	assert_output ''
	run -0 page_refers_outside "$PAGE"
	assert_output ''
	run -0 grep -c '<meta http-equiv="Content-Security-Policy" content="default-src '\''none'\''; style-src '\''unsafe-inline'\''">' "$PAGE"
	assert_output 1
}

@test "the request check sees a page that does fetch something" {
	local page=$BATS_TEST_TMPDIR/fetching.html
	sed 's|</body>|<img src="http://192.0.2.1/pixel.png"><p style="background:url(http://198.51.100.1/bg.png)">x</p></body>|' "$PAGE" >"$page"
	run -0 browser_requests "$page"
	assert_line 'http://192.0.2.1/pixel.png'
	assert_line 'http://198.51.100.1/bg.png'
	run -0 page_refers_outside "$page"
	assert_output --partial 'http://192.0.2.1/pixel.png'
}

@test "with records of two hosts the page has each host's share, escaped, and still fits a phone" {
	report_setup
	on_host 0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a mx1.example.org "$BOOT_A" \
		session_records 0 101 192.0.2.1 1001 5.000 peer-closed 0 HELO=a.example
	on_host 0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b '<b>mx2</b>' "$BOOT_B" \
		session_records 10 201 192.0.2.2 1002 7.000 max-time 1 HELO=b.example
	journal_build
	report --html >"$BATS_TEST_TMPDIR/hosts.html"
	report --json >"$BATS_TEST_TMPDIR/hosts.json"
	browser_dom "$BATS_TEST_TMPDIR/hosts.html" >"$BATS_TEST_TMPDIR/hosts.dom"
	run -0 python3 "$REPORT_DATA/check-page" "$BATS_TEST_TMPDIR/hosts.dom" "$BATS_TEST_TMPDIR/hosts.json"
	assert_output '10 figures, 1 bars, 2 addresses, 2 HELO names and 2 hosts agree'
	run -0 grep -c '<td class="name">&lt;b&gt;mx2&lt;/b&gt;</td>' "$BATS_TEST_TMPDIR/hosts.html"
	assert_output 1
	run -0 browser_layout_width "$BATS_TEST_TMPDIR/hosts.html" 390
	assert_output 390
}
