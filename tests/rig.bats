#!/usr/bin/env bats
# rig/ itself, on this host's cgroup layout and on a server's (rig/unified): a group
# is made, holds what runs in it, and goes without a trace; so does a container
# whose boot failed.

load test_helper/common-setup

RIG=$BATS_TEST_DIRNAME/../rig

# group_cycle WRAPPER...: under WRAPPER (nothing, or rig/unified), make a group, run
# a sleep in it, and print the layout, the group's directories, whether the sleep is
# listed in it, and, after remove, which of the directories are left.
group_cycle() {
	"$@" bash -c '
		rig=$1 group=$2
		"$rig/cgroup" layout
		"$rig/cgroup" create "$group" "rig-test-$$" || exit
		dirs=$(sed -n "s/^dir [^ ]* //p" "$group")
		"$rig/cgroup" exec "$group" sleep 60 3>&- &
		pid=$!
		for _ in $(seq 100); do
			"$rig/cgroup" pids "$group" | grep -qx "$pid" && break
			sleep 0.05
		done
		"$rig/cgroup" pids "$group" | grep -qx "$pid" && echo "listed"
		"$rig/cgroup" remove "$group" && echo "removed"
		for dir in $dirs; do [[ ! -e $dir ]] || echo "left: $dir"; done
		[[ ! -e $group ]] || echo "left: $group"' \
		bash "$RIG" "$BATS_TEST_TMPDIR/group"
}

@test "rig/cgroup on this host's own layout: the group holds its command, and goes" {
	run -0 group_cycle
	assert_line -n 0 --regexp '^(v1|v2|systemd)$'
	assert_line listed
	assert_line removed
	refute_output --partial left:
}

@test "rig/cgroup on a server's layout (rig/unified, cgroup v2): the same" {
	run -0 group_cycle "$RIG/unified"
	# systemd where it is PID 1: a server itself
	assert_line -n 0 --regexp '^(v2|systemd)$'
	assert_line listed
	assert_line removed
	refute_output --partial left:
}

@test "a container whose boot fails leaves no cgroup behind, on either layout" {
	local wrapper dir
	for wrapper in "" "$RIG/unified"; do
		dir=$BATS_TEST_TMPDIR/boot${wrapper:+-unified}
		# nspawn refuses an option it does not know, after rig/nspawn made the cgroup
		run $wrapper "$RIG/nspawn" boot "$dir" "rig-test-$$" --no-such-option 3>&-
		assert_failure
		run -0 sed -n 's/^dir [^ ]* //p' "$dir/cgroup"
		assert [ -n "$output" ]
		run -0 $wrapper bash -c 'dirs=$(sed -n "s/^dir [^ ]* //p" "$2/cgroup")
			"$1/nspawn" stop "$2" || exit
			for d in $dirs; do [[ ! -e $d ]] || echo "left: $d"; done' bash "$RIG" "$dir"
		refute_output --partial left:
	done
}
