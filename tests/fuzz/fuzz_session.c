/*
 * libFuzzer target: whole sessions of tarpit's own code on arbitrary client
 * bytes.  fd 0 and 1 are memory files, so the real banner, command reading,
 * parsing, sanitizing, replies and log records run as they do on a socket;
 * then what the session wrote is checked, not merely survived:
 *   - every line out ends in CRLF and is at most 512 octets;
 *   - no reply begins with 5;
 *   - every log record is printable ASCII, each quoted value at most 255.
 */
#define main tarpit_main
#include "../../tarpit.c"
#undef main

#include <sys/mman.h>

static int in_fd, out_fd, log_fd;
static struct config fuzz_config;

static int
memory_file(const char *name)
{
	int fd = memfd_create(name, 0);

	if (fd == -1)
		abort();
	return fd;
}

/* Everything written to fd, from the start; fd is emptied for the next run. */
static size_t
memory_file_take(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size, 0);

	if (n < 0 || ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return (size_t)n;
}

static void
check_replies(const char *out, size_t len)
{
	size_t start = 0, i;

	for (i = 0; i < len; i++) {
		if (out[i] != '\n')
			continue;
		if (i == start || out[i - 1] != '\r' || i + 1 - start > LINE_MAX_OCTETS)
			abort();
		if (out[start] == '5')
			abort();
		start = i + 1;
	}
	if (start != len)
		abort();	/* a line without its CRLF */
}

static void
check_records(const char *log, size_t len)
{
	size_t i, quoted = 0;
	bool in_quotes = false;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)log[i];

		if (c == '\n') {
			if (in_quotes)
				abort();
			continue;
		}
		if (c < 0x20 || c > 0x7e)
			abort();
		if (c == '"') {
			in_quotes = !in_quotes;
			quoted = 0;
		} else if (in_quotes && ++quoted > CLIENT_TEXT_MAX) {
			abort();
		}
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	in_fd = memory_file("client-in");
	out_fd = memory_file("client-out");
	log_fd = memory_file("log");
	fuzz_config.delay_ms = MIN_DELAY_MS;
	fuzz_config.helo_timeout_ms = MIN_HELO_TIMEOUT_MS;
	strcpy(fuzz_config.hostname, "fuzz.example");
	log_open(TARGET_STDERR);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[1 << 16], log[1 << 16];
	int saved_stdin = dup(STDIN_FILENO), saved_stdout = dup(STDOUT_FILENO);
	int saved_stderr = dup(STDERR_FILENO);
	struct session s;
	size_t out_len, log_len;

	if (pwrite(in_fd, data, size, 0) != (ssize_t)size ||
	    lseek(in_fd, 0, SEEK_SET) != 0)
		abort();
	dup2(in_fd, STDIN_FILENO);
	dup2(out_fd, STDOUT_FILENO);
	dup2(log_fd, STDERR_FILENO);

	memset(&s, 0, sizeof(s));
	s.start_ms = now_ms();
	s.end_ms = s.start_ms;	/* the trickle ends at once with max-time */
	s.pregreet = input_waiting();
	write_reply(&s, &fuzz_config, "220", "ESMTP", NO_DEADLINE);
	peer_find(&s);
	log_connect(&s);
	session_converse(&s, &fuzz_config);
	write_trickle_line(&s);
	log_disconnect(&s);

	dup2(saved_stdin, STDIN_FILENO);
	dup2(saved_stdout, STDOUT_FILENO);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stdin);
	close(saved_stdout);
	close(saved_stderr);
	if (ftruncate(in_fd, 0) != 0)
		abort();

	out_len = memory_file_take(out_fd, out, sizeof(out));
	log_len = memory_file_take(log_fd, log, sizeof(log));
	check_replies(out, out_len);
	check_records(log, log_len);
	return 0;
}
