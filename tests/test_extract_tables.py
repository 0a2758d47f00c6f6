"""Table rows labelled with their column headings, so a value keeps the meaning its column gives it."""

from scanner.extractors.tables import TableRows


def texts(rows):
    table = TableRows()
    out = []
    for number, cells in enumerate(rows, 1):
        segment = table.segment(list(enumerate(cells)), f"row {number}")
        out.append(segment.text if segment else None)
    return out


def test_rows_after_the_heading_are_labelled_by_column():
    assert texts([["UPN", "Pupil name", "DOB"], ["B801200005001", "Olivia Hart", "2011-03-14"]]) == [
        "UPN | Pupil name | DOB",
        "UPN: B801200005001 | Pupil name: Olivia Hart | DOB: 2011-03-14",
    ]


def test_a_title_row_before_the_heading_is_skipped_and_empty_cells_keep_columns_aligned():
    rows = [["Year 7 contacts"], [], ["Name", "Phone", "Email"], ["Ann Lee", "", "ann@example.com"]]
    assert texts(rows) == [
        "Year 7 contacts",
        None,
        "Name | Phone | Email",
        "Name: Ann Lee | Email: ann@example.com",
    ]


def test_a_table_that_starts_with_data_is_not_labelled():
    rows = [["Ann Lee", "01/02/2013"], ["Bob Day", "03/04/2012"]]
    assert texts(rows) == ["Ann Lee | 01/02/2013", "Bob Day | 03/04/2012"]


def test_heading_is_only_looked_for_near_the_top():
    rows = [["Ann Lee", "2013-02-01", "7A"]] * 5 + [["Name", "Notes", "Form"], ["Cat Roe", "ok", "7B"]]
    assert texts(rows)[-1] == "Cat Roe | ok | 7B"


def test_a_two_column_form_is_not_mistaken_for_a_register():
    rows = [["Post", "Designated Safeguarding Lead"], ["Date of birth", "19/10/1968"]]
    assert texts(rows) == ["Post | Designated Safeguarding Lead", "Date of birth | 19/10/1968"]


def test_segment_keeps_locator_and_row_record():
    segment = TableRows().segment([(0, "a"), (1, "b")], "Sheet1!A1", record="Sheet1 row 1")
    assert (segment.locator, segment.record) == ("Sheet1!A1", "Sheet1 row 1")
