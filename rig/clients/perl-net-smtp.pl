#!/usr/bin/perl
# Perl's Net::SMTP sends one message: perl-net-smtp.pl HOST PORT, or "version".
# Its Timeout is per read, 120 s unless CLIENT_TIMEOUT gives one.
use strict;
use warnings;
use Net::SMTP;

if ($ARGV[0] eq 'version') { print "Net::SMTP $Net::SMTP::VERSION\n"; exit 0; }
my %timeout = $ENV{CLIENT_TIMEOUT} ? (Timeout => $ENV{CLIENT_TIMEOUT}) : ();
my $smtp = Net::SMTP->new($ARGV[0], Port => $ARGV[1], Hello => 'client.example', %timeout)
	or die "connect: $@\n";
$smtp->mail('a@sender.example') or die "MAIL: " . $smtp->message;
$smtp->to('b@example.org') or die "RCPT: " . $smtp->message;
$smtp->data("Subject: test\r\n\r\none test message\r\n") or die "DATA: " . $smtp->message;
$smtp->quit;
