"""HTML as the text a reader sees: one segment per block (paragraph, heading, list item, table row), no script/style.

Parsed incrementally with the standard library's ``html.parser``, fed a line at a time; the locator is the source
line where the block starts (``line 40``); a table row is a record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import BinaryIO

from scanner.extractors.registry import register
from scanner.extractors.streams import read_head
from scanner.extractors.tables import TableRows
from scanner.extractors.text_decoding import iter_lines
from scanner.items import Document, ExtractionError, ExtractionLimits, Item, Segment

_HIDDEN = {"script", "style", "noscript", "template", "head", "title"}
_BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "blockquote", "pre", "address",
    "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "tr", "table", "ul", "ol", "dl", "form", "fieldset",
    "figcaption", "caption", "body", "html",
}
_CELLS = {"td", "th"}
_SPACES = re.compile(r"\s+")
# html.parser keeps an unfinished tag, comment or script in a buffer and rescans it whole on every feed: a
# never-closed ``<a `` or ``<!--`` on a 50 MB line would take hours. Past this much pending markup, give up.
MAX_PENDING_MARKUP = 8 * 1024 * 1024


@register("html", "htm", "xhtml")
def extract_html(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    return Document("html", segments=_blocks(stream))


def _blocks(stream: BinaryIO) -> Iterator[Segment]:
    head, stream = read_head(stream)
    parser = _BlockParser()
    for piece in iter_lines(stream, head):
        parser.feed(piece)
        yield from parser.take()
        if len(parser.rawdata) > MAX_PENDING_MARKUP:
            raise ExtractionError(
                f"malformed html: a tag, comment or script from line {parser.getpos()[0]} is not closed "
                f"within {MAX_PENDING_MARKUP // 2**20} MiB"
            )
    parser.close()
    parser.flush_block()
    yield from parser.take()


class _BlockParser(HTMLParser):
    """Collects visible text into blocks; ``take()`` hands over the blocks finished so far."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._hidden_depth = 0
        self._parts: list[str] = []
        self._line = 1
        self._done: list[Segment] = []
        self._table_rows = 0
        self._in_row = False
        self._cells: list[list[str]] = []  # the current table row's cells, each a list of text parts
        self._table = TableRows()

    def take(self) -> list[Segment]:
        done, self._done = self._done, []
        return done

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN:
            self._hidden_depth += 1
        elif tag in _BLOCKS and self._in_row and self._cells and tag not in ("tr", "table"):
            self._cells[-1].append(" ")  # a paragraph inside a cell stays in the cell
        elif tag in _BLOCKS:
            self.flush_block()
            if tag == "table":
                self._table = TableRows()
            if tag == "tr":
                self._table_rows += 1
                self._in_row = True
                self._cells = []
        elif tag in _CELLS:
            if self._in_row:
                self._cells.append([])
            elif self._parts:
                self._parts.append(" | ")
        elif tag == "br":
            self._target().append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _BLOCKS and self._in_row and self._cells and tag not in ("tr", "table"):
            self._cells[-1].append(" ")
        elif tag in _BLOCKS:
            self.flush_block()
            if tag == "tr":
                self._in_row = False

    def _target(self) -> list[str]:
        return self._cells[-1] if self._in_row and self._cells else self._parts

    def handle_data(self, data: str) -> None:
        target = self._target()
        if self._hidden_depth or not data.strip():
            if data and target and not target[-1].endswith(" "):
                target.append(" ")
            return
        if not self._parts and not any(self._cells):
            self._line = self.getpos()[0]
        target.append(data)

    def flush_block(self) -> None:
        if self._in_row and self._cells:
            # A table row: cells labelled with the table's headings, like every other table format.
            cells = [(column, _SPACES.sub(" ", "".join(parts)).strip()) for column, parts in enumerate(self._cells)]
            self._cells = []
            locator = f"line {self._line}"
            segment = self._table.segment(cells, locator, record=f"table row {self._table_rows}")
            if segment:
                self._done.append(segment)
        text = "\n".join(_SPACES.sub(" ", line).strip() for line in "".join(self._parts).split("\n")).strip()
        text = re.sub(r"(\s*\|\s*)+", " | ", text).strip(" |")
        self._parts = []
        if text:
            locator = f"line {self._line}"
            record = f"table row {self._table_rows}" if self._in_row else None
            self._done.append(Segment(text, locator, record))


def html_to_blocks(html: str) -> list[str]:
    """The visible text blocks of an HTML string (an email's HTML body)."""
    parser = _BlockParser()
    parser.feed(html)
    parser.close()
    parser.flush_block()
    return [segment.text for segment in parser.take()]
