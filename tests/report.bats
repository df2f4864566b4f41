#!/usr/bin/env bats
# tarpit-report: figures from journal files built from export format with fixed
# times, checked against counts worked out by hand; then sessions of the real
# tarpit logged to a journald of our own and reported.

load test_helper/common-setup
load test_helper/report
load test_helper/metrics

setup() {
	report_setup
}

teardown() {
	common_teardown
	[[ -z ${JOURNALD_PID-} ]] || journald_stop
}

# Eight sessions and one still held, in one boot.  By hand (durations in ms):
#   192.0.2.1     5000 + 3600250 = 3605250 in 2, and one still held
#   2001:db8::5   600000 in 1
#   203.0.113.9   10000 + 300000 = 310000 in 2
#   198.51.100.7  15500 + 1000 (written v4-mapped) = 16500 in 2
#   unknown       12 in 1
# total 4531762 ms = 1.26 hours; sorted 12 1000 5000 10000 15500 300000 600000
# 3600250: median (10000 + 15500) / 2 = 12.750 s; pregreet 3 of 8 = 37.5%.
eight_sessions() {
	session_records 0 101 192.0.2.1 1001 5.000 peer-closed 0 HELO=bot.example
	session_records 10 102 192.0.2.1 1002 3600.250 max-time 1 HELO=bot.example
	session_records 20 103 198.51.100.7 2001 15.500 write-error 0 HELO=mx.spam.test
	session_records 30 104 2001:db8::5 3001 600.000 peer-closed 1 COMMAND=GET
	session_records 40 105 unknown 0 0.012 quit 0 COMMAND=QUIT
	session_records 50 106 203.0.113.9 4001 10.000 signal 0 HELO=bot.example
	session_records 60 107 203.0.113.9 4002 300.000 helo-timeout 1
	connect 70 108 192.0.2.1 1003
	session_records 80 109 ::ffff:198.51.100.7 2002 1.000 peer-closed 0 'HELO=a"b\c'
	journal_build
}

@test "the table gives every figure of eight sessions as counted by hand" {
	eight_sessions
	run -0 report
	assert_output - <<'EOF'
Sessions ended from the start of the journal to its end

  sessions               8
  distinct addresses     4
  unknown address        1
  spammer time wasted    1.26 hours
  median hold            12.750 s
  longest hold           3600.250 s (1h 00m 00s), 192.0.2.1
  pregreet               3 (37.5%)
  still held             1
  lost                   0
  skipped records        0
  ignored records        0
  re-sent records        0

Host                             sessions addresses           held still held   lost
  (no name)                             8         4     1h 15m 31s          1      0

End reason               sessions
  peer-closed                   3   37.5%
  write-error                   1   12.5%
  max-time                      1   12.5%
  helo-timeout                  1   12.5%
  quit                          1   12.5%
  signal                        1   12.5%
  other                         0    0.0%

Top 10 addresses by time held             sessions  held
  192.0.2.1                                      2  1h 00m 05s
  2001:db8::5                                    1  10m 00s
  203.0.113.9                                    2  5m 10s
  198.51.100.7                                   2  16.500 s

Top 10 HELO names by time held            sessions  held
  bot.example                                    3  1h 00m 15s
  mx.spam.test                                   1  15.500 s
  a"b\c                                          1  1.000 s

Hold time                sessions
  < 10 s                        3   37.5%  ########################################
  < 1 min                       2   25.0%  ##########################
  < 10 min                      1   12.5%  #############
  < 1 h                         1   12.5%  #############
  >= 1 h                        1   12.5%  #############

Sessions by hour         sessions     hours
  2026-12-01 00:00              7      0.26  ########################################
  2026-12-01 01:00              1      1.00  #####
EOF
}

@test "--json gives the same figures in one document a JSON parser reads" {
	eight_sessions
	run -0 report --json
	assert_json 'd["since_usec"], d["until_usec"]' '[null, null]'
	assert_json 'd["sessions"], d["distinct_addresses"], d["unknown_address_sessions"]' '[8, 4, 1]'
	assert_json 'd["held_sec"], d["median_hold_sec"], d["longest_hold_sec"]' '[4531.762, 12.75, 3600.25]'
	assert_json 'd["longest_hold_address"], d["pregreet_sessions"]' '["192.0.2.1", 3]'
	assert_json 'd["still_held"], d["lost"], d["skipped_records"]' '[1, 0, 0]'
	assert_json 'd["end_reasons"]' '{"peer-closed": 3, "write-error": 1, "max-time": 1, "helo-timeout": 1, "quit": 1, "signal": 1, "other": 0}'
	assert_json '[(c["below_sec"], c["sessions"]) for c in d["hold_time"]]' '[[10, 3], [60, 2], [600, 1], [3600, 1], [null, 1]]'
	assert_json '[(a["address"], a["sessions"], a["held_sec"]) for a in d["top_addresses"]]' \
		'[["192.0.2.1", 2, 3605.25], ["2001:db8::5", 1, 600.0], ["203.0.113.9", 2, 310.0], ["198.51.100.7", 2, 16.5]]'
	assert_json '[(h["helo"], h["sessions"], h["held_sec"], h["error_sec"]) for h in d["top_helo"]]' \
		'[["bot.example", 3, 3615.25, 0.0], ["mx.spam.test", 1, 15.5, 0.0], ["a\"b\\c", 1, 1.0, 0.0]]'
}

