"""Agencies: everyone sees the directory; the site admin keeps it."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException

from server import clock
from server.agencies import service
from server.agencies.policy import validate_agency
from server.config import settings
from server.web.forms import RowId, form_data
from server.web.guards import admin_required
from server.web.i18n import N_
from server.web.responses import redirect
from server.web.templating import render


class AgencyController(Controller):
    path = "/agencies"

    @get("/")
    async def list_agencies(self, request: Request) -> Response:
        viewer = request.scope["user"]
        agencies = await service.list_agencies(include_inactive=viewer.is_site_admin)
        return render(request, "agencies/list.html", {"agencies": agencies})

    @get("/{agency_id:int}")
    async def agency_page(self, request: Request, agency_id: RowId) -> Response:
        agency = await service.get_agency(agency_id, clock.today_in(settings.time_zone), request.scope["user"])
        if agency is None or (not agency["active"] and not request.scope["user"].is_site_admin):
            raise NotFoundException()
        return render(request, "agencies/detail.html", {"agency": agency})

    @get("/new", guards=[admin_required])
    async def new_agency(self, request: Request) -> Response:
        return render(request, "agencies/form.html", {"agency": None, "values": {}, "errors": {}})

    @post("/", guards=[admin_required], status_code=200)
    async def create_agency(self, request: Request) -> Response:
        return await self._save(request, None)

    @get("/{agency_id:int}/edit", guards=[admin_required])
    async def edit_agency(self, request: Request, agency_id: RowId) -> Response:
        agency = await service.get_agency(agency_id, clock.today_in(settings.time_zone))
        if agency is None:
            raise NotFoundException()
        values = {**agency, **{k: "on" for k in ("is_part2_program", "is_hipaa_covered", "is_ferpa_agency") if agency[k]}}
        return render(request, "agencies/form.html", {"agency": agency, "values": values, "errors": {}})

    @post("/{agency_id:int}", guards=[admin_required], status_code=200)
    async def update_agency(self, request: Request, agency_id: RowId) -> Response:
        agency = await service.get_agency(agency_id, clock.today_in(settings.time_zone))
        if agency is None:
            raise NotFoundException()
        return await self._save(request, agency)

    @post("/{agency_id:int}/active", guards=[admin_required], status_code=200)
    async def set_active(self, request: Request, agency_id: RowId) -> Response:
        form = await form_data(request)
        agency = await service.get_agency(agency_id, clock.today_in(settings.time_zone))
        if agency is None:
            raise NotFoundException()
        await service.set_active(agency_id, form.get("active") == "true")
        return redirect(request, f"/agencies/{agency_id}", flash="agency_saved")

    async def _save(self, request: Request, agency: dict | None) -> Response:
        form = await form_data(request)
        data, errors = validate_agency(form)
        if data is not None:
            try:
                agency_id = await service.save_agency(data, agency["id"] if agency else None)
            except service.NameTaken:
                errors = {"name": N_("Another agency already has this name.")}
            else:
                return redirect(request, f"/agencies/{agency_id}", flash="agency_saved")
        return render(request, "agencies/form.html", {"agency": agency, "values": form, "errors": errors},
                      block="form", status_code=422)
