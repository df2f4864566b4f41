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

# browser_frame PAGE WIDTH HEIGHT [SCRIPT]: a page holding PAGE in a frame of exactly
# WIDTH x HEIGHT CSS pixels, and SCRIPT after it; prints its path.  Chromium lays out a
# window at least 500 pixels wide whatever --window-size says, and crops the
# screenshot, so a phone's width is only real inside a frame.
browser_frame() {
	local frame
	frame=$(mktemp "$BATS_TEST_TMPDIR/frame.XXXXXX.html")
	cat >"$frame" <<FRAME
<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>html,body{margin:0}
iframe{display:block;border:0;width:${2}px;height:${3}px}</style></head>
<body><iframe id="page" src="$(page_url "$1")"></iframe>${4-}</body></html>
FRAME
	echo "$frame"
}

# browser_screenshot PAGE WIDTH HEIGHT PNG: the first WIDTH x HEIGHT CSS pixels of
# PAGE, laid out at WIDTH, as a PNG.  Chromium exits 0 with no file for a page it
# could not open.
browser_screenshot() {
	local frame
	frame=$(browser_frame "$1" "$2" "$3")
	rm -f "$4"
	browser --allow-file-access-from-files --window-size="$2,$3" --screenshot="$4" \
		"$(page_url "$frame")" >/dev/null ||
		{ fail "chromium failed on $1: $(tail -n 5 "$BATS_TEST_TMPDIR/chromium.log")"; return; }
	[[ -s $4 ]] || fail "chromium made no screenshot of $1"
}

# browser_dom PAGE: the DOM of PAGE as Chromium rendered it, re-serialised
# (<rect/> comes back as <rect></rect>, <tbody> appears): match opening tags or text.
browser_dom() {
	local dom
	dom=$(mktemp "$BATS_TEST_TMPDIR/dom.XXXXXX")
	browser --window-size=1280,900 --dump-dom "$(page_url "$1")" >"$dom" ||
		{ fail "chromium failed on $1: $(tail -n 5 "$BATS_TEST_TMPDIR/chromium.log")"; return; }
	[[ -s $dom ]] || { fail "chromium gave no DOM for $1"; return; }
	cat "$dom"
}

# browser_probe PAGE WIDTH: what a probe script sees of PAGE laid out WIDTH wide, as
# lines "width=N" (the width of the laid-out page: more than WIDTH means sideways
# scrolling) and "request=URL" for every URL the page made Chromium fetch.  PAGE is
# loaded without its Content-Security-Policy (so that the page itself is tested, not
# its policy) in a frame; the script reads the frame's Resource Timing entries once
# it has loaded, and every attempt is there, refused ones included (no host name
# resolves here).
browser_probe() {
	local copy=$BATS_TEST_TMPDIR/probe-copy.html frame dom
	sed '/http-equiv="Content-Security-Policy"/d' "$1" >"$copy"
	frame=$(browser_frame "$copy" "$2" 900 '<script>
document.getElementById("page").addEventListener("load", function () {
	var page = this;
	setTimeout(function () {
		var w = page.contentWindow, lines = [], out = document.createElement("pre");
		lines.push("width=" + w.document.documentElement.scrollWidth);
		w.performance.getEntriesByType("resource").forEach(function (r) {
			lines.push("request=" + r.name);
		});
		out.id = "probe";
		out.textContent = "\n" + lines.join("\n") + "\n";
		document.body.appendChild(out);
	}, 200);
});
</script>')
	dom=$(browser --allow-file-access-from-files --virtual-time-budget=2000 --dump-dom \
		"$(page_url "$frame")") || { fail "chromium failed on the probe of $1"; return; }
	[[ $dom == *'<pre id="probe">'* ]] || { fail "the probe reported nothing: did the page load?"; return; }
	dom=${dom#*<pre id=\"probe\">}
	dom=${dom%%</pre>*}
	grep -E '^(width|request)=' <<<"$dom"
}

# browser_requests PAGE: every URL that PAGE made Chromium fetch, one a line; nothing
# for a self-contained page.
browser_requests() {
	local out
	out=$(browser_probe "$1" 1200) || return
	sed -n 's/^request=//p' <<<"$out"
}

# browser_layout_width PAGE WIDTH: how wide PAGE lays out in a window WIDTH wide.
browser_layout_width() {
	local out
	out=$(browser_probe "$1" "$2") || return
	sed -n 's/^width=//p' <<<"$out"
}

# page_refers_outside PAGE: every place in PAGE's markup and style that could make a
# browser fetch something (test_helper/page-refs.py); nothing for a self-contained page.
page_refers_outside() {
	python3 "$HELPERS/page-refs.py" "$1"
}

# png_size PNG: "WIDTH HEIGHT" from the PNG's header.
png_size() {
	python3 -c 'import struct, sys
with open(sys.argv[1], "rb") as f:
    head = f.read(24)
assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
print(*struct.unpack(">II", head[16:24]))' "$1"
}
