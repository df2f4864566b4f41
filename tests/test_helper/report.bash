# Helpers for tests/report.bats: tarpit records written in journal export format
# and turned into journal files by systemd-journal-remote, with fixed timestamps,
# so that every figure of tarpit-report can be worked out by hand.
# Load after test_helper/common-setup.
# shellcheck disable=SC2034,SC2154 # the names are for, and from, the .bats file

REPORT=$(realpath -m "${TARPIT_REPORT:-$BATS_TEST_DIRNAME/../tarpit-report}")
JOURNAL_REMOTE=/lib/systemd/systemd-journal-remote
REPORT_DATA=$BATS_TEST_DIRNAME/report-data

# 2026-12-01 00:00:00 UTC, in microseconds: the fixtures' time zero.
T0=1796083200000000
BOOT_A=0b0a0b0a0b0a0b0a0b0a0b0a0b0a0b0a
BOOT_B=0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b
BOOT=$BOOT_A

report_setup() {
	[[ -x $REPORT ]] || fail "no tarpit-report binary at $REPORT (run make, or set TARPIT_REPORT)"
	[[ -x $JOURNAL_REMOTE ]] || fail "no $JOURNAL_REMOTE: install systemd-journal-remote"
	# calendar times in the tests are UTC, whatever the machine says
	export TZ=UTC
	EXPORT=$BATS_TEST_TMPDIR/records.export
	JOURNAL=$BATS_TEST_TMPDIR/records.journal
	: >"$EXPORT"
}

# usec WHEN: microseconds since the epoch of WHEN, which is seconds after T0 (up to
# 6 decimals) or @MICROSECONDS.
usec() {
	if [[ $1 == @* ]]; then
		echo "${1#@}"
	else
		awk -v t0="$T0" -v s="$1" 'BEGIN { printf "%.0f", t0 + s * 1e6 }'
	fi
}

# entry WHEN PID FIELD=VALUE...: one entry at WHEN (see usec) from process PID (no
# _PID if empty) of boot $BOOT, with SYSLOG_IDENTIFIER=$IDENTIFIER (tarpit unless
# set), _COMM=$COMM (the identifier unless set, none if "-": journald's name of
# the writer, which tarpit-report trusts) and _UID=$WRITER_UID (101 unless set),
# appended to $EXPORT.  A field written "%b:NAME=VALUE"
# has printf %b escapes in VALUE and goes in the export format's binary form.
entry() {
	local at pid=$2 field
	at=$(usec "$1")
	shift 2
	{
		echo "__REALTIME_TIMESTAMP=$at"
		echo "__MONOTONIC_TIMESTAMP=$((at > T0 ? at - T0 + 1000000 : at))"
		echo "_BOOT_ID=$BOOT"
		echo "_TRANSPORT=journal"
		[[ -z $pid ]] || echo "_PID=$pid"
		echo "SYSLOG_IDENTIFIER=${IDENTIFIER:-tarpit}"
		[[ ${COMM-} == - ]] || echo "_COMM=${COMM:-${IDENTIFIER:-tarpit}}"
		echo "_UID=${WRITER_UID:-101}"
		for field in "$@"; do
			if [[ $field == %b:* ]]; then
				binary_field "${field#%b:}"
			else
				echo "$field"
			fi
		done
		echo
	} >>"$EXPORT"
}

# binary_field NAME=VALUE: NAME, a newline, the length of VALUE (printf %b) as 64-bit
# little endian, VALUE, a newline.
binary_field() {
	local name=${1%%=*} value=${1#*=} len k
	len=$(printf '%b' "$value" | wc -c)
	echo "$name"
	for ((k = 0; k < 64; k += 8)); do
		# shellcheck disable=SC2059 # the format is the octet
		printf "\\x$(printf %02x $((len >> k & 255)))"
	done
	printf '%b\n' "$value"
}

# connect SECONDS PID ADDR PORT: a connect record as tarpit writes it.
connect() {
	entry "$1" "$2" MESSAGE_ID=$MSG_CONNECT TARPIT_EVENT=connect \
		"MESSAGE=event=connect remote_addr=$3 remote_port=$4" \
		REMOTE_ADDR="$3" REMOTE_PORT="$4"
}

# disconnect SECONDS PID ADDR PORT DURATION REASON PREGREET [FIELD=VALUE...]: a
# disconnect record; HELO= or COMMAND= go in the extra fields.
disconnect() {
	local at=$1 pid=$2 addr=$3 port=$4 duration=$5 reason=$6 pregreet=$7
	shift 7
	entry "$at" "$pid" MESSAGE_ID=$MSG_DISCONNECT TARPIT_EVENT=disconnect \
		"MESSAGE=event=disconnect remote_addr=$addr remote_port=$port" \
		REMOTE_ADDR="$addr" REMOTE_PORT="$port" "$@" PREGREET="$pregreet" \
		DURATION_SEC="$duration" BYTES_SENT=100 LINES_SENT=3 END_REASON="$reason"
}

# session_records START PID ADDR PORT DURATION REASON PREGREET [FIELD=VALUE...]: both records.
session_records() {
	local end
	end=$(awk -v a="$1" -v d="$5" 'BEGIN { printf "%.3f", a + d }')
	connect "$1" "$2" "$3" "$4"
	disconnect "$end" "$2" "$3" "$4" "$5" "$6" "$7" "${@:8}"
}

# journal_build: $EXPORT, in time order, into $JOURNAL (journal-remote wants a name
# ending in .journal).  The journal keeps entries in the order they come, and seeking
# by time assumes it is the time order, as it is in a journal journald wrote.
journal_build() {
	rm -f "$JOURNAL"
	python3 "$REPORT_DATA/sort-export" <"$EXPORT" |
		"$JOURNAL_REMOTE" --output="$JOURNAL" - 2>"$BATS_TEST_TMPDIR/journal-remote.log" ||
		fail "systemd-journal-remote failed: $(cat "$BATS_TEST_TMPDIR/journal-remote.log")"
}

# report ARGS...: tarpit-report on $JOURNAL.
report() {
	"$REPORT" --file "$JOURNAL" "$@"
}

# json_get EXPRESSION: EXPRESSION (python, on the document `d`) of the JSON in $output,
# printed as JSON; the document must parse.
json_get() {
	python3 -c 'import json, sys
d = json.loads(sys.stdin.read())
print(json.dumps(eval(sys.argv[1])))' "$1" <<<"$output"
}

# assert_json EXPRESSION EXPECTED: json_get EXPRESSION prints EXPECTED.
assert_json() {
	local got
	got=$(json_get "$1") || { fail "not JSON: $output"; return; }
	assert_equal "$1 = $got" "$1 = $2"
}

# assert_figure NAME VALUE: the table has the line "  NAME  VALUE".
assert_figure() {
	assert_line --regexp "^  $1 +$2\$"
}

# prometheus_check: $output is in the Prometheus text exposition format.
prometheus_check() {
	python3 "$REPORT_DATA/check-prometheus" <<<"$output" || fail "not the Prometheus text format: $output"
}

# on_host MACHINE-ID HOSTNAME BOOT FUNCTION ARGS...: FUNCTION's entries (connect,
# disconnect, entry) as that host writes them.
on_host() {
	local machine=$1 name=$2 before
	BOOT=$3
	shift 3
	before=$(wc -l <"$EXPORT")
	"$@"
	# the fields the journal adds to every entry, in the entries just written
	sed -i "$((before + 1)),\$ s|^_BOOT_ID=.*|&\n_MACHINE_ID=$machine\n_HOSTNAME=$name|" "$EXPORT"
}
