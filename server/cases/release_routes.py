"""Releases of information, the consent dashboard and emergency access: controllers parse the
request, ask the access functions (releases.py, dashboard.py), call one use case and choose the
response. Every page here answers with Cache-Control: no-store (they name clients' signers and
cases), and base.html keeps them out of htmx's history."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE

from server import urls
from server.attachments import policy as files
from server.cases import dashboard, policy, releases
from server.cases import release_rules as rules
from server.cases.access import CaseAccess
from server.config import settings
from server.web.downloads import download_file
from server.web.errors import error_page
from server.web.forms import RowId, form_data
from server.web.responses import redirect
from server.web.templating import clock_time, render

UPLOAD_BODY_LIMIT = settings.max_upload_bytes + 64 * 1024
NO_STORE = {"Cache-Control": "no-store"}
VOCABULARY = {
    "CATEGORIES": policy.CATEGORIES, "SEPARATE_CONSENT": policy.SEPARATE_CONSENT, "AUTHORITIES": policy.AUTHORITIES,
    "PURPOSES": policy.PURPOSES, "REVOCATION_MEANS": policy.REVOCATION_MEANS, "STATES": policy.STATES,
    "STATEMENT_LABELS": rules.STATEMENT_LABELS, "SCOPES": rules.SCOPES, "DOCUMENT_ACCEPT": rules.DOCUMENT_ACCEPT,
    "limit_mb": settings.max_upload_mb,
}


def case_page(case_id: int) -> str | None:
    """The case's page (route "case", cases/routes.py, built beside this), when the app has it."""
    return urls.url("case", case_id=case_id) if urls.known("case") else None


def page(request: Request, template: str, context: dict, *, status_code: int = 200) -> Response:
    return render(request, template, {**VOCABULARY, "case_page": case_page, **context}, status_code=status_code,
                  headers=NO_STORE)


def too_large(request: Request, exc: HTTPException) -> Response:
    """Over the upload limit: Litestar stopped reading, nothing was kept."""
    return error_page(request, 413, files.too_large(settings.max_upload_mb))


def unreadable(request: Request, exc: UnicodeDecodeError) -> Response:
    """A part without a file name that is not UTF-8 (no browser sends that)."""
    return error_page(request, 400)


UPLOAD_ERRORS = {HTTP_413_REQUEST_ENTITY_TOO_LARGE: too_large, UnicodeDecodeError: unreadable}


async def _posted(request: Request) -> tuple[dict[str, str], releases.Upload | None, str | None, str]:
    """The form's fields, its signed form (checked, held in incoming/) or the problem with it, and
    the button pressed ("draft" or "sign")."""
    fields = await form_data(request, multi=rules.MULTI_FIELDS)
    document = (await request.form()).get("document")
    upload, problem = None, None
    if isinstance(document, UploadFile):
        try:
            upload, problem = await releases.receive_document(document.filename, document.file)
        finally:
            await document.close()
    return fields, upload, problem, "sign" if fields.get("save") == "sign" else "draft"


class CaseReleasesController(Controller):
    path = "/cases/{case_id:int}/releases"

    async def _form(self, request: Request, access: CaseAccess, values: dict, errors: dict,
                    status_code: int = 200) -> Response:
        choices = await releases.form_choices(access)
        return page(request, "cases/release_form.html", {
            "mode": "new", "case": access.case, "team": access.team, "values": values, "errors": errors,
            "choices": choices, "release": None, "action": urls.url("release-record", case_id=access.case["id"]),
        }, status_code=status_code)

    @get("/new", name="release-new")
    async def new(self, request: Request, case_id: RowId) -> Response:
        access = await releases.managed_case(request.user, case_id)
        values = {"signed_on": access.today.isoformat(), "effective_on": access.today.isoformat(),
                  "purpose": "care_coordination"}
        return await self._form(request, access, values, {})

    @post("/new", status_code=200, name="release-record", request_max_body_size=UPLOAD_BODY_LIMIT,
          exception_handlers=UPLOAD_ERRORS)
    async def record(self, request: Request, case_id: RowId) -> Response:
        access = await releases.managed_case(request.user, case_id)
        form, upload, problem, save = await _posted(request)
        try:
            release_id, errors = await releases.record(access, form, upload, problem, signing=save == "sign")
        finally:
            await releases.discard(upload)
        if errors:
            return await self._form(request, access, form, errors, status_code=422)
        return redirect(request, urls.url("release", release_id=release_id),
                        flash="release_signed" if save == "sign" else "release_drafted")


