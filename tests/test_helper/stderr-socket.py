#!/usr/bin/env python3
"""usage: stderr-socket.py COMMAND...: run COMMAND with fd 2 a socket (as under
inetd, where fd 2 may be the client's connection), copy whatever it writes there
to our own stderr, and exit with its status."""

import socket
import subprocess
import sys

ours, theirs = socket.socketpair()
child = subprocess.Popen(sys.argv[1:], stderr=theirs)
theirs.close()
while data := ours.recv(4096):
    sys.stderr.buffer.write(data)
sys.exit(child.wait())
