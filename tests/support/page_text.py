"""A page as a person reads it: its words, its tables' rows and its summary lists' rows, whatever the markup."""

import re
from html import unescape
from html.parser import HTMLParser


class _Reader(HTMLParser):
    """Collects the words of a page, the cells of each table row and the key/value pairs of each <dl>."""

    BLOCKS = {"p", "div", "li", "tr", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "br", "caption", "legend",
              "label", "section", "ul", "ol", "table", "form", "main", "nav", "header", "footer"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words, self.rows, self.pairs = [], [], []
        self._skip, self._row, self._cell, self._key, self._value = 0, None, None, None, None
        self._open = {}  # tag -> list collecting its text, for td/th, dt and dd

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag in self.BLOCKS:
            self.words.append(" ")
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th", "dt", "dd"):
            self._open[tag] = []

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if tag in self.BLOCKS:
            self.words.append(" ")
        text = _squash(" ".join(self._open.pop(tag, []))) if tag in ("td", "th", "dt", "dd") else None
        if tag in ("td", "th") and self._row is not None:
            self._row.append(text)
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "dt":
            self._key = text
        elif tag == "dd" and self._key is not None:  # the first <dd> after a <dt>: the value, not the actions
            self.pairs.append((self._key, text))
            self._key = None

    def handle_data(self, data):
        if self._skip:
            return
        self.words.append(data)
        for collected in self._open.values():
            collected.append(data)


def _squash(text):
    return re.sub(r"\s+", " ", unescape(text)).strip()


def _read(html):
    reader = _Reader()
    reader.feed(html)
    return reader


def visible_text(html):
    """The page's words, one space between blocks (scripts and styles left out)."""
    return _squash("".join(_read(html).words))


def table_rows(html):
    """Each table row's cells, as text."""
    return _read(html).rows


def summary_rows(html):
    """Each (key, value) of the page's summary lists (<dt>/<dd>), as text; the actions column left out."""
    return _read(html).pairs
