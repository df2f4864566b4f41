# The message ids of tarpit's records, read out of record.h: the one place that
# names them, for tarpit, tarpit-report and the tests alike.  common-setup loads it.
# shellcheck disable=SC2034 # the names are for the .bats files

RECORD_H=$(realpath -m "$BATS_TEST_DIRNAME/../record.h")

# record_h_string NAME: the string that record.h #defines as NAME.
record_h_string() {
	sed -n "s/^#define $1[[:space:]]\{1,\}\"\([^\"]*\)\".*/\1/p" "$RECORD_H"
}

MSG_CONNECT=$(record_h_string MESSAGE_ID_CONNECT)
MSG_DISCONNECT=$(record_h_string MESSAGE_ID_DISCONNECT)
[[ $MSG_CONNECT =~ ^[0-9a-f]{32}$ && $MSG_DISCONNECT =~ ^[0-9a-f]{32}$ ]] ||
	echo "no message ids in $RECORD_H" >&2
