"""People admin: the site admin keeps the directory of people and their logins."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery

from server import clock
from server.accounts.service import create_password_link
from server.config import settings
from server.people import service
from server.people.policy import validate_person
from server.web.forms import RowId, form_data, without_nul
from server.web.guards import admin_required
from server.web.i18n import N_
from server.web.responses import redirect
from server.web.templating import render


def set_password_url(token: FromPath[str]) -> str:
    return f"{settings.base_url}/set-password/{token}"


class PeopleController(Controller):
    path = "/people"
    guards = [admin_required]

    @get("/")
    async def list_people(self, request: Request, q: FromQuery[str] = "", inactive: FromQuery[bool] = False) -> Response:
        q = without_nul(q)[:100]
        people = await service.list_people(q, include_inactive=inactive)
        return render(request, "people/list.html", {"people": people, "q": q, "inactive": inactive},
                      block="results")

    @get("/new")
    async def new_person(self, request: Request) -> Response:
        return render(request, "people/form.html", {
            "person": None, "values": {"preferred_language": "en"}, "errors": {},
            "agencies": await service.agency_choices(),
        })

    @post("/", status_code=200)
    async def create_person(self, request: Request) -> Response:
        form = await form_data(request)
        agencies = await service.agency_choices()
        data, errors = validate_person(form, {a["id"] for a in agencies})
        if data is not None:
            try:
                person_id, token = await service.create_person(data)
            except service.EmailTaken:
                errors = {"email": N_("Someone already has this email address.")}
            else:
                return render(request, "people/created.html",
                              {"person_id": person_id, "name": data.name, "link": set_password_url(token)})
        return render(request, "people/form.html",
                      {"person": None, "values": form, "errors": errors, "agencies": agencies},
                      block="form", status_code=422)

    @get("/{person_id:int}")
    async def person_page(self, request: Request, person_id: RowId) -> Response:
        person = await service.get_person(person_id)
        if person is None:
            raise NotFoundException()
        return render(request, "people/detail.html", {"person": person, "link": None})

    @get("/{person_id:int}/edit")
    async def edit_person(self, request: Request, person_id: RowId) -> Response:
        person = await service.get_person(person_id)
        if person is None:
            raise NotFoundException()
        values = {**person, "agency_id": str(person["agency"]["id"]) if person["agency"] else ""}
        return render(request, "people/form.html", {
            "person": person, "values": values, "errors": {}, "agencies": await service.agency_choices(),
        })

    @post("/{person_id:int}", status_code=200)
    async def update_person(self, request: Request, person_id: RowId) -> Response:
        person = await service.get_person(person_id)
        if person is None:
            raise NotFoundException()
        form = await form_data(request)
        agencies = await service.agency_choices()
        data, errors = validate_person(form, {a["id"] for a in agencies})
        if data is not None and person_id == request.scope["user"].id and not data.is_site_admin:
            errors = {"is_site_admin": N_("You cannot remove your own site admin rights.")}
            data = None
        if data is not None:
            try:
                await service.update_person(person_id, data, clock.today_in(settings.time_zone))
            except service.EmailTaken:
                errors = {"email": N_("Someone already has this email address.")}
            else:
                return redirect(request, f"/people/{person_id}", flash="person_saved")
        return render(request, "people/form.html",
                      {"person": person, "values": form, "errors": errors, "agencies": agencies},
                      block="form", status_code=422)

    @post("/{person_id:int}/deactivate", status_code=200)
    async def deactivate(self, request: Request, person_id: RowId) -> Response:
        if person_id == request.scope["user"].id:
            return render(request, "errors/error.html", {
                "status": 422, "title": N_("Please check what you entered"),
                "explanation": N_("You cannot deactivate yourself."),
            }, block="error", status_code=422)
        if await service.get_person(person_id) is None:
            raise NotFoundException()
        await service.set_active(person_id, False)
        return redirect(request, f"/people/{person_id}", flash="person_deactivated")

    @post("/{person_id:int}/reactivate", status_code=200)
    async def reactivate(self, request: Request, person_id: RowId) -> Response:
        if await service.get_person(person_id) is None:
            raise NotFoundException()
        await service.set_active(person_id, True)
        return redirect(request, f"/people/{person_id}", flash="person_reactivated")

    @post("/{person_id:int}/password-link", status_code=200)
    async def password_link(self, request: Request, person_id: RowId) -> Response:
        person = await service.get_person(person_id)
        if person is None or not person["active"]:
            raise NotFoundException()
        token = await create_password_link(person_id)
        return render(request, "people/detail.html", {"person": person, "link": set_password_url(token)})
