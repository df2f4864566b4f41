#!/usr/bin/env python3
"""How long real SMTP clients stay held, each with its default timeouts.

usage: clients.py [--max-time S] [--delay S] [--greet-wait S|default]... [--only NAME,...]

For each --greet-wait given (default: 0 and tarpit's default), every client
below gets its own tarpit under systemd-socket-activate (rig/activate: a real
launcher, one process per connection), and all the clients of all the runs start at once.
Each sends one message with its own default timeouts: the recipes are the
test suite's, rig/clients/ and, for the MTAs, which relay one
real message through a container of their own, rig/mta.  When
all have ended, one table per run: the client, its version, its timer, how
long tarpit held it and how the session ended (both from tarpit's own
disconnect record), what the client reported, whether the HELO was logged,
and PREGREET.  Run as root (the MTA containers); bench/install-client-deps
installs the clients.
"""

import argparse
import datetime
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RIG = os.path.join(ROOT, "rig")
ACTIVATE = os.path.join(RIG, "activate")
RECIPES = os.path.join(RIG, "clients")
NODE_PATH = os.path.join(ROOT, "bench", "node", "node_modules")
JARS = "/usr/share/java/jakarta-mail.jar:/usr/share/java/jakarta-activation.jar"
MTA_MARGIN = 120  # seconds an MTA gets past --max-time to log its deferral

