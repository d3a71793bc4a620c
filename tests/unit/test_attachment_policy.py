"""What a file is, told from its content: accepted types, the disguised and the dangerous
turned away, names that must agree with content; links and file names; packet names."""

from __future__ import annotations

import io

import pytest

from server.attachments import packet, policy
from server.i18n import Formatted
from tests.attachment_samples import (
    CSV,
    EXE,
    GIF,
    HTML,
    JPEG,
    OLD_WORD,
    PDF,
    PNG,
    SVG,
    TEXT,
    WEBP,
    odf,
    ooxml,
    plain_zip,
)


def file_type(name: str, content: bytes) -> tuple[str, str]:
    kind, found = policy.file_type(name, io.BytesIO(content))
    return kind, found.media_type


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(policy.Refused) as refused:
        policy.file_type(name, io.BytesIO(content))
    return refused.value.message


@pytest.mark.parametrize(("name", "content", "kind", "media_type"), [
    ("Budget 2027.pdf", PDF, "pdf", "application/pdf"),
    ("Housing report.docx", ooxml("docx"), "docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("Referrals.xlsx", ooxml("xlsx"), "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("Slides.pptx", ooxml("pptx"), "pptx",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("Informe.odt", odf("odt"), "odt", "application/vnd.oasis.opendocument.text"),
    ("Datos.ods", odf("ods"), "ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("Presentación.odp", odf("odp"), "odp", "application/vnd.oasis.opendocument.presentation"),
    ("map.png", PNG, "png", "image/png"),
    ("photo.JPG", JPEG, "jpeg", "image/jpeg"),
    ("photo.jpeg", JPEG, "jpeg", "image/jpeg"),
    ("chart.gif", GIF, "gif", "image/gif"),
    ("chart.webp", WEBP, "webp", "image/webp"),
    ("notes.txt", TEXT, "txt", "text/plain"),
    ("notes with bom.txt", b"\xef\xbb\xbf" + TEXT, "txt", "text/plain"),
    ("referrals.csv", CSV, "csv", "text/csv"),
])
def test_accepted_files_are_known_by_their_content(name, content, kind, media_type):
    assert file_type(name, content) == (kind, media_type)


def test_a_pdf_named_docx_is_refused_with_a_message_that_says_so():
    message = refusal("Housing report.docx", PDF)
    assert isinstance(message, Formatted) and message.msgid == policy.MISMATCH
    assert str(message) == ("The file's name ends in .docx, but its content is that of a .pdf file. Rename it to "
                            "end in .pdf, or choose the file you meant.")


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("Budget.pdf", ooxml("xlsx"), ".xlsx"),
    ("photo.png", JPEG, ".jpg"),
    ("agenda.pdf", TEXT, ".txt"),
    ("data.odt", odf("ods"), ".ods"),
])
def test_a_name_that_disagrees_with_the_content_is_refused(name, content, expected):
    message = refusal(name, content)
    assert message.msgid == policy.MISMATCH and message.values["expected"] == expected


@pytest.mark.parametrize(("name", "content"), [
    ("agenda.pdf", HTML), ("agenda.html", HTML), ("notes.txt", HTML), ("notes.txt", b"  \n<html><p>hi"),
    ("map.svg", SVG), ("map.png", SVG), ("list.csv", b"<iframe src=x>"), ("notes.txt", b"\xef\xbb\xbf<script>x"),
])
def test_anything_a_browser_could_run_is_refused_whatever_its_name(name, content):
    assert refusal(name, content) == policy.WEB_CONTENT


@pytest.mark.parametrize(("name", "content", "message"), [
    ("setup.exe", EXE, policy.PROGRAM),
    ("report.pdf", EXE, policy.PROGRAM),
    ("run.txt", b"#!/bin/sh\nrm -rf ~\n", policy.PROGRAM),
    ("tool.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 20, policy.PROGRAM),
    ("Report.docm", ooxml("docm"), policy.MACROS),
    ("Report.docx", ooxml("docm"), policy.MACROS),
    ("Sheet.xlsx", ooxml("xlsx", extra={"xl/vbaProject.bin": b"\x00" * 10}), policy.MACROS),
    ("Informe.odt", odf("odt", extra={"Basic/Standard/Module1.xml": b"<script/>"}), policy.MACROS),
    ("Old report.doc", OLD_WORD, policy.OLD_OFFICE),
    ("Old report.docx", OLD_WORD, policy.OLD_OFFICE),
    ("bundle.zip", plain_zip(), policy.ARCHIVE),
    ("bundle.docx", plain_zip(), policy.ARCHIVE),
    ("broken.docx", b"PK\x03\x04" + b"\x00" * 40, policy.NOT_ACCEPTED),
    ("informe.odt", odf("odt", mimetype_first=False), policy.ARCHIVE),
    ("utf16.txt", "hola".encode("utf-16"), policy.NOT_UTF8),
    ("latin1.csv", "año,niños\n".encode("latin-1"), policy.NOT_UTF8),
    ("nul.txt", b"abc\x00def", policy.NOT_UTF8),
    ("empty.pdf", b"", policy.EMPTY),
    ("script.js", b"alert(1)", policy.NOT_ACCEPTED),
    ("page.rtf", b"{\\rtf1\\ansi hello}", policy.NOT_ACCEPTED),
])
def test_programs_macros_archives_and_unreadable_text_are_refused_with_their_reason(name, content, message):
    assert refusal(name, content) == message


def test_text_is_checked_to_its_end_not_only_its_start():
    assert refusal("long.txt", b"a" * 200_000 + "é".encode()[:1]) == policy.NOT_UTF8
    assert file_type("long.txt", b"a" * 200_000 + "é".encode())[0] == "txt"


def test_an_odf_file_whose_mimetype_is_compressed_or_not_a_document_is_not_taken():
    assert refusal("book.odt", odf("odt", mimetype="application/epub+zip")) == policy.NOT_ACCEPTED
    assert refusal("Informe.odt", odf("odt", stored=False)) == policy.NOT_ACCEPTED


@pytest.mark.parametrize(("raw", "name", "problem"), [
    ("Budget 2027.pdf", "Budget 2027.pdf", None),
    ("C:\\Users\\marcus\\Desktop\\Budget.pdf", "Budget.pdf", None),
    ("/home/marcus/Budget.pdf", "Budget.pdf", None),
    ("Respite \u202efdp.exe", "Respite fdp.exe", None),
    ("  Two   spaces\t.pdf ", "Two spaces .pdf", None),
    ("Budget", "Budget", policy.NO_EXTENSION),
    (".pdf", ".pdf", policy.NO_EXTENSION),
    ("report. final", "report. final", policy.NO_EXTENSION),
    ("", "", policy.NO_FILE),
    ("\x00\x01", "", policy.NO_FILE),
])
def test_a_file_name_is_its_last_part_cleaned_and_needs_an_extension(raw, name, problem):
    assert policy.file_name(raw) == (name, problem)


def test_a_file_name_over_its_limit_is_refused_never_cut():
    name, problem = policy.file_name("a" * 197 + ".pdf")
    assert name == "a" * 197 + ".pdf" and problem is not None and problem.values == {"limit": 200}
    assert policy.file_name("a" * 196 + ".pdf") == ("a" * 196 + ".pdf", None)


@pytest.mark.parametrize(("url", "ok"), [
    ("https://www.maplecounty.gov/budget", True),
    ("http://10.0.0.5/report?id=3&x=y#p2", True),
    ("HTTPS://Example.org", True),
    ("javascript:alert(1)", False),
    ("data:text/html,<script>", False),
    ("ftp://files.example.org/a", False),
    ("https://", False),
    ("https:///path", False),
    ("https://exa mple.org", False),
    ('https://example.org/"onmouseover=', False),
    ("https://example.org/\\..\\", False),
    ("//example.org", False),
    ("https://[::1", False),
])
def test_a_link_is_an_http_or_https_address_with_a_host(url, ok):
    data, errors = policy.validate_link({"title": "Budget", "url": url})
    assert (data is not None) == ok, errors


def test_a_link_needs_a_title_and_an_address_within_their_limits():
    assert policy.validate_link({})[1] == {"title": policy.NO_TITLE, "url": policy.NO_URL}
    _, errors = policy.validate_link({"title": "t" * 201, "url": "https://example.org/" + "a" * 481})
    assert errors["title"].values == {"limit": 200} and errors["url"].values == {"limit": 500}
    data, errors = policy.validate_link({"title": "  County   budget ", "url": " https://example.org/b "})
    assert errors == {} and data == policy.LinkInput("County budget", "https://example.org/b")


@pytest.mark.parametrize(("value", "target"), [("", (None, True)), ("12", (12, True)), ("x", (None, False)),
                                               ("-1", (None, False)), ("99999999999", (None, False))])
def test_the_target_is_the_meeting_or_an_item_id(value, target):
    assert policy.parse_target(value) == target


def test_case_review_items_take_no_attachments_and_show_none():
    assert policy.takes_attachments(None) and policy.takes_attachments("discussion")
    assert not policy.takes_attachments("case_review")
    assert policy.is_shown(True, "presentation") and not policy.is_shown(True, "case_review")
    assert not policy.is_shown(False, None)


def test_packet_names_follow_the_agenda_and_never_clash():
    meeting_files = [{"id": 1, "kind": "file", "title": "Budget.pdf"}, {"id": 2, "kind": "file", "title": "budget.PDF"},
                     {"id": 8, "kind": "link", "title": "Budget.pdf", "url": "https://example.org"}]
    items = [
        {"number": 1, "kind": "standing", "attachments": []},
        {"number": 3, "kind": "discussion", "attachments": [
            {"id": 3, "kind": "file", "title": "Housing report.pdf"},
            {"id": 4, "kind": "link", "title": "County site", "url": "https://example.org"},
            {"id": 5, "kind": "file", "title": "Map: east side / west side.png"},
        ]},
        {"number": 4, "kind": "case_review", "attachments": [{"id": 6, "kind": "file", "title": "Smith.pdf"}]},
        {"number": 12, "kind": "presentation", "attachments": [{"id": 7, "kind": "file", "title": "x" * 90 + ".pptx"}]},
    ]
    assert packet.names(meeting_files, items, "Meeting") == {
        1: "00 Meeting - Budget.pdf",
        2: "00 Meeting - budget (2).pdf",
        3: "03-1 Housing report.pdf",
        5: "03-2 Map- east side - west side.png",
        7: "12-1 " + "x" * 60 + ".pptx",
    }
