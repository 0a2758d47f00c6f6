"""The fast path for docx: the body, headers and footers read straight from their XML with lxml.

python-docx loads and parses every part of the package (a default styles.xml alone is often ten times the size
of the text) before the first paragraph. Here only document.xml and the header/footer parts it references are
parsed, with python-docx's own parser settings, and walked the way ``word.py`` walks python-docx's objects:
paragraph text from the paragraph's runs and hyperlinks (``w:t``, tabs, breaks as python-docx renders them), table
rows as ``_Row.cells`` gives them (a horizontally merged cell repeated per grid column, a vertically merged one
standing for the cell above it), nested tables after their row, headers and footers not linked to previous.

``read_document`` returns None when the package has anything this path does not handle (a main part python-docx
would refuse, a relationship or content type it would fail on, a part with a DTD or an unusual prolog, a merged
cell with nothing above it, an odd attribute value); the caller then reads it with python-docx. Not parsed here,
unlike python-docx: styles, numbering, settings, comments and core properties, and images are not read, so a
document broken only there yields its text instead of failing as corrupt.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from scanner.extractors.streams import read_up_to
from scanner.extractors.tables import TableReader, nested_table_rows
from scanner.items import Segment

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_HEADER = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
_FOOTER = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"

_P, _TBL, _TR, _TC, _R, _HYPERLINK = (f"{_W}{n}" for n in ("p", "tbl", "tr", "tc", "r", "hyperlink"))
_BODY, _SECT_PR, _P_PR, _TC_PR, _TR_PR = (f"{_W}{n}" for n in ("body", "sectPr", "pPr", "tcPr", "trPr"))
_V_MERGE, _GRID_SPAN, _GRID_BEFORE, _TYPE, _VAL = (f"{_W}{n}" for n in ("vMerge", "gridSpan", "gridBefore", "type", "val"))
# What python-docx's Run.text makes of a run's children; w:br depends on its type.
_RUN_TEXT = {f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-", f"{_W}ptab": "\t", f"{_W}tab": "\t"}
_BR, _T = f"{_W}br", f"{_W}t"
# The (property name, reference, w:type, content type) of the headers and footers word.py reads, in its order.
_HEADERS_FOOTERS = (
    ("header", f"{_W}headerReference", "default", _HEADER),
    ("first_page_header", f"{_W}headerReference", "first", _HEADER),
    ("footer", f"{_W}footerReference", "default", _FOOTER),
    ("first_page_footer", f"{_W}footerReference", "first", _FOOTER),
)

_HEAD_BYTES = 16 * 1024
_PLAIN_PROLOG = re.compile(rb"\s*(?:<\?xml[^>]*\?>)?\s*<[A-Za-z_]")
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)  # python-docx's oxml_parser settings


class _Unhandled(Exception):
    """Something this path leaves to python-docx."""


def read_document(stream: BinaryIO) -> list[Segment] | None:
    """The segments ``word.py`` would make with python-docx, or None to leave the document to python-docx."""
    try:
        with zipfile.ZipFile(stream) as archive:
            return list(_segments(_Package(archive)))
    except Exception:  # noqa: BLE001 - anything unusual: python-docx decides (and words any error)
        return None


class _Package:
    """The parts python-docx would load (each must exist and have a content type), and their relationships."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        types = self._xml("[Content_Types].xml")
        self.defaults = {e.get("Extension", "").lower(): e.get("ContentType") for e in types.iterchildren(f"{_CT}Default")}
        self.overrides = {e.get("PartName", "").lower(): e.get("ContentType") for e in types.iterchildren(f"{_CT}Override")}
        self.rels: dict[str, dict[str, tuple[str, str]]] = {}  # part name → rId → (type, target part name)
        self._walk("/")
        main = [target for kind, target in self.rels["/"].values() if kind == _OFFICE_DOCUMENT]
        if len(main) != 1 or self.content_type(main[0]) != _DOCUMENT_MAIN:
            raise _Unhandled("main part")  # python-docx refuses or fails on these (docm, dotx, none, several)
        self.main = main[0]

    def _walk(self, source: str) -> None:
        """Every part reachable by relationships, as python-docx's package reader reads them."""
        stack = [source]
        while stack:
            source = stack.pop()
            if source in self.rels:
                continue
            folder, name = posixpath.split(source)
            rels_name = posixpath.join(folder, "_rels", f"{name}.rels")[1:]
            rels: dict[str, tuple[str, str]] = {}
            if rels_name in self.names:
                for rel in self._xml(rels_name).iterchildren(_RELS):
                    if rel.get("TargetMode") == "External":
                        continue
                    target = posixpath.normpath(posixpath.join(folder, rel.get("Target")))
                    if target[1:] not in self.names:
                        raise _Unhandled("missing part")
                    self.content_type(target)
                    rels[rel.get("Id")] = (rel.get("Type"), target)
                    stack.append(target)
            self.rels[source] = rels

    def content_type(self, part: str) -> str:
        part = part.lower()
        if part in self.overrides:
            return self.overrides[part]
        return self.defaults[posixpath.splitext(part)[1][1:]]

    def _xml(self, name: str):
        with self.archive.open(name) as member:
            head = read_up_to(member, _HEAD_BYTES)
        if not _PLAIN_PROLOG.match(head):
            raise _Unhandled(f"{name}: unusual prolog")
        return etree.fromstring(self.archive.read(name), _PARSER)

    def part(self, name: str):
        return self._xml(name[1:])


