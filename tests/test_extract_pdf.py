"""PDFs made with fpdf2: text per page, image-only scans not scanned, damage reported."""

from tests.extract_samples import extract_one, image_only_pdf_bytes, pdf_bytes, png_bytes


def test_pdf_text_by_page_skipping_blank_pages():
    result = extract_one("letter.pdf", pdf_bytes(["Dear parent of Amelia Hart", "", "Signed: Mr Dale"]))
    assert result.file_type == "pdf" and not result.encrypted and result.not_scanned is None
    assert [(s.locator, s.text) for s in result.segments] == [
        ("page 1", "Dear parent of Amelia Hart"),
        ("page 3", "Signed: Mr Dale"),
    ]


def test_image_only_pdf_is_not_scanned():
    result = extract_one("scan.pdf", image_only_pdf_bytes(png_bytes()))
    assert (result.file_type, result.not_scanned, result.error) == ("pdf", "image-only PDF (no text layer)", None)


def test_pdf_sniffed_without_extension():
    assert extract_one("download", pdf_bytes(["Hello"])).file_type == "pdf"


def test_truncated_pdf_is_an_error():
    data = pdf_bytes(["Some text"])
    result = extract_one("cut.pdf", data[:200])
    assert result.error is not None and result.error.startswith("corrupt pdf")


def test_garbage_named_pdf_is_an_error():
    result = extract_one("fake.pdf", b"%PDF-1.7\n garbage garbage garbage")
    assert result.error is not None and result.error.startswith("corrupt pdf")


def test_soft_line_wraps_are_joined_so_wrapped_values_stay_whole():
    from scanner.extractors.pdf import _unwrap

    assert _unwrap("Please call 0161\n496 0000.\nYours sincerely,\nAttendance") == (
        "Please call 0161 496 0000.\nYours sincerely,\nAttendance"
    )
