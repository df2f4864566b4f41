#!/usr/bin/env python3
"""Python's smtplib sends one message: python-smtplib.py HOST PORT, or "version".
Its timeout is none (per read) unless CLIENT_TIMEOUT gives one, in seconds."""
import os
import smtplib
import sys
from email.message import EmailMessage

if sys.argv[1] == "version":
    print("Python %d.%d.%d" % sys.version_info[:3])
    sys.exit(0)
message = EmailMessage()
message["From"], message["To"], message["Subject"] = "a@sender.example", "b@example.org", "test"
message.set_content("one test message\n")
timeout = os.environ.get("CLIENT_TIMEOUT")
options = {"timeout": float(timeout)} if timeout else {}
with smtplib.SMTP(sys.argv[1], int(sys.argv[2]), **options) as smtp:
    smtp.send_message(message)
