"""PowerPoint presentations (pptx) with python-pptx: each slide's text boxes and tables, then its speaker notes.

Locators: ``slide 3`` (one segment per shape), ``slide 3 table 1 row 2`` (a record), ``slide 3 notes``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from scanner.extractors.office_packages import check_package
from scanner.extractors.registry import register
from scanner.extractors.tables import TableRows
from scanner.items import Document, ExtractionLimits, Item, Segment



@register("pptx", "pptm", needs_seek=True)
def extract_pptx(item: Item, stream: BinaryIO, limits: ExtractionLimits) -> Document:
    check_package(stream, "pptx", limits)
    presentation = Presentation(stream)
    return Document("pptx", segments=list(_segments(presentation)))


def _segments(presentation) -> Iterator[Segment]:
    for number, slide in enumerate(presentation.slides, 1):
        where = f"slide {number}"
        tables = [0]
        for shape in slide.shapes:
            yield from _shape(shape, where, tables)
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame
            if notes is not None and notes.text.strip():
                yield Segment(notes.text, f"{where} notes")


def _shape(shape, where: str, tables: list[int]) -> Iterator[Segment]:
    if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
        for inner in shape.shapes:
            yield from _shape(inner, where, tables)
    elif getattr(shape, "has_table", False) and shape.has_table:
        tables[0] += 1
        rows = TableRows()
        for row_number, row in enumerate(shape.table.rows, 1):
            segment = rows.segment(
                enumerate(cell.text for cell in row.cells), f"{where} table {tables[0]} row {row_number}"
            )
            if segment:
                yield segment
    elif getattr(shape, "has_text_frame", False) and shape.has_text_frame and shape.text_frame.text.strip():
        yield Segment(shape.text_frame.text, where)
