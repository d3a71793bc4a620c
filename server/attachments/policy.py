"""Attachments: which files are accepted (told from their content, never from the name or the
browser's word), what a link and a file name may be, and who sees them. Pure: no web framework,
no database.

A file is accepted when its content is one of TYPES and its name ends in one of that type's
extensions. Anything that could run in a browser or on a computer (HTML, SVG, scripts,
programs, Office files with macros) is refused, whatever it is called.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from server.forms import neutralised, parse_id, require, text, too_long
from server.i18n import N_, Formatted


@dataclass(frozen=True)
class FileType:
    label: str  # what people call it (untranslated)
    media_type: str  # as served
    extensions: tuple[str, ...]  # the first is the usual one
    compressed: bool = True  # already compressed: a packet stores it as it is


TYPES = {
    "pdf": FileType(N_("PDF"), "application/pdf", (".pdf",)),
    "docx": FileType(N_("Word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     (".docx",)),
    "xlsx": FileType(N_("Excel"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "pptx": FileType(N_("PowerPoint"), "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                     (".pptx",)),
    "odt": FileType(N_("OpenDocument text"), "application/vnd.oasis.opendocument.text", (".odt",)),
    "ods": FileType(N_("OpenDocument spreadsheet"), "application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
    "odp": FileType(N_("OpenDocument presentation"), "application/vnd.oasis.opendocument.presentation", (".odp",)),
    "png": FileType(N_("PNG image"), "image/png", (".png",)),
    "jpeg": FileType(N_("JPEG image"), "image/jpeg", (".jpg", ".jpeg")),
    "gif": FileType(N_("GIF image"), "image/gif", (".gif",)),
    "webp": FileType(N_("WebP image"), "image/webp", (".webp",)),
    # Served with "; charset=utf-8" (Litestar adds it to text/ types): their content was checked to be UTF-8.
    "txt": FileType(N_("Text"), "text/plain", (".txt",), compressed=False),
    "csv": FileType(N_("CSV"), "text/csv", (".csv",), compressed=False),
}
LABELS = {ft.media_type: ft.label for ft in TYPES.values()}


def is_compressed(media_type: str) -> bool:
    """Whether a stored file is compressed already (zipping it again gains nothing)."""
    return next((ft.compressed for ft in TYPES.values() if ft.media_type == media_type), False)
ACCEPT = ",".join(extension for ft in TYPES.values() for extension in ft.extensions)  # the file input's hint

MAX_NAME = 200
MAX_TITLE = 200
MAX_URL = 500  # as a meeting's video-call link

NOT_ACCEPTED = N_("Convene does not accept this kind of file. Attach a PDF; a Word, Excel or PowerPoint file "
                  "(.docx, .xlsx, .pptx); an OpenDocument file (.odt, .ods, .odp); an image (PNG, JPEG, GIF, "
                  "WebP); or a text or CSV file.")
WEB_CONTENT = N_("Web pages, SVG images and scripts cannot be attached: they could run in the browser of "
                 "everyone who opens them. Save it as a PDF and attach that.")
PROGRAM = N_("Programs cannot be attached.")
MACROS = N_("Office files with macros cannot be attached. Save it without macros (as .docx, .xlsx or .pptx) "
            "and attach that.")
OLD_OFFICE = N_("Older Office files (.doc, .xls, .ppt) and password-protected ones cannot be attached. Save it "
                "in the current format (.docx, .xlsx or .pptx) without a password and attach that.")
ARCHIVE = N_("ZIP archives cannot be attached. Attach the files inside it one by one.")
NOT_UTF8 = N_("Text and CSV files must be saved as UTF-8 (in Excel: CSV UTF-8). Save it that way and attach "
              "it again.")
EMPTY = N_("This file is empty.")
NO_FILE = N_("Choose a file to upload.")
NO_EXTENSION = N_("The file's name must end in an extension that says what it is, such as .pdf or .docx.")
MISMATCH = N_("The file's name ends in %(extension)s, but its content is that of a %(expected)s file. Rename it "
              "to end in %(expected)s, or choose the file you meant.")
TOO_LARGE = N_("This file is larger than %(limit)s MB, the largest Convene accepts. Nothing was saved.")
NO_TITLE = N_("Give the link a title.")
NO_URL = N_("Enter the link's web address.")
BAD_URL = N_("Enter a web address starting with https://.")
BAD_TARGET = N_("Choose the meeting or one of its agenda items.")
CASE_REVIEW = N_("Case-review items take no documents or links: a case's documents belong to the case, under its "
                 "releases of information.")


class Refused(ValueError):
    """The file is not accepted; `message` (untranslated) says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def too_large(limit_mb: int) -> str:
    return Formatted(TOO_LARGE, limit=limit_mb)


