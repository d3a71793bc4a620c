"""Agencies: everyone sees the directory; the site admin keeps it."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post

from server import urls
from server.agencies import service
from server.agencies.policy import SECTORS, validate_agency
from server.errors import NotFound
from server.i18n import N_
from server.web.forms import RowId, form_data
from server.web.guards import admin_required
from server.web.responses import redirect
from server.web.templating import render

TEMPLATE_GLOBALS = {"SECTORS": SECTORS}
FLAGS = ("is_part2_program", "is_hipaa_covered", "is_ferpa_agency")


class AgencyController(Controller):
    path = "/agencies"

    @get("/", name="agencies")
    async def list_agencies(self, request: Request) -> Response:
        viewer = request.user
        agencies = await service.list_agencies(viewer.at, include_inactive=viewer.is_site_admin)
        return render(request, "agencies/list.html", {"agencies": agencies})

    @get("/{agency_id:int}", name="agency")
    async def agency_page(self, request: Request, agency_id: RowId) -> Response:
        return render(request, "agencies/detail.html", {"agency": await service.agency_page(request.user, agency_id)})

    @get("/new", guards=[admin_required], name="agency.new")
    async def new_agency(self, request: Request) -> Response:
        return render(request, "agencies/form.html", {"agency": None, "values": {}, "errors": {}})

    @post("/", guards=[admin_required], status_code=200, name="agency.create")
    async def create_agency(self, request: Request) -> Response:
        return await self._save(request, None)

    @get("/{agency_id:int}/edit", guards=[admin_required], name="agency.edit")
    async def edit_agency(self, request: Request, agency_id: RowId) -> Response:
        agency = await self._agency(agency_id)
        values = {**agency, **{flag: "on" for flag in FLAGS if agency[flag]}}
        return render(request, "agencies/form.html", {"agency": agency, "values": values, "errors": {}})

    @post("/{agency_id:int}", guards=[admin_required], status_code=200, name="agency.update")
    async def update_agency(self, request: Request, agency_id: RowId) -> Response:
        return await self._save(request, await self._agency(agency_id))

    @post("/{agency_id:int}/active", guards=[admin_required], status_code=200, name="agency.active")
    async def set_active(self, request: Request, agency_id: RowId) -> Response:
        form = await form_data(request)
        await self._agency(agency_id)
        await service.set_active(agency_id, form.get("active") == "true")
        return redirect(request, urls.url("agency", agency_id=agency_id), flash="agency_saved")

    async def _agency(self, agency_id: int) -> dict:
        agency = await service.get_agency(agency_id)
        if agency is None:
            raise NotFound()
        return agency

    async def _save(self, request: Request, agency: dict | None) -> Response:
        form = await form_data(request)
        data, errors = validate_agency(form)
        if data is not None:
            try:
                agency_id = await service.save_agency(data, agency["id"] if agency else None)
            except service.NameTaken:
                errors = {"name": N_("Another agency already has this name.")}
            else:
                return redirect(request, urls.url("agency", agency_id=agency_id), flash="agency_saved")
        return render(request, "agencies/form.html", {"agency": agency, "values": form, "errors": errors},
                      block="form", status_code=422)