@test "--prometheus gives counters and a cumulative histogram in the text format" {
	eight_sessions
	run -0 report --prometheus
	prometheus_check
	assert_line 'tarpit_sessions_total{reason="peer-closed"} 3'
	assert_line 'tarpit_sessions_total{reason="other"} 0'
	assert_line 'tarpit_pregreet_sessions_total 3'
	# le is "up to and including": the 10.000 s and 600.000 s sessions are in
	assert_line 'tarpit_hold_seconds_bucket{le="10"} 4'
	assert_line 'tarpit_hold_seconds_bucket{le="60"} 5'
	assert_line 'tarpit_hold_seconds_bucket{le="600"} 7'
	assert_line 'tarpit_hold_seconds_bucket{le="3600"} 7'
	assert_line 'tarpit_hold_seconds_bucket{le="+Inf"} 8'
	assert_line 'tarpit_hold_seconds_sum 4531.762'
	assert_line 'tarpit_hold_seconds_count 8'
	assert_line 'tarpit_hold_longest_seconds 3600.250'
	assert_line 'tarpit_addresses 4'
	assert_line 'tarpit_sessions_held 1'
	assert_line 'tarpit_sessions_lost_total 0'
	assert_line 'tarpit_report_skipped_records_total 0'
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/report.prom"
	promtool_check "$BATS_TEST_TMPDIR/report.prom"
}

# Sessions ending at 00:00:05, 00:59:59.999, 01:00:00 and 01:30 of 2026-12-01 UTC,
# and 18:29:59 and 18:30:00, on either side of midnight in India (UTC+5:30).
timeline_sessions() {
	session_records 0 201 192.0.2.1 1 5.000 peer-closed 0
	session_records 3599 202 192.0.2.2 2 0.999 peer-closed 0
	session_records 3500 203 192.0.2.3 3 100.000 max-time 0
	session_records 5400 204 192.0.2.4 4 0.000 quit 0
	session_records 66599 205 192.0.2.5 5 0.000 quit 0
	session_records 66600 206 192.0.2.6 6 0.000 quit 0
}

# timeline_of: the timeline in $output's JSON as [start offset from T0 in hours,
# sessions, held_sec] triples, and the unit.
timeline_of() {
	json_get '[d["timeline_by"]] + [[(i["start_usec"] - '"$T0"') / 3600e6, i["sessions"], i["held_sec"]] for i in d["timeline"] if i["sessions"]]'
}

@test "the timeline counts each session in the hour it ended, and adds up to the totals" {
	timeline_sessions
	journal_build
	run -0 report --json
	# 19 hours, so by hour; the empty hours between are there too
	run -0 timeline_of
	assert_output '["hour", [0.0, 2, 5.999], [1.0, 2, 100.0], [18.0, 2, 0.0]]'
	run -0 report --json
	assert_json 'len(d["timeline"]), sum(i["sessions"] for i in d["timeline"]) == d["sessions"]' '[19, true]'
	assert_json 'sum(round(i["held_sec"] * 1000) for i in d["timeline"]) == round(d["held_sec"] * 1000)' true
	assert_json 'all(a["end_usec"] == b["start_usec"] for a, b in zip(d["timeline"], d["timeline"][1:]))' true
	run -0 report
	assert_line '  2026-12-01 01:00              2      0.03  ########################################'
	assert_line '  2026-12-01 02:00              0      0.00'
}

@test "past two days the timeline goes by day, unless --by says; --since and --until widen it" {
	timeline_sessions
	session_records 259200 207 192.0.2.7 7 1.000 peer-closed 0
	journal_build
	run -0 report --json
	run -0 timeline_of
	assert_output '["day", [0.0, 6, 105.999], [72.0, 1, 1.0]]'
	run -0 report --json --by hour
	assert_json 'd["timeline_by"], len(d["timeline"])' '["hour", 73]'
	run -0 report --json --by day --since 2026-11-29 --until 2026-12-06
	assert_json '[(i["start_usec"] - '"$T0"') // 86400e6 for i in d["timeline"]]' '[-2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0]'
	run -0 report --json --since 2026-12-01 --until 2026-12-02
	assert_json 'd["timeline_by"], len(d["timeline"])' '["hour", 24]'
}

@test "days are the local calendar's: in India a day ends at 18:30 UTC" {
	timeline_sessions
	journal_build
	TZ=Asia/Kolkata run -0 report --json --by day
	run -0 timeline_of
	# local midnight of 2026-12-01 is 2026-11-30 18:30 UTC, 5.5 hours before T0
	assert_output '["day", [-5.5, 5, 105.999], [18.5, 1, 0.0]]'
	TZ=Asia/Kolkata run -0 report --json --by hour
	run -0 timeline_of
	assert_output '["hour", [-0.5, 1, 5.0], [0.5, 2, 100.999], [1.5, 1, 0.0], [17.5, 1, 0.0], [18.5, 1, 0.0]]'
}

@test "--addresses prints each address once, the longest held first, and never unknown" {
	eight_sessions
	run -0 report --addresses
	assert_output "$(printf '%s\n' 192.0.2.1 2001:db8::5 203.0.113.9 198.51.100.7)"
}

@test "an empty journal gives zeros, no median, null in JSON and no addresses" {
	journal_build
	run -0 report
	assert_figure sessions 0
	assert_figure 'median hold' -
	assert_figure 'longest hold' -
	assert_figure pregreet '0 \(0.0%\)'
	run -0 report --json
	assert_json 'd["sessions"], d["median_hold_sec"], d["longest_hold_sec"], d["top_addresses"]' '[0, null, null, []]'
	run -0 report --prometheus
	prometheus_check
	assert_line 'tarpit_hold_seconds_count 0'
	run -0 report --addresses
	assert_output ''
}

