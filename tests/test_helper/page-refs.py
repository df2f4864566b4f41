#!/usr/bin/env python3
"""usage: page-refs.py PAGE

Prints every place in the HTML file PAGE that could make a browser fetch
something: an attribute that takes a URL (src, href, ...) holding anything
but a fragment (#id), url(...) in a style attribute or a <style> element
that is not a fragment or a data: URI, and @import.  Prints nothing for a
self-contained page.  Text is text: a URL written in it fetches nothing.
"""
import re
import sys
from html.parser import HTMLParser

URL_ATTRIBUTES = {"src", "href", "xlink:href", "action", "formaction", "srcset",
                  "poster", "data", "background", "cite", "manifest", "ping"}
STYLE_URL = re.compile(r"url\(\s*['\"]?(?!#|data:)[^)]*\)|@import", re.I)


class Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name in URL_ATTRIBUTES and not value.startswith("#"):
                self.found.append("<%s %s=%r>" % (tag, name, value))
            if name == "style":
                self.found += ["<%s style>: %s" % (tag, m) for m in STYLE_URL.findall(value)]
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.found += ["<style>: %s" % m for m in STYLE_URL.findall(data)]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    refs = Refs()
    with open(sys.argv[1], encoding="utf-8") as f:
        refs.feed(f.read())
    for found in refs.found:
        print(found)


main()
