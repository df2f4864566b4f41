#!/usr/bin/env python3
"""A scripted TCP client for the tarpit tests.

usage: smtpclient.py [--stamps] [--timeout=SECONDS] HOST PORT ACTION...

Prints "* port N" (its own local port) once connected, then carries out the
actions in order:

  read[:N]    read N lines (default 1) and print each without its CRLF
  eof         read and print lines until the server closes, then "* EOF"
  send:TEXT   send TEXT, after decoding backslash escapes (\\r \\n \\x00 ...)
  shut        half-close: shutdown(SHUT_WR), keep reading afterwards
  close       close the socket normally and stop
  reset       close with SO_LINGER 0, so the server gets a reset, and stop
  waithup     never read; wait until the server closes, then "* HUP"

Sent text is printed as "> TEXT".  A server reset prints "* RESET".  Each wait
lasts at most --timeout seconds (default 5); running out prints "* TIMEOUT" and
exits 1.  A received line that does not end in CRLF, is longer than 512 octets
or starts with "5" prints "! ..." and exits 2.  --stamps prefixes every output
line with the seconds since the connection was made.
"""

import select
import socket
import struct
import sys
import time

MAX_LINE = 512  # octets, CRLF included


class Timeout(Exception):
    pass


class Client:
    def __init__(self, host, port, timeout, stamps):
        self.timeout = timeout
        self.stamps = stamps
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.start = time.monotonic()
        self.buffer = b""
        self.say("* port %d" % self.sock.getsockname()[1])

    def say(self, text):
        if self.stamps:
            text = "%.3f %s" % (time.monotonic() - self.start, text)
        print(text, flush=True)

    def read_line(self):
        """Return the next line with its ending, or None at end of stream."""
        while b"\n" not in self.buffer and len(self.buffer) <= MAX_LINE:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                raise Timeout()
            if not data:
                if self.buffer:
                    self.fail("partial line at end of stream: %r" % self.buffer)
                return None
            self.buffer += data
        line, sep, self.buffer = self.buffer.partition(b"\n")
        return line + sep

    def check(self, line):
        if len(line) > MAX_LINE:
            self.fail("line longer than %d octets: %r" % (MAX_LINE, line[:80]))
        if not line.endswith(b"\r\n") or b"\r" in line[:-2]:
            self.fail("line not ended by a single CRLF: %r" % line)
        if line.startswith(b"5"):
            self.fail("line starts with 5: %r" % line)
        return line[:-2].decode("latin-1")

    def fail(self, text):
        self.say("! " + text)
        sys.exit(2)

    def read(self, count=1):
        for _ in range(count):
            line = self.read_line()
            if line is None:
                self.say("* EOF")
                return False
            self.say(self.check(line))
        return True

    def eof(self):
        while self.read():
            pass

    def send(self, text):
        self.sock.sendall(text.encode("latin-1").decode("unicode_escape").encode("latin-1"))
        self.say("> " + text)

    def waithup(self):
        poller = select.poll()
        poller.register(self.sock, select.POLLRDHUP)
        if not poller.poll(self.timeout * 1000):
            raise Timeout()
        self.say("* HUP")

    def reset(self):
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


def run(client, actions):
    for action in actions:
        verb, _, arg = action.partition(":")
        if verb == "read":
            if not client.read(int(arg or 1)):
                return
        elif verb == "eof":
            client.eof()
        elif verb == "send":
            client.send(arg)
        elif verb == "shut":
            client.sock.shutdown(socket.SHUT_WR)
        elif verb == "close":
            client.sock.close()
            return
        elif verb == "reset":
            client.reset()
            return
        elif verb == "waithup":
            client.waithup()
        else:
            sys.exit("smtpclient.py: unknown action %r" % action)


def main(argv):
    stamps, timeout = False, 5.0
    while argv and argv[0].startswith("--"):
        option = argv.pop(0)
        if option == "--stamps":
            stamps = True
        elif option.startswith("--timeout="):
            timeout = float(option.split("=", 1)[1])
        else:
            sys.exit(__doc__)
    if len(argv) < 2:
        sys.exit(__doc__)
    client = Client(argv[0], int(argv[1]), timeout, stamps)
    try:
        run(client, argv[2:])
    except Timeout:
        client.say("* TIMEOUT")
        sys.exit(1)
    except ConnectionResetError:
        client.say("* RESET")


if __name__ == "__main__":
    main(sys.argv[1:])
