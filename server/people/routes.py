"""People admin: the site admin keeps the directory of people and their logins."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery

from server import urls
from server.accounts.service import create_password_link
from server.errors import Invalid, NotFound
from server.people import policy, service
from server.web.forms import RowId, form_data, without_nul
from server.web.guards import admin_required
from server.web.responses import redirect
from server.web.templating import render


def set_password_url(token: str) -> str:
    return urls.absolute("set_password", token=token)


class PeopleController(Controller):
    path = "/people"
    guards = [admin_required]

    @get("/", name="people")
    async def list_people(self, request: Request, q: FromQuery[str] = "", inactive: FromQuery[bool] = False) -> Response:
        q = without_nul(q)[:100]
        people = await service.list_people(request.user.at, q, include_inactive=inactive)
        return render(request, "people/list.html", {"people": people, "q": q, "inactive": inactive},
                      block="results")

    @get("/new", name="person.new")
    async def new_person(self, request: Request) -> Response:
        return render(request, "people/form.html", {
            "person": None, "values": {"preferred_language": "en"}, "errors": {},
            "agencies": await service.agency_choices(),
        })

    @post("/", status_code=200, name="person.create")
    async def create_person(self, request: Request) -> Response:
        form = await form_data(request)
        person_id, token, errors = await service.create_from_form(form)
        if person_id is not None:
            return render(request, "people/created.html",
                          {"person_id": person_id, "name": " ".join(form.get("name", "").split()),
                           "link": set_password_url(token)})
        return render(request, "people/form.html",
                      {"person": None, "values": form, "errors": errors, "agencies": await service.agency_choices()},
                      block="form", status_code=422)

    async def _person(self, request: Request, person_id: int) -> dict:
        person = await service.get_person(person_id, request.user.at)
        if person is None:
            raise NotFound()
        return person

    @get("/{person_id:int}", name="person")
    async def person_page(self, request: Request, person_id: RowId) -> Response:
        return render(request, "people/detail.html", {"person": await self._person(request, person_id), "link": None})

    @get("/{person_id:int}/edit", name="person.edit")
    async def edit_person(self, request: Request, person_id: RowId) -> Response:
        person = await self._person(request, person_id)
        values = {**person, "agency_id": str(person["agency"]["id"]) if person["agency"] else ""}
        return render(request, "people/form.html", {
            "person": person, "values": values, "errors": {}, "agencies": await service.agency_choices(),
        })

    @post("/{person_id:int}", status_code=200, name="person.update")
    async def update_person(self, request: Request, person_id: RowId) -> Response:
        person = await self._person(request, person_id)
        form = await form_data(request)
        errors = await service.update_from_form(request.user, person_id, form)
        if not errors:
            return redirect(request, urls.url("person", person_id=person_id), flash="person_saved")
        return render(request, "people/form.html",
                      {"person": person, "values": form, "errors": errors, "agencies": await service.agency_choices()},
                      block="form", status_code=422)

    @post("/{person_id:int}/deactivate", status_code=200, name="person.deactivate")
    async def deactivate(self, request: Request, person_id: RowId) -> Response:
        problem = policy.deactivation_problem(request.user, person_id)
        if problem:
            raise Invalid(problem)
        await self._person(request, person_id)
        await service.set_active(person_id, False)
        return redirect(request, urls.url("person", person_id=person_id), flash="person_deactivated")

    @post("/{person_id:int}/reactivate", status_code=200, name="person.reactivate")
    async def reactivate(self, request: Request, person_id: RowId) -> Response:
        await self._person(request, person_id)
        await service.set_active(person_id, True)
        return redirect(request, urls.url("person", person_id=person_id), flash="person_reactivated")

    @post("/{person_id:int}/password-link", status_code=200, name="person.password_link")
    async def password_link(self, request: Request, person_id: RowId) -> Response:
        person = await self._person(request, person_id)
        if not person["active"]:
            raise NotFound()
        token = await create_password_link(person_id)
        return render(request, "people/detail.html", {"person": person, "link": set_password_url(token)})
