"""Cases on a case-review team: the list (and its search), opening a case, the case page, adding
entries, a file entry's download, the print view and the CSV export. Everything shown of a case
comes through disclosure.py (the decision, the ledger); every answer is kept out of caches."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import MediaType
from litestar.exceptions import HTTPException
from litestar.params import FromQuery
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE

from server import clock, urls
from server.attachments import policy as files
from server.cases import disclosure, entry_rules, policy, service
from server.cases.access import CaseAccess, CasesAccess, case_access, cases_access
from server.cases.policy import Reader
from server.config import settings
from server.web.downloads import csv_download, download_file, filename_part
from server.web.errors import error_page
from server.web.forms import RowId, form_data
from server.web.responses import redirect
from server.web.templating import is_fragment_request, render, render_text

TEMPLATE_GLOBALS = {
    "CASE_SECTIONS": entry_rules.SECTIONS, "ENTRY_KINDS": entry_rules.ADDABLE,
    "CASE_CATEGORIES": policy.CATEGORIES, "ENTRY_CATEGORIES": entry_rules.ENTRY_CATEGORIES,
    "CASE_STATUSES": entry_rules.CASE_STATUSES, "NOTICE_TEXT": policy.NOTICE_TEXT,
    "NOTICES_BY_CATEGORY": policy.NOTICES,
}
# Case pages, fragments and files: never kept by a browser or a proxy, nor by htmx's history.
PRIVATE = {"Cache-Control": "no-store"}
UPLOAD_BODY_LIMIT = settings.max_upload_bytes + 64 * 1024  # the file, the other fields, the framing


def too_large(request: Request, exc: HTTPException) -> Response:
    """Over the upload limit: Litestar stopped reading, nothing was kept."""
    return error_page(request, 413, files.too_large(settings.max_upload_mb))


def unreadable(request: Request, exc: UnicodeDecodeError) -> Response:
    return error_page(request, 400)


class TeamCasesController(Controller):
    path = "/teams/{team_id:int}/cases"

    @get("/", name="team-cases")
    async def cases(self, request: Request, team_id: RowId, q: FromQuery[str] = "") -> Response:
        """The cases the viewer may read or manage; with `q`, those it matches within what the
        viewer may see. Others are absent, uncounted."""
        found = await cases_access(request.user, team_id)
        query = entry_rules.search_query(q)
        cases = await service.case_list(found, query)
        return render(request, "cases/list.html", {
            "team": found.team, "cases": cases, "q": query, "may_create": found.may_create,
            # the dashboard is for coordinators and a case's lead agency; declaring, for medical members
            "may_see_dashboard": "coordinator" in found.standing.roles or any(case["may_manage"] for case in cases),
            "may_declare_emergency": found.may_declare_emergency,
        }, block="results", headers=PRIVATE)

    @get("/new", name="case-new")
    async def new_case(self, request: Request, team_id: RowId) -> Response:
        found = await cases_access(request.user, team_id)
        return await self._form(request, found, {"lead_agency_id": str(found.reader.agency_id or "")}, {})

    @post("/new", status_code=200, name="case-create")
    async def create_case(self, request: Request, team_id: RowId) -> Response:
        found = await cases_access(request.user, team_id)
        form = await form_data(request)
        case_id, errors = await service.open_case(found, form)
        if case_id is None:
            return await self._form(request, found, form, errors, status_code=422)
        return redirect(request, urls.url("case", case_id=case_id), flash="case_opened")

    async def _form(self, request: Request, found: CasesAccess, values: dict, errors: dict,
                    status_code: int = 200) -> Response:
        if not found.may_create:
            return error_page(request, 403)
        agencies = await service.seated_agencies(found.team, found.today)
        own = next((agency for agency in agencies if agency["id"] == found.reader.agency_id), None)
        return render(request, "cases/new.html", {
            "team": found.team, "values": values, "errors": errors, "agencies": agencies, "own_agency": own,
            "may_choose_lead": found.may_choose_lead,
        }, block="form", status_code=status_code, headers=PRIVATE)


class CaseController(Controller):
    path = "/cases/{case_id:int}"

    async def _page(self, request: Request, case_id: int, values: dict | None = None, errors: dict | None = None,
                    status_code: int = 200) -> Response:
        view = await disclosure.read_case(request.user, case_id, "page")
        agencies = await service.seated_agencies(view.team, _today(request, view))
        return render(request, "cases/case.html", {
            **await service.case_context(view), **_form_context(view.reader, agencies),
            "entry_values": values or {"category": "coordination", "status": "open"}, "entry_errors": errors or {},
        }, status_code=status_code, headers=PRIVATE)

    @get("/", name="case")
    async def case(self, request: Request, case_id: RowId) -> Response:
        return await self._page(request, case_id)

    @post("/entries", status_code=200, name="case-entry-add", request_max_body_size=UPLOAD_BODY_LIMIT,
          exception_handlers={HTTP_413_REQUEST_ENTITY_TOO_LARGE: too_large, UnicodeDecodeError: unreadable})
    async def add_entry(self, request: Request, case_id: RowId) -> Response:
        found = await case_access(request.user, case_id)
        fields = await form_data(request)
        upload = (await request.form()).get("file")
        chosen = isinstance(upload, UploadFile) and bool(upload.filename)
        try:
            entry_id, errors = await service.add_entry(found, fields, upload.filename if chosen else None,
                                                       upload.file if chosen else None)
        finally:
            if isinstance(upload, UploadFile):
                await upload.close()
        if errors:
            if is_fragment_request(request):  # the form alone: nothing of the case is shown
                return await self._entry_form(request, found, fields, errors)
            return await self._page(request, case_id, fields, errors, status_code=422)
        # htmx follows HX-Redirect by setting the address: on the case page itself a "#entry-"
        # fragment would only scroll, not reload, so it gets the page without one.
        fragment = "" if is_fragment_request(request) else f"entry-{entry_id}"
        return redirect(request, urls.url("case", case_id=case_id, _fragment=fragment), flash="case_entry_added")

    async def _entry_form(self, request: Request, found: CaseAccess, values: dict, errors: dict) -> Response:
        agencies = await service.seated_agencies(found.team, found.today)
        return render(request, "cases/case.html", {
            "case": found.case, **_form_context(found.reader, agencies),
            "entry_values": values, "entry_errors": errors,
        }, block="entry_form", status_code=422, headers=PRIVATE)

    @get("/entries/{entry_id:int}/file", name="case-entry-file")
    async def entry_file(self, request: Request, case_id: RowId, entry_id: RowId) -> Response:
        """A file entry's bytes, when the decision lets the viewer see that entry now (recorded in
        the ledger): saved, never shown inline."""
        view = await disclosure.read_case(request.user, case_id, "download", entry_id=entry_id, with_storage=True)
        entry = view.shown.entries[0]
        file = await service.open_file(entry)
        return download_file(file, entry["size"], entry["file_name"], entry["media_type"])

    @get("/print", name="case-print")
    async def print_view(self, request: Request, case_id: RowId) -> Response:
        view = await disclosure.read_case(request.user, case_id, "print")
        html = render_text("cases/print.html", {
            **await service.case_context(view), "view_person": request.user.name, "printed_at": request.user.at})
        return Response(html, media_type=MediaType.HTML, headers={**PRIVATE, "Vary": "HX-Request"})

    @get("/export.csv", name="case-export")
    async def export(self, request: Request, case_id: RowId) -> Response:
        view = await disclosure.read_case(request.user, case_id, "export")
        day = _today(request, view).isoformat()
        return csv_download(service.export_csv(view), f"{filename_part(view.case['reference'])} {day}.csv")


def _today(request: Request, view: disclosure.CaseView) -> date:
    """The request's day on the case's team's calendar."""
    return clock.day_in(request.user.at, view.team["time_zone"])


def _form_context(reader: Reader, agencies: list[dict]) -> dict:
    """What the add-an-entry form needs: nothing of the case but its id."""
    return {
        "may_add": policy.may_add_entries(reader), "agencies": agencies,
        "own_agency": next((agency for agency in agencies if agency["id"] == reader.agency_id), None),
        "accept": files.ACCEPT, "limit_mb": settings.max_upload_mb, "limit_bytes": settings.max_upload_bytes,
        "too_large": files.too_large(settings.max_upload_mb),
    }
