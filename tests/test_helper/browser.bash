# A real browser for the tests of HTML pages: Debian's headless Chromium, one hermetic
# run per call (its own HOME and profile, every host name unresolvable).
# Load after test_helper/common-setup.

CHROMIUM=${CHROMIUM:-chromium}
BROWSER_TIMEOUT=60 # seconds for one run; a run takes 1 to 3 s

# browser ARGS... URL: one run of headless Chromium with a fresh profile; its own
# messages go to $BATS_TEST_TMPDIR/chromium.log.  Two runs must never share a
# profile (the second exits 21 with nothing), and without HOME it writes under ~.
browser() {
	local home
	home=$(mktemp -d "$BATS_TEST_TMPDIR/chromium.XXXXXX")
	env HOME="$home" timeout -k 5 "$BROWSER_TIMEOUT" "$CHROMIUM" --headless \
		--no-sandbox --disable-gpu --disable-dev-shm-usage --log-level=3 \
		--user-data-dir="$home/profile" --no-first-run --hide-scrollbars \
		--disable-background-networking --disable-component-update \
		--disable-default-apps --disable-sync \
		"--host-resolver-rules=MAP * ~NOTFOUND" "$@" 2>>"$BATS_TEST_TMPDIR/chromium.log" 3>&-
}

# page_url FILE: the file:// URL of FILE.
page_url() {
	echo "file://$(realpath "$1")"
}

# browser_screenshot PAGE WIDTH HEIGHT PNG: the first WIDTH x HEIGHT CSS pixels of
# PAGE as a PNG.  Chromium exits 0 with no file for a page it could not open.
browser_screenshot() {
	rm -f "$4"
	browser --window-size="$2,$3" --screenshot="$4" "$(page_url "$1")" >/dev/null ||
		{ fail "chromium failed on $1: $(tail -n 5 "$BATS_TEST_TMPDIR/chromium.log")"; return; }
	[[ -s $4 ]] || fail "chromium made no screenshot of $1"
}

# browser_dom PAGE [WIDTH]: the DOM of PAGE as Chromium rendered it, re-serialised
# (<rect/> comes back as <rect></rect>, <tbody> appears): match opening tags or text.
browser_dom() {
	local dom=$BATS_TEST_TMPDIR/dom.html
	browser --window-size="${2:-1200},900" --dump-dom "$(page_url "$1")" >"$dom" ||
		{ fail "chromium failed on $1: $(tail -n 5 "$BATS_TEST_TMPDIR/chromium.log")"; return; }
	[[ -s $dom ]] || { fail "chromium gave no DOM for $1"; return; }
	cat "$dom"
}

# browser_requests PAGE: every URL that PAGE made Chromium fetch, one a line; nothing
# for a self-contained page.  On a copy of PAGE without its Content-Security-Policy
# (so that the page itself is tested, not its policy) and with a probe script added,
# which prints the Resource Timing entries into the DOM once the page has loaded.
# Every attempt is there, refused ones included: host names do not resolve here.
browser_requests() {
	local probe=$BATS_TEST_TMPDIR/probe.html dom
	sed '/http-equiv="Content-Security-Policy"/d' "$1" >"$probe"
	cat >>"$probe" <<'EOF'
<script>
window.addEventListener("load", function () {
	setTimeout(function () {
		var out = document.createElement("pre");
		out.id = "requests-probe";
		out.textContent = "[" + performance.getEntriesByType("resource")
			.map(function (r) { return r.name; }).join("\n") + "]";
		document.documentElement.appendChild(out);
	}, 200);
});
</script>
EOF
	dom=$(browser --virtual-time-budget=2000 --dump-dom "$(page_url "$probe")") ||
		{ fail "chromium failed on the probe copy of $1"; return; }
	[[ $dom == *'<pre id="requests-probe">'* ]] ||
		{ fail "the probe found nothing to report: did the page load?"; return; }
	dom=${dom#*<pre id=\"requests-probe\">[}
	dom=${dom%%]</pre>*}
	[[ -z $dom ]] || printf '%s\n' "$dom"
}

# page_refers_outside PAGE: the lines of PAGE that could name anything outside it: an
# attribute that takes a URL and holds one, url() other than of a fragment (#id) or a
# data: URI, @import; nothing for a self-contained page.
page_refers_outside() {
	grep -nEi '(src|href|action|srcset|poster|data|xlink:href)[[:space:]]*=[[:space:]]*["'\'']?[^"'\''#[:space:]>]|url\([[:space:]]*["'\'']?[^#d"'\'' )]|url\([[:space:]]*["'\'']?d[^a]|@import' "$1" || true
}

# png_size PNG: "WIDTH HEIGHT" from the PNG's header.
png_size() {
	python3 -c 'import struct, sys
with open(sys.argv[1], "rb") as f:
    head = f.read(24)
assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
print(*struct.unpack(">II", head[16:24]))' "$1"
}