@test "entries of other programs, even with tarpit's fields, and tarpit's own messages are not counted" {
	IDENTIFIER=python3 session_records 0 50 192.0.2.9 1001 5.000 quit 0
	IDENTIFIER=python3 entry 1 51 "MESSAGE=event=disconnect remote_addr=192.0.2.9 remote_port=1002 pregreet=0 duration_sec=5.000 end_reason=quit"
	IDENTIFIER=systemd-coredump entry 2 52 MESSAGE_ID=fc2e22bc6ee647b6b90729ab34a250b1 MESSAGE=coredump
	entry 3 53 "MESSAGE=--delay: '0' is out of range; it accepts 0.001 to 3600 seconds"
	journal_build
	run -0 report --json
	assert_json 'd["sessions"], d["skipped_records"], d["still_held"]' '[0, 0, 0]'
}

# syslog_record SECONDS PID LINE: a record in the one-line form, as the journal keeps
# what tarpit sent to syslog when the journal refused it: MESSAGE, no MESSAGE_ID.
syslog_record() {
	entry "$1" "$2" "MESSAGE=$3" SYSLOG_FACILITY=2 PRIORITY=6
}

@test "records that came through syslog are counted, and close what a journal record opened" {
	connect 0 201 192.0.2.1 1001
	syslog_record 10 201 'event=disconnect remote_addr=192.0.2.1 remote_port=1001 helo="bot.example" pregreet=0 duration_sec=10.000 bytes_sent=90 lines_sent=3 end_reason=peer-closed'
	syslog_record 20 202 'event=connect remote_addr=2001:db8::7 remote_port=2002'
	syslog_record 40.5 202 'event=disconnect remote_addr=2001:db8::7 remote_port=2002 helo="two words?.example" pregreet=1 duration_sec=20.500 bytes_sent=90 lines_sent=3 end_reason=max-time'
	# cut short, and an event tarpit never writes: skipped, not counted
	syslog_record 50 203 'event=disconnect remote_addr=192.0.2.3 remote_port=3 helo="cut'
	syslog_record 51 204 'event=hello remote_addr=192.0.2.4 remote_port=4'
	journal_build
	run -0 report --json
	assert_json 'd["sessions"], d["still_held"], d["skipped_records"], d["held_sec"], d["pregreet_sessions"]' '[2, 0, 2, 30.5, 1]'
	assert_json '[h["helo"] for h in d["top_helo"]]' '["two words?.example", "bot.example"]'
	run -0 report --addresses
	assert_output - <<'EOF'
2001:db8::7
192.0.2.1
EOF
}

@test "--json is plain ASCII JSON whatever octets a HELO holds" {
	session_records 0 101 192.0.2.1 1001 5.000 quit 0 '%b:HELO=a\x01\x1b[2J\x7f"\\\nz\xc3\xa9'
	journal_build
	run -0 report --json
	assert_json 'd["top_helo"][0]["helo"]' '"a??[2J?\"\\?z??"'
	run -0 python3 -c 'import sys
sys.exit(any(b > 0x7e or (b < 0x20 and b != 0x0a) for b in sys.stdin.buffer.read()))' <<<"$output"
}

@test "records with missing or malformed fields are skipped and counted, never fatal" {
	disconnect 1 201 192.0.2.50 1 10.000 peer-closed 0
	entry 2 202 MESSAGE_ID=$MSG_DISCONNECT REMOTE_ADDR=192.0.2.51 REMOTE_PORT=1 PREGREET=0 END_REASON=quit
	disconnect 3 203 192.0.2.52 1 abc peer-closed 0
	disconnect 4 204 192.0.2.53 1 1.2345 peer-closed 0
	disconnect 5 205 192.0.2.54 1 -1.000 peer-closed 0
	disconnect 6 206 192.0.2.55 1 99999999999999999999 peer-closed 0
	disconnect 7 207 192.0.2.56 1 1.000 peer-closed 2
	disconnect 8 208 999.1.1.1 1 1.000 peer-closed 0
	disconnect 9 209 192.0.2.57 70000 1.000 peer-closed 0
	disconnect 10 210 192.0.2.58 1 1.000 '' 0
	entry 11 211 MESSAGE_ID=$MSG_DISCONNECT REMOTE_ADDR=192.0.2.59 REMOTE_PORT=1 PREGREET=0 DURATION_SEC=1.000
	entry 12 212 MESSAGE_ID=$MSG_CONNECT REMOTE_PORT=5
	disconnect 13 abc 192.0.2.60 1 1.000 peer-closed 0
	entry 14 214 MESSAGE_ID=$MSG_DISCONNECT
	# odd but whole: counted
	disconnect 20 220 192.0.2.70 1 2.000 exploded 0
	disconnect 21 '' 192.0.2.71 1 3.000 quit 1
	disconnect 22 222 192.0.2.72 1 4.000 signal 0 '%b:HELO=\x1b[31mred\x1b[0m'
	disconnect 23 223 192.0.2.73 1 5.000 signal 0 '%b:HELO=h\xc3\xa9llo\x00!'
	journal_build
	run -0 report --json
	assert_json 'd["sessions"], d["skipped_records"], d["held_sec"]' '[5, 13, 24.0]'
	assert_json 'd["end_reasons"]["other"], d["end_reasons"]["signal"]' '[1, 2]'
	assert_json 'sorted(h["helo"] for h in d["top_helo"])' '["?[31mred?[0m", "h??llo?!"]'
	run -0 report
	assert_figure 'skipped records' 13
	assert_line --regexp '^  \?\[31mred\?\[0m +1  4.000 s$'
}

