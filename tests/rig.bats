#!/usr/bin/env bats
# rig/ itself, on this host's cgroup layout and on a server's (rig/unified): a group
# is made, holds what runs in it, and goes without a trace; so does a container
# whose boot failed, and one that was never booted.

load test_helper/common-setup

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

# groups_left DIR: a line "left: D" for each directory of DIR/cgroup still there after
# rig/nspawn stop DIR.
groups_left() {
	local dirs d
	dirs=$(sed -n 's/^dir [^ ]* //p' "$1/cgroup")
	"$RIG/nspawn" stop "$1" || return
	for d in $dirs; do [[ ! -e $d ]] || echo "left: $d"; done
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
		run -0 $wrapper bash -c "$(declare -f groups_left); groups_left \"\$1\"" bash "$dir"
		refute_output --partial left:
	done
}

@test "rig/nspawn run gives the command's status, never writes /, and leaves nothing behind" {
	local wrapper dir file=/etc/rig-run-test-$$
	for wrapper in "" "$RIG/unified"; do
		dir=$BATS_TEST_TMPDIR/run${wrapper:+-unified}
		run $wrapper "$RIG/nspawn" run "$dir" "rig-run-$$" / --link-journal=no \
			sh -c 'echo written >"$1" && cat "$1" && exit 3' sh "$file" 3>&-
		assert_equal "$status" 3
		assert_line written
		assert [ ! -e "$file" ]
		run -0 $wrapper bash -c "$(declare -f groups_left); groups_left \"\$1\"" bash "$dir"
		refute_output --partial left:
	done
}
