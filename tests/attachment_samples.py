"""Files as people's programs write them, made here byte by byte: a PDF, Office and OpenDocument
files, images, text; and the disguised ones the attachment policy must turn away."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

PDF = (b"%PDF-1.7\n1 0 obj\n<</Type /Catalog /Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type /Pages /Kids [] /Count 0>>\n"
       b"endobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8 " + b"\x00" * 14
TEXT = "Minutes of the housing workgroup: Nguyễn Thị Lan will follow up.\n".encode()
CSV = b"agency,referrals\nHarbor Recovery,12\nMaple County Schools,7\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60
OLD_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

OOXML_MAIN = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
}
ODF_TYPES = {"odt": "application/vnd.oasis.opendocument.text",
             "ods": "application/vnd.oasis.opendocument.spreadsheet",
             "odp": "application/vnd.oasis.opendocument.presentation"}


def ooxml(kind: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A .docx, .xlsx or .pptx (or .docm) as Office writes it: [Content_Types].xml naming its main part."""
    part, content_type = OOXML_MAIN[kind]
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(part, "<document>Housing report</document>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def odf(kind: str, *, extra: dict[str, bytes] | None = None, mimetype_first: bool = True,
        mimetype: str | None = None, stored: bool = True) -> bytes:
    """An OpenDocument file: a stored `mimetype` entry first, then its content."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if not mimetype_first:
            archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype or ODF_TYPES[kind],
                         compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
        if mimetype_first:
            archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("budget.pdf", PDF)
    return buffer.getvalue()


def pdf_outline_and_links(pdf: bytes) -> tuple[list[str], list[str]]:
    """The bookmark titles (WeasyPrint makes one per heading) and link addresses of a PDF."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    blob = pdf + b"\n".join(streams)
    titles = [_pdf_string(raw) for raw in re.findall(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>)", blob)]
    links = [_pdf_string(raw) for raw in re.findall(rb"/URI\s*(\((?:\\.|[^\\)])*\))", blob)]
    return titles, links


def _pdf_string(raw: bytes) -> str:
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode())
        return data[2:].decode("utf-16-be") if data.startswith(b"\xfe\xff") else data.decode("latin-1")
    body = re.sub(rb"\\(.)", lambda m: m.group(1), raw[1:-1])
    return body[2:].decode("utf-16-be") if body.startswith(b"\xfe\xff") else body.decode("latin-1")
