#!/usr/bin/env bats
# Many MX hosts, one view: two tar pits ship their journals with systemd-journal-upload
# to a collector's systemd-journal-remote over HTTPS, with the shipped configuration
# (units/journal/), all three booting real systemd in nspawn on a private zone bridge,
# booted once for the file.  The bots are swaks runs from addresses of their own.

load test_helper/common-setup
load test_helper/hosts

setup_file() {
	hosts_boot
}

teardown_file() {
	hosts_teardown
}

setup() {
	BOT_PIDS=()
}

# Every test leaves the collector listening and no bot behind.
teardown() {
	bots_stop
	remote_listening || on collector systemctl start systemd-journal-remote.socket
}

@test "both tar pits' records reach the collector, one file per host, with their own host name and machine ID" {
	local role
	bot_session mx1 101 1
	bot_session mx1 102 2
	bot_session mx2 103 1
	wait_until 30 bots_done
	for role in mx1 mx2; do
		wait_until 10 all_collected "$role"
		run -0 local_records "$role"
		((${#lines[@]} >= 2)) || fail "too few records on $role: $output"
		run -0 on collector journalctl -q -o json --no-pager \
			--file "/var/log/journal/remote/remote-$(host_addr "$role").journal" SYSLOG_IDENTIFIER=tarpit
		assert_equal "$(jq -r ._HOSTNAME <<<"$output" | sort -u)" "$(host_name "$role")"
		assert_equal "$(jq -r ._MACHINE_ID <<<"$output" | sort -u)" "$(machine_id "$role")"
	done
}

@test "the collector's report gives each tar pit exactly the figures of its own, per host and in total, still held included" {
	local name
	bot_session mx1 104 1
	bot_session mx2 105 1
	bot_session mx2 106 2
	bot_session mx1 107 600 # still held when the reports are made
	bot_session mx2 108 600
	wait_until 30 process_gone "${BOT_PIDS[0]}"
	wait_until 30 process_gone "${BOT_PIDS[2]}"
	assert_reports_agree
	run -0 local_figures mx1
	assert_regex "$output" ',1,0]$' # one still held on mx1, none lost
	name=$(host_name mx2)
	run -0 collector_report --prometheus
	assert_line --regexp "^tarpit_host_sessions_total\{host=\"$name\"\} $(local_figures mx2 | jq '.[0]')\$"
	assert_line "tarpit_host_sessions_held{host=\"$name\"} 1"
	run -0 collector_report
	assert_line --regexp "^  $(host_name mx1) +[0-9]+ +[0-9]+ +.* +1 +0\$"
}

@test "tarpit-report --host: a bad name, or one the journal does not have, is one line naming what is accepted" {
	run -64 collector_report --host 'mx 1'
	assert_output "tarpit-report: --host: 'mx 1' is not a host name (1 to 64 of A-Z a-z 0-9 . - _)"
	run -64 collector_report --host nosuch.example
	assert_output --regexp "^tarpit-report: --host: no host 'nosuch\.example' in the journal; its hosts: .*$(host_name mx1)"
	((${#lines[@]} == 1))
}

@test "the collector away for 30 s while sessions end on both tar pits: the uploaders keep trying and every record arrives" {
	local role patience stopped
	on collector systemctl stop systemd-journal-remote.socket systemd-journal-remote.service
	stopped=$EPOCHREALTIME
	# swaks waits its --timeout for each of EHLO, HELO and QUIT: these end about
	# 3, 9, 15, 21 and 27 s from now
	for patience in 1 3 5 7 9; do
		bot_session mx1 $((100 + patience)) "$patience"
		bot_session mx2 $((101 + patience)) "$patience"
	done
	wait_until 40 bots_done
	# the stock unit would have failed for good by now
	for role in mx1 mx2; do
		run -0 on "$role" systemctl show -P ActiveState systemd-journal-upload.service
		refute_output failed
		run -0 on "$role" systemctl show -P NRestarts systemd-journal-upload.service
		((output > 0)) || fail "$role's uploader never restarted"
		! all_collected "$role" || fail "$role's records arrived with the collector away"
	done
	wait_until 40 seconds_since "$stopped" 30
	on collector systemctl start systemd-journal-remote.socket
	for role in mx1 mx2; do
		wait_until 30 all_collected "$role"
	done
	assert_reports_agree
}

@test "an uploader killed and restarted sends the entry at its cursor again: the collector holds it twice" {
	local port=4711 before after
	# a session of tarpit on a pipe, outside any unit, so that its disconnect record is
	# the last entry of the journal and so where the uploader stops
	on mx1 env REMOTE_ADDR=192.0.2.80 REMOTE_PORT=$port "$HOSTS_SBINDIR/tarpit" -d 0.1 -t 0.3 \
		</dev/null >/dev/null
	wait_until 20 uploader_state_at mx1 disconnect "$port"
	assert_equal "$(collected_count mx1 "remote_port=$port .*end_reason=max-time")" 1
	on mx1 systemctl kill --signal=KILL systemd-journal-upload.service
	wait_until 20 collected_times mx1 "remote_port=$port .*end_reason=max-time" 2
	# counted once all the same
	assert_reports_agree
	run -0 collector_report --json --host "$(host_name mx1)"
	jq -e '.resent_records >= 1' <<<"$output"
}

@test "a host outside the allow-list cannot reach the collector's port, and one let in can upload" {
	local marker=probe-$RANDOM$RANDOM entry
	printf -v entry '__REALTIME_TIMESTAMP=%s\n_HOSTNAME=forged.example\nMESSAGE=%s\n\n' \
		"$(date +%s%6N)" "$marker"
	curl_upload() {
		bots curl -sS --connect-timeout 3 --cacert "$HOSTS_DIR/pki/ca.pem" \
			-H 'Content-Type: application/vnd.fdo.journal' --data-binary "$entry" \
			"https://$(host_addr collector):$HOSTS_REMOTE_PORT/upload"
	}
	run curl_upload
	assert_failure 28 # connect timeout: the SYN was dropped
	[[ ! -e $HOSTS_DIR/collector/var/log/journal/remote/remote-$(host_addr bots).journal ]]
	# the same upload, once its address is in the list
	printf '[Socket]\nIPAddressAllow=%s\n' "$(host_addr bots)" |
		"$RIG/nspawn" dropin "$(host_dir collector)" systemd-journal-remote.socket test-bots
	on collector systemctl stop systemd-journal-remote.socket systemd-journal-remote.service
	on collector systemctl start systemd-journal-remote.socket
	run curl_upload
	refute_output --partial EOF
	rm "/proc/$("$RIG/nspawn" leader "$(host_dir collector)")/root/etc/systemd/system/systemd-journal-remote.socket.d/test-bots.conf"
	on collector systemctl daemon-reload
	on collector systemctl stop systemd-journal-remote.socket systemd-journal-remote.service
	on collector systemctl start systemd-journal-remote.socket
	assert_success
	run -0 on collector journalctl -q -o cat --no-pager -D /var/log/journal/remote MESSAGE="$marker"
	assert_output "$marker"
}

@test "a tar pit host that crashes mid-session and boots again: its open session is lost, on that host only" {
	local old_boot new_boot before1 lost2
	lost2=$(local_figures mx2 | jq '.[4]')
	bot_session mx1 118 600
	wait_until 20 collected_times mx1 "event=connect remote_addr=$HOSTS_NET\.118 " 1
	# what mx1 held when it went down, its open session among them, is lost
	before1=$(local_figures mx1)
	jq -e '.[3] >= 1' <<<"$before1"
	old_boot=$(on mx1 cat /proc/sys/kernel/random/boot_id | tr -d -)
	host_reboot_after_crash mx1
	new_boot=$(on mx1 cat /proc/sys/kernel/random/boot_id | tr -d -)
	[[ $new_boot != "$old_boot" ]]
	bot_session mx1 119 1
	wait_until 20 process_gone "${BOT_PIDS[-1]}"
	wait_until 30 all_collected mx1
	run -0 collected_records mx1
	assert_line --regexp "^$old_boot .*event=connect remote_addr=$HOSTS_NET\.118 "
	refute_line --regexp "^$old_boot .*event=disconnect remote_addr=$HOSTS_NET\.118 "
	assert_line --regexp "^$new_boot .*event=disconnect remote_addr=$HOSTS_NET\.119 "
	assert_reports_agree
	assert_equal "mx1 lost: $(local_figures mx1 | jq '.[4]')" \
		"mx1 lost: $(jq '.[4] + .[3]' <<<"$before1")"
	assert_equal "mx2 lost: $(local_figures mx2 | jq '.[4]')" "mx2 lost: $lost2"
}