# Four disconnects, 1, 2, 4 and 8 s long, at 0, 0.999999, 1 and 2 s after T0.
four_moments() {
	disconnect 0 301 192.0.2.1 1 1.000 quit 0
	disconnect 0.999999 302 192.0.2.2 1 2.000 quit 0
	disconnect 1 303 192.0.2.3 1 4.000 quit 0
	disconnect 2 304 192.0.2.4 1 8.000 quit 0
	journal_build
}

@test "a record exactly at --since is in the window, one exactly at --until is not" {
	four_moments
	run -0 report --json --since @1796083201 --until @1796083202
	assert_json 'd["sessions"], d["held_sec"]' '[1, 4.0]'
	assert_json 'd["since_usec"], d["until_usec"]' '[1796083201000000, 1796083202000000]'
	run -0 report --json --since @1796083200.999999 --until @1796083202.000001
	assert_json 'd["sessions"], d["held_sec"]' '[3, 14.0]'
	run -0 report --json --until @1796083200.999999
	assert_json 'd["sessions"], d["held_sec"]' '[1, 1.0]'
}

@test "calendar times are read as journalctl reads them, in local time or UTC" {
	four_moments
	run -0 report --json --since '2026-12-01 00:00:01' --until '2026-12-01 00:00:02'
	assert_json 'd["sessions"], d["held_sec"]' '[1, 4.0]'
	run -0 report --json --since 2026-12-01T00:00:01Z --until '2026-12-01 00:00:02 UTC'
	assert_json 'd["sessions"]' 1
	run -0 report --json --since 2026-12-01 --until '2026-12-01 00:01'
	assert_json 'd["sessions"]' 4
	TZ=CET-1 run -0 report --json --since '2026-12-01 01:00:01' --until '2026-12-01 01:00:02'
	assert_json 'd["sessions"], d["held_sec"]' '[1, 4.0]'
	run -0 report --json --since 2026-12-02
	assert_json 'd["sessions"]' 0
}

# Sessions ended 3 days, 25 hours, 90 and 10 minutes before now and one hour after,
# held 1, 2, 4, 8 and 16 s: a window's held_sec says which it took in.
five_around_now() {
	local now
	now=$(date +%s)
	disconnect "@$(((now - 3 * 86400) * 1000000))" 401 192.0.2.1 1 1.000 quit 0
	disconnect "@$(((now - 25 * 3600) * 1000000))" 402 192.0.2.2 1 2.000 quit 0
	disconnect "@$(((now - 90 * 60) * 1000000))" 403 192.0.2.3 1 4.000 quit 0
	disconnect "@$(((now - 10 * 60) * 1000000))" 404 192.0.2.4 1 8.000 quit 0
	disconnect "@$(((now + 3600) * 1000000))" 405 192.0.2.5 1 16.000 quit 0
	journal_build
}

@test "relative times count back from now: -1h, -30min, -2d, '2h ago', -1h 40min, now" {
	five_around_now
	run -0 report --json --since -1h --until now
	assert_json 'd["held_sec"]' 8.0
	run -0 report --json --since -30min --until now
	assert_json 'd["held_sec"]' 8.0
	run -0 report --json --since '-1h 40min' --until now
	assert_json 'd["held_sec"]' 12.0
	run -0 report --json --since '2h ago' --until now
	assert_json 'd["held_sec"]' 12.0
	run -0 report --json --since -2d --until now
	assert_json 'd["held_sec"]' 14.0
	run -0 report --json --until -1h
	assert_json 'd["held_sec"]' 7.0
	run -0 report --json --since now
	assert_json 'd["held_sec"]' 16.0
}

# since_gives HELD SPAN...: --since -SPAN --until now takes in HELD seconds, for each.
since_gives() {
	local held=$1 span
	shift
	for span in "$@"; do
		run -0 report --json --since "-$span" --until now
		assert_equal "-$span: $(json_get 'd["held_sec"]')" "-$span: $held"
	done
}

@test "a span takes every unit of systemd.time(7), by each of its names" {
	five_around_now
	since_gives 8.0 3600000000us 3600000000usec 3600000000µs 3600000000μs \
		3600000ms 3600000msec 3600s 3600sec 3600second 3600seconds 3600 \
		60m 60min 60minute 60minutes 1h 1hr 1hour 1hours
	since_gives 14.0 2d 2day 2days
	since_gives 15.0 1w 1week 1weeks 1M 1month 1months 1y 1year 1years
}

@test "a span adds up its parts, with or without spaces, and takes fractions" {
	five_around_now
	since_gives 12.0 '1h 40min' 1h40min '1 h 40 min' '100min 30' 1.6h 0.5d .5d \
		'1d 0.5h' 1.04d
	since_gives 8.0 0.5h 1799.999999s
	run -0 report --json --since '1.6h ago' --until now
	assert_json 'd["held_sec"]' 12.0
}

@test "+SPAN and 'SPAN left' count forward from now, @SPAN from the epoch" {
	five_around_now
	run -0 report --json --since now --until +2h
	assert_json 'd["held_sec"]' 16.0
	run -0 report --json --since now --until '2h left'
	assert_json 'd["held_sec"]' 16.0
	run -0 report --json --until '30min left'
	assert_json 'd["held_sec"]' 15.0
	run -0 report --json --since "@$(($(date +%s) - 3600))" --until @99999999999
	assert_json 'd["held_sec"]' 24.0
}

