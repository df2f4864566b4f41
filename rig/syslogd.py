#!/usr/bin/env python3
"""usage: syslogd.py SOCKET FILE: receive syslog datagrams on the unix socket SOCKET
and append each to FILE as one line, for the tests to read back."""

import os
import socket
import sys

receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
# like /dev/log, writable by all (tarpit may log after dropping root), and in place
# only once it is: bound under another name, then renamed
receiver.bind(sys.argv[1] + ".new")
os.chmod(sys.argv[1] + ".new", 0o666)
os.rename(sys.argv[1] + ".new", sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as messages:
    while True:
        messages.write(receiver.recv(65536).rstrip(b"\n") + b"\n")