# Who sees what. An attachment is part of the agenda: seen by exactly those who may see it.


def is_shown(can_see_agenda: bool, item_kind: str | None) -> bool:
    """Whether an attachment (on the meeting, or on an item of `item_kind`) may be shown. A
    case-review item never carries one (CONSENT.md): one attached before the item became a
    case review is shown to no one."""
    return can_see_agenda and item_kind != "case_review"


def takes_attachments(item_kind: str | None) -> bool:
    """The meeting itself (None) and every agenda item but a case review."""
    return item_kind != "case_review"


# Names and links.


def file_name(raw: str) -> tuple[str, str | None]:
    """A file's name as people will see it and save it: the last part of what the browser sent
    (some send a whole path), without control or disguising characters, spaces collapsed. With a
    message when it cannot be used."""
    name = str(raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join("".join(c for c in neutralised(name) if c.isprintable() or c.isspace()).split())
    if not name:
        return name, NO_FILE
    if len(name) > MAX_NAME:
        return name, too_long(MAX_NAME)
    if not extension(name):
        return name, NO_EXTENSION
    return name, None


def extension(name: str) -> str:
    """".pdf" for "Budget 2027.PDF"; "" when the name has none (".pdf" alone is a name, not an extension)."""
    stem, dot, suffix = name.rpartition(".")
    return f".{suffix.lower()}" if dot and stem.strip() and suffix and " " not in suffix else ""


def split_name(name: str) -> tuple[str, str]:
    ext = extension(name)
    return (name[: -len(ext)], name[-len(ext):].lower()) if ext else (name, "")


@dataclass(frozen=True)
class LinkInput:
    title: str
    url: str


def validate_link(form: dict[str, str]) -> tuple[LinkInput | None, dict[str, str]]:
    errors: dict[str, str] = {}
    title = text(form, "title", MAX_TITLE)
    require(errors, "title", title, MAX_TITLE, NO_TITLE)
    url = str(form.get("url", "")).strip()
    if not url:
        errors["url"] = NO_URL
    elif len(url) > MAX_URL:
        errors["url"] = too_long(MAX_URL)
    elif not is_web_address(url):
        errors["url"] = BAD_URL
    return (None, errors) if errors else (LinkInput(title, url), {})


_URL_CHARACTERS = re.compile(r"[^\s\x00-\x1f\x7f\\<>\"]+")


def is_web_address(url: str) -> bool:
    """An http(s) address with a host, and nothing that could break out of an href."""
    if not _URL_CHARACTERS.fullmatch(url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in {"https", "http"} and bool(host) and url.lower().startswith(("https://", "http://"))


def link_site(url: str) -> str:
    """Where a link goes ("www.county.gov"), shown beside its title: a title can say anything."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def parse_target(value: object) -> tuple[int | None, bool]:
    """The agenda item an attachment goes on (None: the meeting itself), and whether the value
    made sense at all."""
    raw = str(value or "").strip()
    if not raw:
        return None, True
    item_id = parse_id(raw)
    return item_id, item_id is not None


# What a file is, from its content.

_PROGRAMS = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
             b"\xca\xfe\xba\xbe", b"#!", b"\x00asm", b"dex\n")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .xls, .ppt and encrypted Office files
# What browsers take for HTML or XML when they sniff (WHATWG MIME Sniffing §7.1), and SVG.
_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--|\?xml|svg)[\s>/]",
    re.IGNORECASE,
)
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
_ODF = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_OVERRIDE = re.compile(rb"<Override\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb'\b(PartName|ContentType)\s*=\s*"([^"]*)"')
MAX_CONTENT_TYPES = 1 << 20  # bytes of [Content_Types].xml read, at most
TEXT_CHUNK = 1 << 16


def detect(file: BinaryIO) -> str:
    """The key in TYPES of what `file` holds (read from the start; seekable). Refused, with the
    reason, for anything else. Text (.txt or .csv, told apart by the name) comes back as "txt"."""
    file.seek(0)
    head = file.read(4096)
    if not head:
        raise Refused(EMPTY)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return _zipped(file)
    if head.startswith(_OLE):
        raise Refused(OLD_OFFICE)
    if head.startswith(_PROGRAMS):
        raise Refused(PROGRAM)
    return _text(file, head)


def _zipped(file: BinaryIO) -> str:
    """OpenDocument (a stored `mimetype` entry first) or Office Open XML ([Content_Types].xml
    naming a main part the archive holds); never one with macros."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if entries and entries[0].filename == "mimetype":
                if any(name.startswith(("Basic/", "Scripts/")) for name in names):
                    raise Refused(MACROS)
                with archive.open(entries[0]) as entry:
                    kind = _ODF.get(entry.read(100).strip())
                if kind is None or entries[0].compress_type != zipfile.ZIP_STORED:
                    raise Refused(NOT_ACCEPTED)
                return kind
            if "[Content_Types].xml" not in names:
                raise Refused(ARCHIVE)
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise Refused(MACROS)
            with archive.open("[Content_Types].xml") as entry:
                declared = entry.read(MAX_CONTENT_TYPES)
    except Refused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError,
            ValueError, KeyError):
        raise Refused(NOT_ACCEPTED) from None
    if b"macroenabled" in declared.lower():
        raise Refused(MACROS)
    for override in _OVERRIDE.findall(declared):
        attributes = {key.decode(): value.decode("utf-8", "replace") for key, value in _ATTRIBUTE.findall(override)}
        kind = _OOXML_MAIN.get(attributes.get("ContentType", ""))
        if kind and attributes.get("PartName", "").lstrip("/") in names:
            return kind
    raise Refused(NOT_ACCEPTED)


def _text(file: BinaryIO, head: bytes) -> str:
    """UTF-8 text (a byte-order mark allowed) with no NUL, that no browser would take for a page."""
    body = head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n\x0c")
    if _MARKUP.match(body[:512]):
        raise Refused(WEB_CONTENT)
    decoder = codecs.getincrementaldecoder("utf-8")()
    file.seek(0)
    while chunk := file.read(TEXT_CHUNK):
        if b"\x00" in chunk:
            raise Refused(NOT_UTF8)
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError:
            raise Refused(NOT_UTF8) from None
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise Refused(NOT_UTF8) from None
    return "txt"


def file_type(name: str, file: BinaryIO) -> tuple[str, FileType]:
    """What the file is, when its name agrees with its content; Refused otherwise."""
    ext = extension(name)
    kind = detect(file)
    if kind == "txt" and ext == ".csv":
        kind = "csv"
    found = TYPES[kind]
    if ext not in found.extensions:
        if kind == "txt" and ext not in _KNOWN_EXTENSIONS:
            raise Refused(NOT_ACCEPTED)  # text, but named as something Convene does not take
        raise Refused(Formatted(MISMATCH, extension=ext, expected=found.extensions[0]))
    return kind, found


_KNOWN_EXTENSIONS = frozenset(extension for ft in TYPES.values() for extension in ft.extensions)
