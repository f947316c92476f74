"""Read a page as a person does, whatever its markup: its text, its labels, its summary lists and tables.

View tests assert these (words in the places a reader meets them) rather than class names, so a restyled
page keeps its tests. Standard library only (html.parser).
"""

import re
from html import unescape
from html.parser import HTMLParser

_SKIP = {"script", "style", "head", "template"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self):
        """The words inside, spaces collapsed; hidden-from-view text (visually hidden spans) is kept, as a
        screen reader reads it."""
        parts = []

        def walk(node):
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag not in _SKIP:
                    if child.tag in ("br", "p", "li", "div", "tr", "dt", "dd"):
                        parts.append(" ")
                    walk(child)
        walk(self)
        return " ".join("".join(parts).split())

    def find_all(self, tag=None, **attrs):
        found = []

        def walk(node):
            for child in node.children:
                if isinstance(child, _Node):
                    if (tag is None or child.tag == tag) and all(child.attrs.get(k.rstrip("_")) == v
                                                                 for k, v in attrs.items()):
                        found.append(child)
                    walk(child)
        walk(self)
        return found

    def has_class(self, name):
        return name in (self.attrs.get("class") or "").split()


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = _Node("#document", [])

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(_Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html):
    tree = _Tree()
    tree.feed(html)
    return tree.root


def _main(html):
    root = parse(html)
    mains = root.find_all("main")
    return mains[0] if mains else root


def text(html):
    """The page's main content as one line of words."""
    return _main(html).text()


def heading(html, level=1):
    found = _main(html).find_all(f"h{level}")
    return found[0].text() if found else None


def marked_language(html, words, tag=None):
    """How the innermost element whose whole text is words says its language: its lang attribute, or None
    when it is in the page's language (WCAG 3.1.2). KeyError when no element has exactly these words."""
    matches = [node for node in parse(html).find_all(tag) if node.text() == words]
    if not matches:
        raise KeyError(words)
    innermost = [node for node in matches if not any(other is not node and _inside(other, node) for other in matches)]
    return innermost[0].attrs.get("lang")


def _inside(node, ancestor):
    while node is not None:
        node = node.parent
        if node is ancestor:
            return True
    return False


def label(html, for_id):
    """(text, lang) of the label for the control with this id, or None."""
    found = parse(html).find_all("label", for_=for_id)
    return (found[0].text(), found[0].attrs.get("lang")) if found else None


def options(html, select_id):
    """[(value, text, lang)] of the choices of the select with this id."""
    select = parse(html).find_all("select", id=select_id)[0]
    return [(o.attrs.get("value"), o.text(), o.attrs.get("lang")) for o in select.find_all("option")]


def summary_list(html, index=0):
    """{key: value} of the page's index-th summary list (a <dl>): each term and the first description after it."""
    lists = _main(html).find_all("dl")
    rows, key = {}, None
    for node in lists[index].find_all():
        if node.tag == "dt":
            key = node.text()
        elif node.tag == "dd" and key is not None and key not in rows and "actions" not in node.attrs.get("class", ""):
            rows[key] = node.text()
    return rows


def summary_value(html, key):
    """The value beside key in the first summary list on the page that has it (None if none has)."""
    for index in range(len(_main(html).find_all("dl"))):
        rows = summary_list(html, index)
        if key in rows:
            return rows[key]
    return None


def tables(html):
    """Every table in the main content: {"caption", "head": [column headings], "rows": [[cell text]]}."""
    found = []
    for table in _main(html).find_all("table"):
        captions = table.find_all("caption")
        head = [th.text() for thead in table.find_all("thead") for th in thead.find_all("th")]
        rows = [[cell.text() for cell in tr.children if isinstance(cell, _Node) and cell.tag in ("th", "td")]
                for body in table.find_all("tbody") for tr in body.find_all("tr")]
        found.append({"caption": captions[0].text() if captions else "", "head": head, "rows": rows})
    return found


def table(html, caption):
    """The table whose caption contains these words."""
    return next(t for t in tables(html) if caption in t["caption"])


def tags(html):
    """The words of every status tag (strong.govuk-tag) in the main content."""
    return [node.text() for node in _main(html).find_all("strong") if node.has_class("govuk-tag")]


# Rows and words as flat lists (the staff pages' tests read these).

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