@test "a date or time takes a weekday, a two-digit year, a fraction of a second" {
	four_moments
	run -0 report --json --since '2026-12-01 00:00:00.999999' --until '2026-12-01 00:00:01'
	assert_json 'd["sessions"], d["held_sec"]' '[1, 2.0]'
	run -0 report --json --since '26-12-01 00:00:01' --until 26-12-01T00:00:02Z
	assert_json 'd["sessions"], d["held_sec"]' '[1, 4.0]'
	run -0 report --json --since 'Tue 2026-12-01 00:00:01' --until 'tuesday 2026-12-01 00:00:02'
	assert_json 'd["sessions"], d["held_sec"]' '[1, 4.0]'
	run -0 report --json --since '@1796083200.999999' --until @1796083201
	assert_json 'd["sessions"], d["held_sec"]' '[1, 2.0]'
	run -0 report --json --since '@1796083200.999999' --until '@1796083200s 1000ms'
	assert_json 'd["sessions"], d["held_sec"]' '[1, 2.0]'
}

@test "a time of day alone with UTC is today's in UTC, and so is 'today UTC'" {
	local today
	today=$(date -u +%Y-%m-%d)
	disconnect "@$(($(date -u -d "$today 00:00:01" +%s) * 1000000))" 601 192.0.2.1 1 1.000 quit 0
	disconnect "@$(($(date -u -d "$today 00:00:02" +%s) * 1000000))" 602 192.0.2.2 1 2.000 quit 0
	journal_build
	run -0 report --json --since '00:00:01 UTC' --until '00:00:02 UTC'
	assert_json 'd["held_sec"]' 1.0
	run -0 report --json --since 'today UTC' --until '00:00:01.5Z'
	assert_json 'd["held_sec"]' 1.0
	run -0 report --json --since "$(date -u +%a) 00:00:01 UTC"
	assert_json 'd["held_sec"]' 3.0
}

# The records are placed on the zone's own date, which from 23:00 UTC is a day
# ahead of UTC's.
@test "a time of day alone is today's in the local zone" {
	local today
	today=$(TZ=CET-1 date +%Y-%m-%d)
	disconnect "@$(($(TZ=CET-1 date -d "$today 01:00:01" +%s) * 1000000))" 603 192.0.2.3 1 1.000 quit 0
	disconnect "@$(($(TZ=CET-1 date -d "$today 01:00:02" +%s) * 1000000))" 604 192.0.2.4 1 2.000 quit 0
	journal_build
	TZ=CET-1 run -0 report --json --since 01:00:02 --until tomorrow
	assert_json 'd["held_sec"]' 2.0
	TZ=CET-1 run -0 report --json --since 01:00:01 --until 01:00:02
	assert_json 'd["held_sec"]' 1.0
}

@test "today, yesterday and tomorrow begin at local midnight" {
	local today
	today=$(date -d 'today 00:00' +%s)
	disconnect "@$(((today - 86400) * 1000000))" 501 192.0.2.1 1 1.000 quit 0
	disconnect "@$(((today - 43200) * 1000000))" 502 192.0.2.2 1 2.000 quit 0
	disconnect "@$((today * 1000000 - 1))" 503 192.0.2.3 1 4.000 quit 0
	disconnect "@$((today * 1000000))" 504 192.0.2.4 1 8.000 quit 0
	disconnect "@$(((today + 86400) * 1000000))" 505 192.0.2.5 1 16.000 quit 0
	journal_build
	run -0 report --json --since yesterday --until today
	assert_json 'd["held_sec"]' 7.0
	run -0 report --json --since today --until tomorrow
	assert_json 'd["held_sec"]' 8.0
	run -0 report --json --until yesterday
	assert_json 'd["held_sec"]' 0.0
}

@test "a connect whose process or boot is gone is lost, not held" {
	BOOT=$BOOT_A
	connect 0 601 192.0.2.1 1
	connect 1 602 192.0.2.2 2
	connect 2 602 192.0.2.3 3
	disconnect 5 602 192.0.2.3 3 3.000 peer-closed 0
	BOOT=$BOOT_B
	connect 100 601 192.0.2.4 4
	session_records 110 603 192.0.2.5 5 1.000 quit 0
	journal_build
	run -0 report --json
	assert_json 'd["sessions"], d["still_held"], d["lost"]' '[2, 1, 2]'
	# at 50 s boot A was still up: its first session was held then
	run -0 report --json --until @1796083250
	assert_json 'd["sessions"], d["still_held"], d["lost"]' '[1, 1, 1]'
	# a later entry of another boot, of any program, ends what boot B left open
	BOOT=0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c
	entry 300 1 MESSAGE=booted
	journal_build
	run -0 report --json
	assert_json 'd["still_held"], d["lost"]' '[0, 3]'
}

