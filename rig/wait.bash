# rig/wait.bash: the bounded wait the rig commands and the tests share; sourced, not run.

# WAIT_SCALE: every bound of poll_until is this many times longer (a whole number;
# default 1), for a machine that is slow as a whole: an emulated one.
# poll_until SECONDS COMMAND...: run COMMAND every 20 ms until it succeeds; false once
# SECONDS (fractions allowed) times WAIT_SCALE have passed without.  Plain bash, as
# where it runs there may be no awk (a volatile /etc has no alternatives links).
poll_until() {
	local whole=${1%%.*} fraction limit
	fraction=${1#"$whole"}
	fraction=${fraction#.}000000
	limit=$(((10#${whole:-0} * 1000000 + 10#${fraction:0:6}) * ${WAIT_SCALE:-1}))
	limit=$((${EPOCHREALTIME/./} + limit))
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
