# rig/wait.bash: the bounded wait the rig commands and the tests share; sourced, not run.

# poll_until SECONDS COMMAND...: run COMMAND every 20 ms until it succeeds; false once
# SECONDS (fractions allowed) have passed without.
poll_until() {
	local limit
	limit=$((${EPOCHREALTIME/./} + $(awk -v s="$1" 'BEGIN { printf "%d", s * 1e6 }')))
	shift
	until "$@"; do
		((${EPOCHREALTIME/./} <= limit)) || return 1
		sleep 0.02
	done
}

# process_gone PID: true once PID has exited; a zombie, left for its parent to reap,
# counts.
process_gone() {
	local state
	state=$(ps -o stat= -p "$1") || return 0
	[[ $state == Z* ]]
}
