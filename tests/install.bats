#!/usr/bin/env bats
# make install-xinetd: into this machine only where xinetd is, staged with DESTDIR
# wherever.  Every directory is under the test's own, so nothing reaches the host.

load test_helper/common-setup

setup() {
	common_setup
	ROOT=$BATS_TEST_TMPDIR/root
}

teardown() {
	common_teardown
}

# install_xinetd MAKE-ARGS...: make install-xinetd with every directory it writes to
# under $ROOT, the output in $output and $stderr.
install_xinetd() {
	run --separate-stderr make -s -C "$BATS_TEST_DIRNAME/.." install-xinetd \
		PREFIX="$ROOT/usr" UNITDIR="$ROOT/units" SYSUSERSDIR="$ROOT/sysusers.d" \
		XINETDDIR="$ROOT/xinetd.d" "$@"
}

@test "make install-xinetd without xinetd stops with one line saying how to install it, and installs nothing" {
	install_xinetd DESTDIR= XINETD="$BATS_TEST_TMPDIR/no-xinetd"
	assert_failure
	assert_output ''
	assert_equal "${stderr_lines[0]}" "tarpit: xinetd is not installed (no $BATS_TEST_TMPDIR/no-xinetd); install it with: apt-get install --no-install-recommends xinetd"
	# the rest is make's own line naming the target that failed
	assert_equal "${#stderr_lines[@]}" 2
	[[ ! -e $ROOT ]] || fail "installed: $(find "$ROOT" -type f)"
}

@test "make install-xinetd installs where xinetd is found at XINETD" {
	install_xinetd DESTDIR= XINETD="$(type -P true)"
	assert_success
	run -0 grep -E '^\s+server\s+= ' "$ROOT/xinetd.d/tarpit"
	assert_output --regexp "= $ROOT/usr/sbin/tarpit\$"
	[[ -x $ROOT/usr/sbin/tarpit ]]
}

@test "make install-xinetd with DESTDIR stages the files without looking for xinetd" {
	install_xinetd DESTDIR="$BATS_TEST_TMPDIR/dest" XINETD="$BATS_TEST_TMPDIR/no-xinetd"
	assert_success
	run -0 grep -E '^\s+server\s+= ' "$BATS_TEST_TMPDIR/dest$ROOT/xinetd.d/tarpit"
	assert_output --regexp "= $ROOT/usr/sbin/tarpit\$"
}