@test "past 4096 distinct HELO names the heaviest is still first and the rest marked" {
	awk -v t0="$T0" -v id="$MSG_DISCONNECT" -v boot="$BOOT" 'BEGIN {
		for (i = 0; i < 5003; i++) {
			heavy = i < 3
			printf "__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=%s\n", t0 + i * 1000000, i * 1000000 + 1, boot
			printf "_PID=%d\nSYSLOG_IDENTIFIER=tarpit\n_COMM=tarpit\nMESSAGE_ID=%s\nREMOTE_ADDR=192.0.2.%d\nREMOTE_PORT=1\n", 1000 + i, id, i % 200 + 1
			printf "HELO=%s\nPREGREET=0\nDURATION_SEC=%s\nEND_REASON=quit\n\n", heavy ? "heavy.example" : "bot" i ".example", heavy ? "1000.000" : "1.000"
		}
	}' >"$EXPORT"
	journal_build
	run -0 report --json
	assert_json 'd["sessions"], d["held_sec"]' '[5003, 8000.0]'
	assert_json 'd["top_helo"][0]' '{"helo": "heavy.example", "sessions": 3, "held_sec": 3000.0, "error_sec": 0.0}'
	assert_json 'len(d["top_helo"]), all(h["error_sec"] > 0 for h in d["top_helo"][1:])' '[10, true]'
	run -0 report
	assert_line --regexp '^  heavy\.example +3  50m 00s$'
	assert_line --regexp '^  bot[0-9]+\.example +1  ~[0-9.]+ s$'
}

@test "2000 generated sessions agree with an independent count in Python" {
	python3 "$RIG/make-export" 2000 7 >"$EXPORT"
	journal_build
	python3 "$REPORT_DATA/expect-from-export" <"$EXPORT" >"$BATS_TEST_TMPDIR/expected.json"
	run -0 report --json
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/got.json"
	python3 - "$BATS_TEST_TMPDIR/expected.json" "$BATS_TEST_TMPDIR/got.json" <<'EOF'
import json, sys
want = json.load(open(sys.argv[1]))
got = json.load(open(sys.argv[2]))
got["end_reasons"] = {k: v for k, v in got["end_reasons"].items() if v}
got["hold_time"] = [c["sessions"] for c in got["hold_time"]]
for h in got["top_helo"]:
    assert h.pop("error_sec") == 0, h
# the median is the floor of a histogram bucket at most 1/8192 of it wide
m, w = got.pop("median_hold_sec"), want.pop("median_hold_sec")
assert w - w / 8192 - 0.001 <= m <= w, (m, w)
for key in want:
    assert got[key] == want[key], (key, got[key], want[key])
EOF
}

@test "a journal that cannot be opened exits 66 with one line" {
	run -66 --separate-stderr "$REPORT" --file "$BATS_TEST_TMPDIR/none.journal"
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" '^tarpit-report: cannot open the journal'
	run -66 --separate-stderr "$REPORT" --directory "$BATS_TEST_TMPDIR/none"
	assert_regex "$stderr" '^tarpit-report: cannot open the journal in .*/none: No such file or directory$'
	mkdir "$BATS_TEST_TMPDIR/empty"
	run -66 --separate-stderr "$REPORT" --directory "$BATS_TEST_TMPDIR/empty"
	assert_equal "$stderr" "tarpit-report: no journal files could be read in $BATS_TEST_TMPDIR/empty"
	assert_output ''
}

@test "a directory of journal files is read whole" {
	mkdir "$BATS_TEST_TMPDIR/dir"
	session_records 0 701 192.0.2.1 1 1.000 quit 0
	journal_build
	mv "$JOURNAL" "$BATS_TEST_TMPDIR/dir/one.journal"
	: >"$EXPORT"
	session_records 10 702 192.0.2.2 1 2.000 quit 0
	journal_build
	mv "$JOURNAL" "$BATS_TEST_TMPDIR/dir/two.journal"
	run -0 "$REPORT" --json --directory "$BATS_TEST_TMPDIR/dir"
	assert_json 'd["sessions"], d["distinct_addresses"], d["held_sec"]' '[2, 2, 3.0]'
	run -0 "$REPORT" --json --file "$BATS_TEST_TMPDIR/dir/one.journal" --file "$BATS_TEST_TMPDIR/dir/two.journal"
	assert_json 'd["sessions"]' 2
	# a collector's tree: its own journal in a machine-id directory, the hosts' files in remote/
	mkdir "$BATS_TEST_TMPDIR/dir/remote"
	mv "$BATS_TEST_TMPDIR/dir/two.journal" "$BATS_TEST_TMPDIR/dir/remote/remote-192.0.2.12.journal"
	run -0 "$REPORT" --json --directory "$BATS_TEST_TMPDIR/dir"
	assert_json 'd["sessions"]' 2
}

@test "two hosts interleaved: boots, still held and lost are each host's own, and a re-sent record counts once" {
	local a=0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a b=0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b
	on_host $a a.example $BOOT_A connect 1 801 192.0.2.1 1
	on_host $b b.example $BOOT_B connect 2 901 192.0.2.2 1
	on_host $b b.example $BOOT_B disconnect 3 901 192.0.2.2 1 1.000 quit 0
	on_host $b b.example $BOOT_B connect 4 902 192.0.2.3 1
	on_host $a a.example $BOOT_A disconnect 5 801 192.0.2.1 1 4.000 peer-closed 0
	# the uploader, restarted, sends the entry at its cursor again
	on_host $a a.example $BOOT_A disconnect 5 801 192.0.2.1 1 4.000 peer-closed 0
	on_host $a a.example $BOOT_A connect 6 802 192.0.2.2 1
	on_host $a a.example $BOOT_A entry 7 1 MESSAGE=later
	on_host $b b.example $BOOT_B entry 8 1 MESSAGE=later
	journal_build
	run -0 report --json
	assert_json 'd["sessions"], d["held_sec"], d["still_held"], d["lost"], d["resent_records"]' '[2, 5.0, 2, 0, 1]'
	assert_json '[(h["host"], h["sessions"], h["distinct_addresses"], h["still_held"], h["lost"]) for h in d["hosts"]]' \
		'[["a.example", 1, 1, 1, 0], ["b.example", 1, 1, 1, 0]]'
	run -0 report --json --host b.example
	assert_json 'd["sessions"], d["still_held"], d["lost"], len(d["hosts"])' '[1, 1, 0, 1]'
	# b goes down and comes back: its open session is lost, a's still held
	on_host $b b.example 0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c entry 20 1 MESSAGE=booted
	journal_build
	run -0 report --json
	assert_json '[(h["host"], h["still_held"], h["lost"]) for h in d["hosts"]]' '[["a.example", 1, 0], ["b.example", 0, 1]]'
	run -0 report --prometheus
	prometheus_check
	assert_line 'tarpit_host_sessions_lost{host="b.example"} 1'
	assert_line 'tarpit_host_sessions_held{host="a.example"} 1'
}

