/*
 * sandbox-probe: installs tarpit's own seccomp filter, then makes the one
 * system call named by its argument.  The tests expect death by SIGSYS for
 * every call a session must never make, and exit 0 for the ones it needs.
 */
#define main tarpit_main
#include "../tarpit.c"
#undef main

#include <fcntl.h>
#include <sys/ptrace.h>

int
main(int argc, char **argv)
{
	const char *call = argc > 1 ? argv[1] : "";

	sandbox_install();
	if (strcmp(call, "open") == 0)
		open("/etc/hostname", O_RDONLY);
	else if (strcmp(call, "inet-socket") == 0)
		socket(AF_INET, SOCK_STREAM, 0);
	else if (strcmp(call, "inet6-socket") == 0)
		socket(AF_INET6, SOCK_DGRAM, 0);
	else if (strcmp(call, "exec") == 0)
		execl("/bin/true", "true", (char *)NULL);
	else if (strcmp(call, "ptrace") == 0)
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	else if (strcmp(call, "mmap-exec") == 0)
		mmap(NULL, 4096, PROT_READ | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	else if (strcmp(call, "unix-socket") == 0)
		return socket(AF_UNIX, SOCK_DGRAM, 0) >= 0 ? 0 : 2;
	else if (strcmp(call, "write") == 0)
		return write(STDOUT_FILENO, "alive\n", 6) == 6 ? 0 : 2;
	return 1;	/* the forbidden call came back: the filter let it by */
}
