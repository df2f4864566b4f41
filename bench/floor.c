/*
 * floor: the cheapest process-per-connection tar pit, the yardstick of bench/.
 * It does what any tar pit must and nothing more: a banner at once, then one
 * line after every delay, jittered as tarpit's are (from half to one and a
 * half times DELAY, the argument in seconds, default 10), until the client
 * hangs up or a write fails.
 *
 * What it leaves out, so that nothing is paid for that a holder can do
 * without: it never reads what the client sends (that waits in the socket's
 * receive buffer), never reads a clock (each delay is one poll(2) timeout,
 * which only a hang-up cuts short; the first call through the vDSO costs its
 * page tables), logs nothing, and has no stdio, heap or signal handler.
 * Build with musl-gcc -static -Os.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdint.h>
#include <unistd.h>

#define DEFAULT_DELAY_MS 10000   /* milliseconds */
#define MAX_DELAY_MS     3600000 /* milliseconds */

static uint64_t random_state;

/* splitmix64, as in tarpit: the jitter only has to differ between sessions. */
static uint64_t
random_next(void)
{
	uint64_t z = (random_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
delay_parse(const char *s)
{
	int ms = 0;

	for (; *s >= '0' && *s <= '9' && ms < MAX_DELAY_MS; s++)
		ms = ms * 10 + (*s - '0') * 1000;
	return ms > 0 && ms <= MAX_DELAY_MS ? ms : DEFAULT_DELAY_MS;
}

int
main(int argc, char **argv)
{
	static const char banner[] = "220 floor ESMTP\r\n";
	static const char line[] = "250-floor\r\n";
	struct pollfd peer = { .fd = STDIN_FILENO, .events = POLLRDHUP };
	int delay = argc > 1 ? delay_parse(argv[1]) : DEFAULT_DELAY_MS;

	random_state = (uint64_t)getpid();
	if (write(STDOUT_FILENO, banner, sizeof(banner) - 1) < 0)
		return 0;
	for (;;) {
		int wait = delay / 2 + (int)(random_next() % (uint64_t)(delay + 1));

		if (poll(&peer, 1, wait) != 0)
			return 0;
		if (write(STDOUT_FILENO, line, sizeof(line) - 1) < 0)
			return 0;
	}
}
