#!/usr/bin/env bats
# Command line: help, version, and the usage errors (one line on stderr, exit 64).

load test_helper/common-setup

setup() {
	common_setup
}

teardown() {
	common_teardown
}

# assert_usage_error NAME ARGS...: tarpit ARGS exits 64 with nothing on stdout and one
# line on stderr that starts "tarpit: " and contains NAME (an extended regexp).
assert_usage_error() {
	local name=$1
	shift
	run --separate-stderr timeout 5 "$TARPIT" "$@" </dev/null
	[[ $status -eq 64 && -z $output && ${#stderr_lines[@]} -eq 1 ]] &&
		[[ $stderr == "tarpit: "* ]] && grep -Eq -- "$name" <<<"$stderr" ||
		fail "tarpit$(printf " '%s'" "$@"): status $status, stdout '$output', stderr '$stderr'"
}

long_option() {
	case $1 in
	-d) echo --delay ;;
	-t) echo --max-time ;;
	-H) echo --hostname ;;
	-l) echo --log ;;
	*) echo "$1" ;;
	esac
}

# assert_accepted ARGS...: tarpit ARGS takes the options and serves a session ("QUIT").
assert_accepted() {
	session 'QUIT\r\n' -l none "$@"
	run -0 replies
	assert_line --index 0 --regexp '^220 .* ESMTP$'
}

@test "--help and -h print the usage on stdout and exit 0" {
	for option in --help -h; do
		run --separate-stderr -0 "$TARPIT" "$option"
		assert_line --index 0 --partial 'usage: tarpit'
		for name in --delay --max-time --helo-timeout --greet-wait --hostname --log; do
			assert_output --partial -- "$name"
		done
		assert_equal "$stderr" ''
	done
}

@test "--version and -V print 'tarpit 0.1' and exit 0" {
	for option in --version -V; do
		run --separate-stderr -0 "$TARPIT" "$option"
		assert_output 'tarpit 0.1'
		assert_equal "$stderr" ''
	done
}

@test "a delay that is not a number of seconds from 0.01 to 3600 is a usage error" {
	for value in abc '' 0 -1 0.009 0.001 3600.001 3601 1.2345 5s ' 5' '5 ' nan inf 0x10 1e1; do
		assert_usage_error '-d|--delay' -d "$value"
		assert_usage_error '--delay' --delay "$value"
	done
}

@test "a max-time that is not a number of seconds from 0 to 604800 is a usage error" {
	for value in abc '' -1 604801 5s nan; do
		assert_usage_error '-t|--max-time' -t "$value"
		assert_usage_error '--max-time' --max-time "$value"
	done
}

@test "a helo-timeout that is not a number of seconds from 0.01 to 3600 is a usage error" {
	for value in abc '' 0 0.001 3601 nan; do
		assert_usage_error '--helo-timeout' --helo-timeout "$value"
	done
}

@test "a greet-wait that is not a number of seconds from 0 to 200 is a usage error" {
	for value in abc '' -1 200.001 201 0.0001 6s nan; do
		assert_usage_error '--greet-wait' --greet-wait "$value"
	done
}

@test "--help gives the greet-wait default and range from the code's own constants" {
	run --separate-stderr -0 "$TARPIT" --help
	assert_output --partial 'jittered by half; 0 for one line (default 6, 0 to 200)'
}

@test "a hostname that is not 1 to 253 of [A-Za-z0-9.-] is a usage error" {
	for value in '' bad_name 'two words' "$(printf 'x%.0s' {1..254})" $'cr\r' $'nl\n' $'h\xc3\xa9' 'a"b'; do
		assert_usage_error '-H|--hostname' -H "$value"
		assert_usage_error '--hostname' --hostname "$value"
	done
}

@test "a log target other than auto, journal, syslog, stderr or none is a usage error" {
	for value in '' bogus file stdout; do
		assert_usage_error '-l|--log' -l "$value"
		assert_usage_error '--log' --log "$value"
	done
}

@test "an unknown option is a usage error that names it" {
	assert_usage_error '--bogus' --bogus
	assert_usage_error '-x' -x
	assert_usage_error '-x' -d 1 -x
}

@test "an option without its argument is a usage error that names it" {
	for option in -d --delay -t --max-time --helo-timeout --greet-wait -H --hostname -l --log; do
		assert_usage_error "$option|$(long_option "$option")" "$option"
	done
}

@test "an extra operand is a usage error that names it" {
	assert_usage_error 'stray' stray
	assert_usage_error 'stray' -d 1 stray
	assert_usage_error 'stray' -- stray
}

@test "the limits of every range are accepted" {
	assert_accepted -d 0.01 -t 0 --helo-timeout 0.01
	assert_accepted -d 3600 -t 604800 --helo-timeout 3600
	assert_accepted --greet-wait 0
	for value in 0.001 200; do
		session 'QUIT\r\n' -l none --greet-wait "$value" -t 0.2
		run -0 replies
		assert_line --index 0 --regexp '^220-.* ESMTP$'
	done
	assert_accepted --delay 0.125 --max-time 10 --helo-timeout 2.5
	assert_accepted -H a
	assert_accepted -H "$(printf 'a%.0s' {1..251}).b"
	assert_accepted --hostname Mx-1.Example.ORG
}