class ReleaseController(Controller):
    path = "/releases/{release_id:int}"

    async def _page(self, request: Request, found: releases.ReleaseAccess, *, revoke_values: dict | None = None,
                    revoke_errors: dict | None = None, status_code: int = 200) -> Response:
        return page(request, "cases/release_page.html", {
            **await releases.release_page(found), "now": request.user.at,
            "revoke_values": revoke_values or {"when": "now", "scope": "whole"}, "revoke_errors": revoke_errors or {},
        }, status_code=status_code)

    async def _form(self, request: Request, found: releases.ReleaseAccess, mode: str, release: dict, values: dict,
                    errors: dict, choices: releases.FormChoices, status_code: int = 200) -> Response:
        action = urls.url("release-edit.save" if mode == "edit" else "release-supersede.save",
                          release_id=found.release_id)
        return page(request, "cases/release_form.html", {
            "mode": mode, "case": found.access.case, "team": found.access.team, "values": values, "errors": errors,
            "choices": choices, "release": release, "action": action,
        }, status_code=status_code)

    @get("/", name="release")
    async def release(self, request: Request, release_id: RowId) -> Response:
        return await self._page(request, await releases.release_access(request.user, release_id))

    @get("/document", name="release-document")
    async def document(self, request: Request, release_id: RowId) -> Response:
        """The signed form, saved (never shown inline), for those who manage the case only."""
        found = await releases.release_access(request.user, release_id)
        file, row = await releases.open_document(found)
        return download_file(file, row["document_size"], row["document_name"], row["document_type"])

    @get("/edit", name="release-edit")
    async def edit(self, request: Request, release_id: RowId) -> Response:
        found = await releases.release_access(request.user, release_id)
        release, values, choices = await releases.draft_values(found)
        return await self._form(request, found, "edit", release, values, {}, choices)

    @post("/edit", status_code=200, name="release-edit.save", request_max_body_size=UPLOAD_BODY_LIMIT,
          exception_handlers=UPLOAD_ERRORS)
    async def save_draft(self, request: Request, release_id: RowId) -> Response:
        found = await releases.release_access(request.user, release_id)
        form, upload, problem, save = await _posted(request)
        try:
            saved, errors = await releases.edit_draft(found, form, upload, problem, signing=save == "sign")
        finally:
            await releases.discard(upload)
        if errors:
            release, _, choices = await releases.draft_values(found)
            return await self._form(request, found, "edit", release, form, errors, choices, status_code=422)
        return redirect(request, urls.url("release", release_id=release_id),
                        flash="release_signed" if save == "sign" else "release_drafted")

    @get("/supersede", name="release-supersede")
    async def correction(self, request: Request, release_id: RowId) -> Response:
        found = await releases.release_access(request.user, release_id)
        release, values, choices = await releases.correction_values(found)
        return await self._form(request, found, "supersede", release, values, {}, choices)

    @post("/supersede", status_code=200, name="release-supersede.save", request_max_body_size=UPLOAD_BODY_LIMIT,
          exception_handlers=UPLOAD_ERRORS)
    async def supersede(self, request: Request, release_id: RowId) -> Response:
        found = await releases.release_access(request.user, release_id)
        form, upload, problem, _ = await _posted(request)
        try:
            new_id, errors = await releases.supersede(found, form, upload, problem)
        finally:
            await releases.discard(upload)
        if errors:
            release, _, choices = await releases.correction_values(found)
            return await self._form(request, found, "supersede", release, form, errors, choices, status_code=422)
        return redirect(request, urls.url("release", release_id=new_id), flash="release_superseded")

    @post("/revoke", status_code=200, name="release-revoke")
    async def revoke(self, request: Request, release_id: RowId) -> Response:
        found = await releases.release_access(request.user, release_id)
        form = await form_data(request, multi=rules.MULTI_FIELDS)
        errors = await releases.revoke(found, form)
        if errors:
            return await self._page(request, found, revoke_values=form, revoke_errors=errors, status_code=422)
        return redirect(request, urls.url("release", release_id=release_id), flash="release_revoked")

    @post("/event", status_code=200, name="release-event")
    async def event(self, request: Request, release_id: RowId) -> Response:
        found = await releases.release_access(request.user, release_id)
        await releases.record_event(found)
        return redirect(request, urls.url("release", release_id=release_id), flash="release_event_recorded")


class ConsentController(Controller):
    path = "/teams/{team_id:int}"

    @get("/consent", name="consent-dashboard")
    async def consent(self, request: Request, team_id: RowId) -> Response:
        access = await dashboard.dashboard_access(request.user, team_id)
        return page(request, "cases/dashboard.html", await dashboard.consent_dashboard(access))

    async def _emergency(self, request: Request, found: releases.EmergencyAccess, values: dict, errors: dict,
                         status_code: int = 200) -> Response:
        return page(request, "cases/emergency.html", {
            "team": found.team.team, "agency_name": found.agency_name, "values": values, "errors": errors,
            "open": await releases.my_emergencies(found), "max_reason": rules.MAX_REASON,
            "hours": int(policy.EMERGENCY_LENGTH.total_seconds() // 3600),
        }, status_code=status_code)

    @get("/emergency", name="case-emergency")
    async def emergency(self, request: Request, team_id: RowId) -> Response:
        found = await releases.emergency_access(request.user, team_id)
        return await self._emergency(request, found, {}, {})

    @post("/emergency", status_code=200, name="case-emergency.declare")
    async def declare(self, request: Request, team_id: RowId) -> Response:
        found = await releases.emergency_access(request.user, team_id)
        form = await form_data(request)
        declared, errors = await releases.declare_emergency(found, form)
        if declared is None:
            return await self._emergency(request, found, form, errors, status_code=422)
        until = clock_time(declared["ends_at"], found.team.team["time_zone"])
        target = case_page(declared["case_id"]) or urls.url("case-emergency", team_id=team_id)
        return redirect(request, target, flash="emergency_declared", until=until)


CONTROLLERS = [CaseReleasesController, ReleaseController, ConsentController]
