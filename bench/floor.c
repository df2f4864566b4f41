/*
 * floor: the cheapest process-per-connection tar pit, the yardstick of bench/.
 * Holds the connection on fd 0 and 1: a banner at once, then one line every
 * DELAY seconds (argument, default 10), discarding whatever the client sends,
 * until the client hangs up or a write fails.  No stdio, no heap, no libc
 * start-up beyond musl's: build with musl-gcc -static -Os.
 */
#define _POSIX_C_SOURCE 200809L
#include <poll.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_DELAY 10	/* seconds */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	static const char banner[] = "220 floor ESMTP\r\n";
	static const char line[] = "250-floor\r\n";
	struct pollfd in = { .fd = 0, .events = POLLIN };
	long long delay = DEFAULT_DELAY * 1000LL, next;
	char buf[512];
	const char *p;

	if (argc > 1) {
		delay = 0;
		for (p = argv[1]; *p >= '0' && *p <= '9' && delay < 3600000; p++)
			delay = delay * 10 + (*p - '0') * 1000LL;
		if (delay == 0)
			delay = DEFAULT_DELAY * 1000LL;
	}
	if (write(1, banner, sizeof(banner) - 1) < 0)
		return 0;
	for (next = now_ms() + delay;;) {
		long long left = next - now_ms();

		if (left <= 0) {
			if (write(1, line, sizeof(line) - 1) < 0)
				return 0;
			next += delay;
			continue;
		}
		if (poll(&in, 1, (int)left) > 0 && read(0, buf, sizeof(buf)) <= 0)
			return 0;
	}
}