@test "--prometheus escapes the quote and the backslash of a host's name in its label" {
	on_host 0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d 'q"uo\\te' $BOOT_A disconnect 1 801 192.0.2.1 1 1.000 quit 0
	journal_build
	run -0 report --json
	assert_json '[h["host"] for h in d["hosts"]]' '["q\"uo\\te"]'
	run -0 report --prometheus
	prometheus_check
	assert_line 'tarpit_host_sessions_total{host="q\"uo\\te"} 1'
}

# usage_error EXPECTED-LINE ARGS...: exit 64, nothing on stdout, EXPECTED-LINE alone on stderr.
usage_error() {
	local want=$1
	shift
	run -64 --separate-stderr "$REPORT" "$@"
	assert_output ''
	assert_equal "$stderr" "tarpit-report: $want"
}

@test "a bad option value is one line naming the option and what it accepts, exit 64" {
	local forms="a time (now, today, yesterday, -1h, '2h ago', 2026-12-01, '2026-12-01 10:00', @unix-seconds)"
	usage_error "--since: 'soon' is not $forms" --since soon
	usage_error "--until: '2026-02-30' is not $forms" --until 2026-02-30
	usage_error "--since: '-1x' is not $forms" -S -1x
	usage_error "--until: '' is not $forms" --until
	usage_error "--since: '25:00' is not $forms" --since 25:00
	usage_error "--since: '@1.0000001' is not $forms" --since @1.0000001
	usage_error "--since: '?[2J' is not $forms" --since $'\e[2J'
	local bad
	for bad in '-1h ago' '+-1h' '-1.h' '-1x' '-' '@' '1h' 'Wed 2026-12-01' '1969-12-31' \
		'-60000y' '+8000y' '2026-12-01 10' '2026-12-01 10:00 Europe/Berlin' 'now UTC' \
		' now' 'NOW' '23:59:60' '-1ns' '2026-12-01 10:00:00.0000001'; do
		usage_error "--since: '$bad' is not $forms" --since "$bad"
	done
	usage_error "--since: must be before --until" --since today --until yesterday
	usage_error "--json, --html, --prometheus, --addresses and --blocklist exclude each other" --json --prometheus
	usage_error "--json, --html, --prometheus, --addresses and --blocklist exclude each other" --html --json
	usage_error "--by: 'week' is not hour or day" --by week
	usage_error "--by: '' is not hour or day" --by
	usage_error "--output: '' is not a file" -o ''
	usage_error "--state: '' is not a file" --prometheus --state ''
	usage_error "--state: only with --prometheus" --json --state x
	usage_error "--state: counts everything since its first run; no --since or --until" --prometheus --state x --since today
	usage_error "--directory and --file exclude each other" -D /tmp --file x.journal
	usage_error "unknown option '--jsn'; accepted: --since (-S), --until (-U), --directory (-D), --file, --by, --host, --json, --html, --prometheus, --addresses, --blocklist, --allowlist, --expire, --postfix-action, --output (-o), --state, --help (-h), --version (-V)" --jsn
	usage_error "unknown option '-x'; accepted: --since (-S), --until (-U), --directory (-D), --file, --by, --host, --json, --html, --prometheus, --addresses, --blocklist, --allowlist, --expire, --postfix-action, --output (-o), --state, --help (-h), --version (-V)" -x
	usage_error "unknown option '--json=1'; accepted: --since (-S), --until (-U), --directory (-D), --file, --by, --host, --json, --html, --prometheus, --addresses, --blocklist, --allowlist, --expire, --postfix-action, --output (-o), --state, --help (-h), --version (-V)" --json=1
	usage_error "unexpected argument 'x.journal'; journal files go with --file" x.journal
}

@test "--help prints the usage with its defaults and exit codes; --version the version" {
	run -0 --separate-stderr "$REPORT" --help
	assert_line --index 0 'usage: tarpit-report [-S time] [-U time] [-D directory | --file file ...]'
	assert_line --index 1 '                     [--by hour | day] [--host name] [--json | --html'
	assert_line --index 2 '                     | --prometheus | --addresses | --blocklist format]'
	assert_line --index 3 '                     [--allowlist file] [--expire span]'
	assert_line --index 4 '                     [--postfix-action action] [-o file] [--state file]'
	assert_line --index 5 '       tarpit-report -h | -V'
	assert_line --partial 'read FILE; up to 64 times'
	assert_line --partial 'top 10 addresses and HELO names; HELO names are exact'
	assert_line --partial 'up to 4096 distinct ones'
	assert_line --partial 'Exit status: 0 success, 64 usage error, 66 cannot open the journal,'
	assert_line --partial '71 out of memory, 73 cannot create the output or state file,'
	assert_line --partial '74 cannot read the journal or write the report.'
	assert_equal "$stderr" ''
	run -0 "$REPORT" -V
	assert_output 'tarpit-report 0.1'
}

