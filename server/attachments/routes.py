"""A meeting's documents and links: adding and removing them (the people who run the meeting),
downloading them and the meeting packet (whoever may see the agenda). Controllers parse the
request, ask the access module, call one use case and choose the response."""

from __future__ import annotations

from babel.numbers import format_decimal
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException
from litestar.params import FromQuery
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE

from server import i18n, urls
from server.attachments import policy, service
from server.attachments.access import agenda_access, editing_access, file_access
from server.config import settings
from server.meetings.access import MeetingAccess
from server.web.downloads import download_file
from server.web.errors import error_page
from server.web.forms import RowId, form_data
from server.web.pdf import pdf_from_html
from server.web.responses import redirect
from server.web.templating import environment, is_fragment_request, render

# An upload's request: the file, the form's other fields and the multipart framing around them.
UPLOAD_BODY_LIMIT = settings.max_upload_bytes + 64 * 1024


def file_size(size: int) -> str:
    """"340 KB", "1.2 MB" ("1,2 MB" in Spanish)."""
    language = i18n.current_language.get()
    if size < 1024 * 1024:
        return f"{format_decimal(max(1, round(size / 1024)), locale=language)} KB"
    return f"{format_decimal(round(size / (1024 * 1024), 1), format='#,##0.#', locale=language)} MB"


TEMPLATE_GLOBALS = {"file_size": file_size, "link_site": policy.link_site, "DOCUMENT_TYPES": policy.LABELS}


def too_large(request: Request, exc: HTTPException) -> Response:
    """The request was over the upload limit: Litestar stopped reading it, nothing was kept. A
    page that says so and leads back to the form; under htmx, the message in the form itself."""
    context = {"message": policy.too_large(settings.max_upload_mb), "meeting_id": request.path_params["meeting_id"]}
    headers = {"HX-Retarget": "#upload-problem", "HX-Reswap": "innerHTML"} if is_fragment_request(request) else {}
    return render(request, "attachments/too_large.html", context, block="problem", status_code=413, headers=headers)


def unreadable(request: Request, exc: UnicodeDecodeError) -> Response:
    """A part without a file name is text to Litestar, which fails on bytes that are not UTF-8
    (no browser sends that: a file input always names its file)."""
    return error_page(request, 400)


def agenda_html(contents: service.PacketContents) -> str:
    """The printable agenda, the packet's first file, in the reader's language."""
    return environment.get_template("meetings/agenda_print.html").render({
        "lang": i18n.current_language.get(), **contents.context(),
    })


def back_to_meeting(meeting_id: int, item_id: int | None) -> str:
    return urls.url("meeting", meeting_id=meeting_id, _fragment=f"item-{item_id}" if item_id else "documents")


class AttachmentController(Controller):
    path = "/meetings/{meeting_id:int}"

    async def _form(self, request: Request, found: MeetingAccess, values: dict, *, upload_errors: dict | None = None,
                    link_errors: dict | None = None, block: str | None = None, status_code: int = 200) -> Response:
        """The upload and link forms (each form's messages its own: both have an item field)."""
        return render(request, "attachments/new.html", {
            "m_": found.meeting, "team": found.team, "values": values,
            # Where it goes: the meeting itself or an agenda item (case-review items take none).
            "target_options": [("", i18n.gettext("The whole meeting"))] + [
                (target["id"], f"{target['number']}. {target['title']}") for target in await service.targets(found)],
            "upload_errors": upload_errors or {}, "link_errors": link_errors or {},
            "limit_mb": settings.max_upload_mb, "limit_bytes": settings.max_upload_bytes, "accept": policy.ACCEPT,
            "too_large": policy.too_large(settings.max_upload_mb),
        }, block=block, status_code=status_code)

    @get("/documents/new", name="attachment.new")
    async def new(self, request: Request, meeting_id: RowId, item: FromQuery[str | None] = None) -> Response:
        """The forms to upload a document or add a link, on the meeting or the item asked for."""
        found = await editing_access(request.user, meeting_id)
        return await self._form(request, found, {"item_id": item or ""})

    @post("/documents", status_code=200, name="attachment.upload", request_max_body_size=UPLOAD_BODY_LIMIT,
          exception_handlers={HTTP_413_REQUEST_ENTITY_TOO_LARGE: too_large, UnicodeDecodeError: unreadable})
    async def upload(self, request: Request, meeting_id: RowId) -> Response:
        found = await editing_access(request.user, meeting_id)
        fields = await form_data(request)
        upload = (await request.form()).get("file")
        try:
            if not isinstance(upload, UploadFile):
                item_id, errors = None, {"file": policy.NO_FILE}
            else:
                item_id, errors = await service.attach_file(found, upload.filename, upload.file, fields.get("item_id"))
        finally:
            if isinstance(upload, UploadFile):
                await upload.close()
        if errors:
            return await self._form(request, found, {"item_id": fields.get("item_id", "")}, upload_errors=errors,
                                    block="upload_form", status_code=422)
        return redirect(request, back_to_meeting(meeting_id, item_id), flash="document_added")

    @post("/links", status_code=200, name="attachment.link")
    async def add_link(self, request: Request, meeting_id: RowId) -> Response:
        found = await editing_access(request.user, meeting_id)
        form = await form_data(request)
        item_id, errors = await service.attach_link(found, form)
        if errors:
            return await self._form(request, found, form, link_errors=errors, block="link_form", status_code=422)
        return redirect(request, back_to_meeting(meeting_id, item_id), flash="link_added")

    @post("/documents/{attachment_id:int}/delete", status_code=200, name="attachment.delete")
    async def remove(self, request: Request, meeting_id: RowId, attachment_id: RowId) -> Response:
        found = await editing_access(request.user, meeting_id)
        item_id = await service.remove(found, attachment_id)
        return redirect(request, back_to_meeting(meeting_id, item_id), flash="document_removed")

    @get("/documents/{attachment_id:int}", name="attachment")
    async def download(self, request: Request, meeting_id: RowId, attachment_id: RowId) -> Response:
        """The stored bytes as uploaded, with the type detected from them: saved, never shown inline."""
        found = await file_access(request.user, meeting_id, attachment_id)
        file = await service.open_file(found.file)
        return download_file(file, found.file["size"], found.file["title"], found.file["media_type"])

    @get("/packet", name="packet")
    async def packet(self, request: Request, meeting_id: RowId) -> Response:
        """The agenda as a PDF and every document, in one ZIP (a draft's only for those who run it)."""
        found = await agenda_access(request.user, meeting_id)
        contents = await service.packet_contents(found)
        file, size = await service.packet_file(contents, await pdf_from_html(agenda_html(contents)))
        return download_file(file, size, contents.file_name, "application/zip")
