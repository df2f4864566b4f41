#!/usr/bin/env bats
# tarpit-report --prometheus --state: the incremental count behind the live metrics,
# on journal files built from export format (test_helper/report), a directory that
# grows by a file as a journal does; and --output, which replaces a file whole.

load test_helper/common-setup
load test_helper/report
load test_helper/metrics

setup() {
	report_setup
	JOURNALS=$BATS_TEST_TMPDIR/journals
	STATE=$BATS_TEST_TMPDIR/state/metrics.state
	mkdir -p "$JOURNALS" "${STATE%/*}"
}

# journal_append: the records written since the last journal_append, appended to
# $JOURNALS/system.journal, as journald appends: after the entries already there.
journal_append() {
	python3 "$REPORT_DATA/sort-export" <"$EXPORT" |
		"$JOURNAL_REMOTE" --output="$JOURNALS/system.journal" - \
			2>"$BATS_TEST_TMPDIR/journal-remote.log" ||
		fail "systemd-journal-remote failed: $(cat "$BATS_TEST_TMPDIR/journal-remote.log")"
	: >"$EXPORT"
}

# journal_add NAME: the records written since the last one, as a journal file of
# their own, NAME.journal in $JOURNALS.
journal_add() {
	JOURNAL=$JOURNALS/$1.journal
	journal_build
	: >"$EXPORT"
}

# refresh: one incremental run, its textfile in $output.
refresh() {
	"$REPORT" --directory "$JOURNALS" --prometheus --state "$STATE"
}

# full_count: what one count of the whole journal gives, in the same series.
full_count() {
	# without --state only: the distinct addresses, the re-sent records and the hosts
	"$REPORT" --directory "$JOURNALS" --prometheus |
		grep -v '^\(# [A-Z]* \)\{0,1\}\(tarpit_addresses\|tarpit_report_resent_records_total\|tarpit_host_[a-z_]*\)[ {]'
}

# state_checksum: the state file's last line made right again for what is above it.
state_checksum() {
	python3 -c 'import sys
text = open(sys.argv[1], "rb").read()
body = text[:text.rindex(b"checksum ")]
h = 0xcbf29ce484222325
for b in body:
    h = ((h ^ b) * 0x100000001b3) % 2**64
open(sys.argv[1], "wb").write(body + b"checksum %016x\n" % h)' "$STATE"
}

@test "a refresh counts only what is new, and comes to what one full count gives" {
	session_records 0 101 192.0.2.1 1001 5.000 peer-closed 0 HELO=a.example
	session_records 10 102 192.0.2.2 1002 700.000 max-time 1 HELO=b.example
	connect 20 103 192.0.2.3 1003
	journal_append
	run -0 refresh
	assert_line 'tarpit_hold_seconds_count 2'
	assert_line 'tarpit_sessions_held 1'
	assert_line 'tarpit_pregreet_sessions_total 1'
	refute_line --partial tarpit_addresses
	# later than every entry before, as a journal is written
	disconnect 800 103 192.0.2.3 1003 780.000 peer-closed 0
	session_records 900 104 192.0.2.1 1004 1.500 quit 0
	journal_append
	run -0 refresh
	assert_line 'tarpit_hold_seconds_count 4'
	assert_line 'tarpit_sessions_held 0'
	assert_line 'tarpit_hold_seconds_sum 1486.500'
	assert_line 'tarpit_hold_seconds_bucket{le="60"} 2'
	assert_output "$(full_count)"
	# nothing new: the same figures, and the same state
	cp "$STATE" "$BATS_TEST_TMPDIR/state.before"
	run -0 refresh
	assert_output "$(full_count)"
	cmp "$STATE" "$BATS_TEST_TMPDIR/state.before"
}

@test "a refresh reads the new entries only: the old ones could be gone" {
	session_records 0 101 192.0.2.1 1001 5.000 peer-closed 0
	journal_add a
	run -0 refresh
	session_records 100 102 192.0.2.2 1002 2.000 peer-closed 0
	journal_add b
	# what a journal that was vacuumed looks like: the counted entries are gone
	rm "$JOURNALS/a.journal"
	run -0 refresh
	assert_line 'tarpit_hold_seconds_count 2'
	assert_line 'tarpit_hold_seconds_sum 7.000'
}