# name, command (recipe and interpreter), its timer with its default
CLIENTS = [
    ("Python smtplib", ["python3", "python-smtplib.py"], "per read, none"),
    ("Perl Net::SMTP", ["perl", "perl-net-smtp.pl"], "per read, 120 s"),
    ("Ruby net-smtp", ["ruby", "ruby-net-smtp.rb"], "per read, 60 s"),
    ("Go net/smtp", ["go", "run", "go-net-smtp.go"], "none"),
    ("PHPMailer", ["php", "phpmailer.php"], "per read 300 s; 300 s a reply"),
    ("nodemailer", ["node", "nodemailer.js"], "greeting 30 s whole; 10 min idle"),
    ("Jakarta Mail", ["java", "-cp", JARS, "JakartaMail.java"], "per read, none"),
    ("curl", ["sh", "curl.sh"], "per whole reply, 120 s"),
    ("swaks", ["sh", "swaks.sh"], "per whole reply, 30 s"),
    ("msmtp", ["sh", "msmtp.sh"], "none; refuses a reply over 50 lines"),
]
MTAS = [
    ("Postfix", "postfix", "per read, 300 s"),
    ("OpenSMTPD", "opensmtpd", "per read, 300 s idle"),
    ("Exim", "exim", "per whole reply, 300 s"),
    ("Sendmail", "sendmail", "per line read, 300 s or more"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client_env(work):
    env = dict(os.environ, NODE_PATH=NODE_PATH, HOME=work, GOCACHE=os.path.join(work, "go"))
    env.pop("CLIENT_TIMEOUT", None)  # the clients' own defaults, always
    return env


def version_of(command, env):
    out = subprocess.run(command + ["version"], cwd=RECIPES, env=env, capture_output=True,
                         text=True, timeout=120)
    return (out.stdout.strip().splitlines() or ["?"])[0]


class Run:
    """One client against its own tarpit."""

    def __init__(self, label, name, timer, greet_wait, args, work):
        self.label, self.name, self.timer, self.greet_wait = label, name, timer, greet_wait
        self.port = free_port()
        self.dir = os.path.join(work, "greet-wait-%s-%s" % (greet_wait, re.sub(r"\W", "", name)))
        self.log = os.path.join(self.dir, "log")  # the launcher's, with tarpit's records
        self.out = self.dir + ".client"
        tarpit = [os.path.join(ROOT, "tarpit"), "-t", str(args.max_time), "-l", "stderr"]
        tarpit += ["-d", str(args.delay)] if args.delay else []
        tarpit += [] if greet_wait == "default" else ["--greet-wait", greet_wait]
        self.activator = subprocess.Popen([ACTIVATE, "serve", self.dir, "127.0.0.1:%d" % self.port]
                                          + tarpit, stdin=subprocess.DEVNULL)
        if subprocess.run([ACTIVATE, "ready", self.dir]).returncode:
            sys.exit("clients.py: no launcher for %s" % name)

    def stop(self):
        subprocess.run([ACTIVATE, "stop", self.dir])
        self.activator.wait()

    def start(self, command, env, wait=None):
        """A client: COMMAND HOST PORT; an MTA: rig/mta MTA PORT WAIT."""
        if wait is None:
            self.version = version_of(command, env)
            argv = command + ["127.0.0.1", str(self.port)]
        else:
            self.version = None  # printed by the container
            argv = command + [str(self.port), str(wait)]
        self.client = subprocess.Popen(argv, cwd=RECIPES,
                                       env=env, stdout=open(self.out, "w"),
                                       stderr=subprocess.STDOUT)

    def record(self):
        """The first disconnect record of this tarpit, as a dict."""
        for line in open(self.log, errors="replace"):
            if line.startswith("event=disconnect "):
                return dict((k, v.strip('"')) for k, v in
                            re.findall(r'(\w+)=("[^"]*"|\S*)', line))
        return None


def reported(run, status):
    """What the client said at its end, in a few words."""
    text = open(run.out, errors="replace").read()
    if run.label == "mta":
        fields = dict(re.findall(r"^(\w+)=(.*)$", text, re.M))
        if run.version is None:
            run.version = fields.get("version", "?")
        if fields.get("deferred") == "1":
            return "deferred, %s queued, %s bounced" % (
                fields.get("queued", "?"), "none" if fields.get("bounced") == "0" else "SOME")
        return "NOT deferred (exit %d)" % status
    # the last line that is not part of a stack trace, nor go run's own
    lines = [l for l in text.splitlines() if l.strip() and not l[0].isspace()
             and not re.match(r"Traceback|During handling|exit status|\^", l)]
    last = re.sub(r"^\S+:\d+:in `[^']*': ", "", lines[-1]) if lines else ""
    return ("exit %d: %s" % (status, last[:80])) if status else "exit 0"


def how_it_ended(record):
    if record is None:
        return "no session"
    return {"max-time": "421 at --max-time", "peer-closed": "client closed",
            "write-error": "write failed"}.get(record["end_reason"], record["end_reason"])


def table(runs, statuses, greet_wait, args, started):
    title = "--greet-wait %s" % ("6 (the default)" if greet_wait == "default" else greet_wait)
    print("\n`python3 bench/clients.py --max-time %g%s` with %s, %s UTC\n" % (
        args.max_time, " --delay %g" % args.delay if args.delay else "", title,
        started.strftime("%Y-%m-%d %H:%M")))
    print("| client | version | its timer (default) | held s | how it ended | what it reported"
          " | HELO logged | PREGREET |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for run in runs:
        rec = run.record()
        said = reported(run, statuses[run])
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            run.name, run.version, run.timer,
            rec["duration_sec"] if rec else "-", how_it_ended(rec), said.replace("|", "/"),
            ("yes" if rec.get("helo") else "no") if rec else "-",
            rec.get("pregreet", "-") if rec else "-"))
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-time", type=float, default=900)
    parser.add_argument("--delay", type=float, default=None, help="tarpit's default unless given")
    parser.add_argument("--greet-wait", action="append")
    parser.add_argument("--only", help="comma-separated client names (a quick try)")
    args = parser.parse_args()
    waits = args.greet_wait or ["0", "default"]
    only = set(args.only.split(",")) if args.only else None
    work = tempfile.mkdtemp(prefix="tarpit-clients-")
    env = client_env(work)
    started = datetime.datetime.now(datetime.timezone.utc)
    runs = {wait: [] for wait in waits}
    for wait in waits:
        for name, command, timer in CLIENTS:
            if only is None or name in only:
                run = Run("client", name, timer, wait, args, work)
                runs[wait].append(run)
                run.start(command, env)
        for name, mta, timer in MTAS:
            if only is None or name in only:
                run = Run("mta", name, timer, wait, args, work)
                runs[wait].append(run)
                run.start([os.path.join(RIG, "mta"), mta], env,
                          int(args.max_time + MTA_MARGIN))
    print("clients.py: %d clients started at %s, results in %s" % (
        sum(len(r) for r in runs.values()), started.strftime("%H:%M:%S"), work), flush=True)
    statuses = {}
    limit = time.monotonic() + args.max_time + MTA_MARGIN + 120
    for run in [r for rs in runs.values() for r in rs]:
        try:
            statuses[run] = run.client.wait(max(1, limit - time.monotonic()))
        except subprocess.TimeoutExpired:
            run.client.kill()
            statuses[run] = run.client.wait()
    for rs in runs.values():
        for run in rs:
            run.stop()
    for wait in waits:
        table(runs[wait], statuses, wait, args, started)


if __name__ == "__main__":
    main()