def _segments(package: _Package) -> Iterator[Segment]:
    document = package.part(package.main)
    body = document.find(_BODY)
    if body is None:
        raise _Unhandled("no body")
    paragraphs = 0
    tables = 0
    for block in body:
        if block.tag == _P:
            paragraphs += 1
            text = _paragraph_text(block)
            if text.strip():
                yield Segment(text, f"paragraph {paragraphs}")
        elif block.tag == _TBL:
            tables += 1
            yield from _table_rows(block, f"table {tables}")
    # python-docx's sections: ./w:body/w:p/w:pPr/w:sectPr | ./w:body/w:sectPr, in document order
    sections = []
    for element in body.iterchildren(_P, _SECT_PR):
        if element.tag == _SECT_PR:
            sections.append(element)
        else:
            sections.extend(s for p_pr in element.iterchildren(_P_PR) for s in p_pr.iterchildren(_SECT_PR))
    rels = package.rels[package.main]
    for number, sect_pr in enumerate(sections, 1):
        for part_name, reference_tag, kind, content_type in _HEADERS_FOOTERS:
            reference = next((r for r in sect_pr.iterchildren(reference_tag) if r.get(_TYPE) == kind), None)
            if reference is None:
                continue  # linked to previous
            _, target = rels[reference.get(_R_ID)]
            if package.content_type(target) != content_type:
                raise _Unhandled("header or footer of another type")
            where = f"section {number} {part_name.replace('_', ' ')}"
            for block in package.part(target):
                if block.tag == _P:
                    text = _paragraph_text(block)
                    if text.strip():
                        yield Segment(text, where)
                elif block.tag == _TBL:
                    yield from _table_rows(block, f"{where} table")


def _run_text(run) -> str:
    parts = []
    for child in run:
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _BR:
            parts.append("\n" if child.get(_TYPE, "textWrapping") == "textWrapping" else "")
        elif tag in _RUN_TEXT:
            parts.append(_RUN_TEXT[tag])
    return "".join(parts)


def _paragraph_text(paragraph) -> str:
    parts = []
    for child in paragraph:
        if child.tag == _R:
            parts.append(_run_text(child))
        elif child.tag == _HYPERLINK:
            parts.extend(_run_text(run) for run in child.iterchildren(_R))
    return "".join(parts)


def _property(element, holder_tag: str, tag: str):
    """``./holder/tag`` as python-docx's ZeroOrOne finds it: the first of each."""
    holder = element.find(holder_tag)
    return None if holder is None else holder.find(tag)


def _grid_span(tc) -> int:
    span = _property(tc, _TC_PR, _GRID_SPAN)
    return 1 if span is None else int(span.get(_VAL))


def _grid_before(tr) -> int:
    before = _property(tr, _TR_PR, _GRID_BEFORE)
    return 0 if before is None else int(before.get(_VAL))


def _v_merge(tc) -> str | None:
    merge = _property(tc, _TC_PR, _V_MERGE)
    if merge is None:
        return None
    value = merge.get(_VAL, "continue")
    if value not in ("continue", "restart"):
        raise _Unhandled("vMerge value")
    return value


def _tc_above(tc):
    """python-docx's ``CT_Tc._tc_above``: the cell starting at the same grid column in the row before."""
    tr = tc.getparent()
    above = tr.getprevious()
    while above is not None and above.tag != _TR:
        above = above.getprevious()
    if above is None:
        raise _Unhandled("vertical merge continues from nothing")
    offset = _grid_before(tr) + sum(_grid_span(t) for t in tc.itersiblings(_TC, preceding=True))
    remaining = offset - _grid_before(above)
    for candidate in above.iterchildren(_TC):
        if remaining < 0:
            break
        if remaining == 0:
            return candidate
        remaining -= _grid_span(candidate)
    raise _Unhandled("no cell above")


def _row_cells(tr) -> list:
    """python-docx's ``_Row.cells``, as the tc elements behind them."""
    cells = []
    for tc in tr.iterchildren(_TC):
        while _v_merge(tc) == "continue":
            tc = _tc_above(tc)
        cells.extend([tc] * _grid_span(tc))
    return cells


# The XML's view of a table, as python-docx's ``row.cells`` gives it (see ``_row_cells``): the element is the key.
_XML_TABLES = TableReader(
    rows=lambda table: table.iterchildren(_TR),
    cells=lambda tr: ((tc, tc) for tc in _row_cells(tr)),
    text=lambda tc: " ".join(t for t in (_paragraph_text(p).strip() for p in tc.iterchildren(_P)) if t),
    tables=lambda tc: tc.iterchildren(_TBL),
)


def _table_rows(table, where: str) -> Iterator[Segment]:
    """``word.table_rows`` over the XML."""
    return nested_table_rows(table, where, _XML_TABLES)