@test "a report that cannot be written exits 74" {
	eight_sessions
	run -74 --separate-stderr bash -c '"$0" --file "$1" >/dev/full' "$REPORT" "$JOURNAL"
	assert_regex "$stderr" '^tarpit-report: cannot write the report: No space left on device$'
}

# --- the real tarpit, into a journald of our own --------------------------------------

journal_session_count() {
	in_journal journalctl --sync
	[[ $(in_journal journalctl -q --no-pager -o cat MESSAGE_ID=$MSG_CONNECT | wc -l) == "$1" ]]
}

@test "sessions of the real tarpit, logged to a test journald, are reported as they ended" {
	common_setup
	tarpit_named
	journald_start
	IN_NS=(nsenter -t "$JOURNALD_PID" -m --)
	REMOTE_ADDR=192.0.2.80 REMOTE_PORT=5001 session 'QUIT\r\n' -l journal
	REMOTE_ADDR=192.0.2.80 REMOTE_PORT=5002 session_signalled TERM 'EHLO spam.example\r\n' -d 0.01 -l journal
	REMOTE_ADDR=2001:db8::80 REMOTE_PORT=5003 silent_session --helo-timeout 0.2 -l journal
	# a session still going when the report runs, given time for a report under valgrind
	SESSION_LIMIT=120 REMOTE_ADDR=198.51.100.80 REMOTE_PORT=5004 session_spawn /dev/zero -d 0.05 -l journal
	wait_until 5 journal_session_count 4
	run -0 in_journal "$REPORT" --json
	assert_json 'd["sessions"], d["distinct_addresses"], d["still_held"], d["lost"], d["skipped_records"]' '[3, 2, 1, 0, 0]'
	assert_json 'sorted(k for k, v in d["end_reasons"].items() if v)' '["helo-timeout", "quit", "signal"]'
	assert_json 'd["top_helo"][0]["helo"], d["top_helo"][0]["sessions"]' '["spam.example", 1]'
	# the input was there before the banner, but not on the silent session's FIFO
	assert_json 'd["pregreet_sessions"]' 2
	assert_json 'sorted((a["address"], a["sessions"]) for a in d["top_addresses"])' '[["192.0.2.80", 2], ["2001:db8::80", 1]]'
	# the time figures, from the journal's own DURATION_SEC values of the sessions
	# that had ended (a slow report, as under valgrind, may outlast the held one)
	local durations
	durations=$(in_journal journalctl -q --no-pager -o json "MESSAGE_ID=$MSG_DISCONNECT" |
		jq -r 'select(.REMOTE_PORT != "5004") | .DURATION_SEC' | paste -sd ' ')
	assert_json 'd["held_sec"], d["longest_hold_sec"]' "$(python3 -c 'import sys
ms = [round(float(s) * 1000) for s in sys.argv[1:]]
print("[%s, %s]" % (sum(ms) / 1000, max(ms) / 1000))' $durations)"
	session_signal TERM
	session_wait
	# its disconnect record may still be in journald's socket
	in_journal journalctl --sync
	run -0 in_journal "$REPORT" --json
	assert_json 'd["sessions"], d["still_held"], d["end_reasons"]["signal"]' '[4, 0, 2]'
	run -0 in_journal "$REPORT" --addresses
	assert_line 198.51.100.80
	assert_line 192.0.2.80
	assert_line 2001:db8::80
}

# journal_line_count PATTERN N: N of the journal's tarpit messages match PATTERN.
journal_line_count() {
	in_journal journalctl --sync
	[[ $(in_journal journalctl -q --no-pager -o cat -t tarpit | grep -c -- "$1") == "$2" ]]
}

@test "a session logged through syslog to journald is reported as one logged to the journal" {
	common_setup
	tarpit_named
	# journald's syslog socket as /dev/log, as on a host where it is the syslog daemon
	journald_start --dev-log
	IN_NS=(nsenter -t "$JOURNALD_PID" -m --)
	REMOTE_ADDR=192.0.2.81 REMOTE_PORT=5011 session 'EHLO syslog.example\r\n' -d 0.01 -t 0.2 -l syslog
	REMOTE_ADDR=192.0.2.82 REMOTE_PORT=5012 session 'QUIT\r\n' -l journal
	wait_until 5 journal_line_count '^event=disconnect ' 2
	# the syslog one came with no MESSAGE_ID: only its line says what it is
	run -0 in_journal journalctl -q --no-pager -o json -t tarpit REMOTE_PORT=5011
	assert_output ''
	run -0 in_journal "$REPORT" --json
	assert_json 'd["sessions"], d["still_held"], d["skipped_records"]' '[2, 0, 0]'
	assert_json 'sorted((a["address"], a["sessions"]) for a in d["top_addresses"])' '[["192.0.2.81", 1], ["192.0.2.82", 1]]'
	assert_json 'd["top_helo"][0]["helo"], d["end_reasons"]["max-time"], d["end_reasons"]["quit"]' '["syslog.example", 1, 1]'
}