@test "a session still open when its boot ends is lost once, whatever the refreshes" {
	session_records 0 101 192.0.2.1 1001 5.000 peer-closed 0
	connect 10 102 192.0.2.2 1002
	journal_append
	run -0 refresh
	assert_line 'tarpit_sessions_held 1'
	assert_line 'tarpit_sessions_lost_total 0'
	BOOT=$BOOT_B
	session_records 100 101 192.0.2.3 1003 1.000 peer-closed 0
	journal_append
	run -0 refresh
	assert_line 'tarpit_sessions_held 0'
	assert_line 'tarpit_sessions_lost_total 1'
	session_records 200 103 192.0.2.3 1004 1.000 peer-closed 0
	journal_append
	run -0 refresh
	assert_line 'tarpit_sessions_lost_total 1'
	assert_line 'tarpit_hold_seconds_count 3'
	assert_output "$(full_count)"
}

@test "a state file that cannot be trusted means one full count, said on stderr" {
	local want why
	session_records 0 101 192.0.2.1 1001 5.000 peer-closed 0 HELO=a.example
	session_records 10 102 192.0.2.2 1002 700.000 max-time 1 HELO=b.example
	journal_add a
	want=$(full_count)
	run -0 refresh
	cp "$STATE" "$BATS_TEST_TMPDIR/good"
	for why in truncated version checksum sums open garbage empty; do
		cp "$BATS_TEST_TMPDIR/good" "$STATE"
		case $why in
		truncated) truncate -s -30 "$STATE" ;;
		version) sed -i '1s/ [0-9]*$/ 999/' "$STATE" ;;
		checksum) sed -i 's/^totals 2 /totals 3 /' "$STATE" ;;
		sums) sed -i 's/^totals 2 /totals 3 /' "$STATE" && state_checksum ;;
		open) sed -i '/^checksum /i open zz 1 2 3' "$STATE" && state_checksum ;;
		garbage) head -c 300 /dev/urandom >"$STATE" ;;
		empty) : >"$STATE" ;;
		esac
		run -0 --separate-stderr refresh
		assert_equal "$why: $output" "$why: $want"
		[[ $stderr == "tarpit-report: $STATE: "*"; counting from the journal's start" ]] ||
			fail "$why: stderr: $stderr"
	done
	# and a missing one is the first run: nothing said
	rm "$STATE"
	run -0 --separate-stderr refresh
	assert_equal "$stderr" ''
	assert_output "$want"
}

@test "--output replaces a file whole: mode 644, and no temporary file, even on failure" {
	local dir=$BATS_TEST_TMPDIR/out
	session_records 0 101 192.0.2.1 1001 5.000 peer-closed 0
	journal_build
	mkdir "$dir"
	run -0 report --html --output "$dir/page.html"
	assert_output ''
	run -0 stat -c %a "$dir/page.html"
	assert_output 644
	run -0 ls -A "$dir"
	assert_output page.html
	run -0 report --json --output "$dir/report.json"
	report --json | cmp - "$dir/report.json"
	# a directory that is not there: exit 73 (EX_CANTCREAT), one line
	run -73 --separate-stderr report --json --output "$dir/none/report.json"
	[[ $stderr == "tarpit-report: cannot create a file beside $dir/none/report.json: No such file or directory" ]] ||
		fail "stderr: $stderr"
	# a full disk: the old file stays as it was, and nothing is left beside it
	run unshare --mount --propagation private -- sh -c '
		mount -t tmpfs -o size=4k tmpfs "$1" && echo old >"$1/page.html" &&
		{ "$2" --file "$3" --html --output "$1/page.html"; echo "exit $?"; } &&
		ls -A "$1" && cat "$1/page.html"' sh "$dir" "$REPORT" "$JOURNAL"
	assert_line --index 0 --partial 'tarpit-report: cannot write'
	assert_line 'exit 74'
	assert_line page.html
	assert_line old
	assert_equal "${#lines[@]}" 4
}
