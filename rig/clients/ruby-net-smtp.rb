#!/usr/bin/ruby
# Ruby's net-smtp sends one message: ruby-net-smtp.rb HOST PORT, or "version".
# Its read_timeout is per read, 60 s unless CLIENT_TIMEOUT gives one.
require 'net/smtp'

if ARGV[0] == 'version'
  puts "net-smtp #{Net::SMTP::VERSION} (Ruby #{RUBY_VERSION})"
  exit
end
smtp = Net::SMTP.new(ARGV[0], ARGV[1].to_i)
smtp.read_timeout = ENV['CLIENT_TIMEOUT'].to_f if ENV['CLIENT_TIMEOUT']
smtp.start('client.example') do |s|
  s.send_message("Subject: test\r\n\r\none test message\r\n", 'a@sender.example', 'b@example.org')
end
