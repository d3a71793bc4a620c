"""The meeting packet: one ZIP with the agenda as a PDF first, then every document of the
meeting, named by its agenda item's number and its own name ("00 Meeting - Budget.pdf",
"03-1 Housing report.pdf"), so the files sort in agenda order wherever they are unpacked.

Built on a worker thread into a spooled temporary file (in memory while small, then on disk
beside the stored files): a packet can be far larger than any one request should hold.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime

from server.attachments import policy
from server.attachments.storage import Storage
from server.web.downloads import filename_part

log = logging.getLogger("convene")
IN_MEMORY = 8 << 20  # bytes a packet may take in memory before it moves to disk
CHUNK = 1 << 20


@dataclass(frozen=True)
class Entry:
    """One stored file in the packet."""

    name: str
    key: str
    compressed: bool
    at: datetime  # local time, for the archive's date


def names(meeting_attachments: list[dict], items: list[dict], meeting_word: str) -> dict[int, str]:
    """Each file's name in the packet, by attachment id: the meeting's own first ("00 Meeting -
    Budget.pdf"), then each item's in agenda order ("03-1 Housing report.pdf"). Items that take
    no attachments (case reviews) contribute nothing."""
    found: dict[int, str] = {}
    used: set[str] = set()
    for file in (a for a in meeting_attachments if a["kind"] == "file"):
        stem, ext = policy.split_name(file["title"])
        found[file["id"]] = _unique(f"00 {filename_part(meeting_word, 30)} - {filename_part(stem)}", ext, used)
    for item in items:
        if not policy.takes_attachments(item["kind"]):
            continue
        files = [a for a in item.get("attachments", []) if a["kind"] == "file"]
        for position, file in enumerate(files, start=1):
            stem, ext = policy.split_name(file["title"])
            found[file["id"]] = _unique(f"{item['number']:02d}-{position} {filename_part(stem)}", ext, used)
    return found


def _unique(stem: str, ext: str, used: set[str]) -> str:
    """`stem + ext`, or with " (2)", " (3)" … when the packet holds that name already (file
    systems that ignore case see "Budget.pdf" and "budget.pdf" as one)."""
    name, copy = f"{stem}{ext}", 1
    while name.lower() in used:
        copy += 1
        name = f"{stem} ({copy}){ext}"
    used.add(name.lower())
    return name


def build(storage: Storage, agenda_name: str, agenda_pdf: bytes, made_at: datetime,
          entries: list[Entry]) -> tuple[tempfile.SpooledTemporaryFile, int]:
    """The packet, open at its start, and its size in bytes. Blocks: run it on a worker thread.
    A stored file that has gone missing is left out (and logged), not the whole packet."""
    spool = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY, dir=storage.scratch())
    try:
        with zipfile.ZipFile(spool, "w", allowZip64=True) as archive:
            archive.writestr(_info(agenda_name, made_at, compressed=False), agenda_pdf)
            for entry in entries:
                try:
                    source = storage.open(entry.key)
                except FileNotFoundError:
                    log.error("packet: the stored file %s (%s) is missing; left out", entry.key, entry.name)
                    continue
                with source, archive.open(_info(entry.name, entry.at, entry.compressed), "w") as target:
                    shutil.copyfileobj(source, target, CHUNK)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool, size


def _info(name: str, at: datetime, compressed: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=max(at.timetuple()[:6], (1980, 1, 1, 0, 0, 0)))
    info.compress_type = zipfile.ZIP_STORED if compressed else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16  # a plain file, readable once unpacked
    return info
