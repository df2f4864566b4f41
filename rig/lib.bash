# rig/lib.bash: what every rig command shares; sourced, not run.

# usage COMMAND ARGS: the one line of a wrong command line; exit 64 (EX_USAGE).
usage() {
	echo "usage: rig/$RIG_COMMAND $*" >&2
	exit 64
}

# die MESSAGE: one line on stderr, exit 1.
die() {
	echo "rig/$RIG_COMMAND: $*" >&2
	exit 1
}

# shellcheck source=rig/wait.bash
. "${BASH_SOURCE[0]%/*}/wait.bash"

# wait_for SECONDS COMMAND...: poll_until, with COMMAND's complaints while it is not
# yet true kept off stderr.
wait_for() {
	poll_until "$@" 2>/dev/null
}

# end PID SECONDS: SIGTERM, and SIGKILL if PID is still there after SECONDS.
end() {
	process_gone "$1" && return 0
	kill -TERM "$1" 2>/dev/null || true
	wait_for "$2" process_gone "$1" || kill -KILL "$1" 2>/dev/null || true
	wait_for 5 process_gone "$1"
}

# state DIR NAME: the content of DIR/NAME, which the command that made DIR wrote.
state() {
	[[ -s $1/$2 ]] || die "no $2 in $1: not started with this rig?"
	cat "$1/$2"
}

# close_fds: close fds 3 to 9, as a daemon left in the background must (bats waits
# for its fd 3 to close, a pipe for its last writer).
close_fds() {
	exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
}
