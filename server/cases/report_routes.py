"""The disclosure ledger's reports: a case's list of disclosures (on screen and printable, for a
client who asks) and a person's access report. Both name cases by reference only."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.enums import MediaType
from litestar.params import FromQuery

from server import i18n
from server.cases import policy, reports
from server.forms import whole_number
from server.web.forms import RowId
from server.web.templating import render, render_text

NO_STORE = {"Cache-Control": "no-store"}


def page_number(value: str) -> int:
    """A page asked for in the address: a whole number from 1, else the first page."""
    return whole_number(value, 5) or 1


def _vocabulary() -> dict:
    return {"categories": policy.CATEGORIES, "surfaces": reports.SURFACES, "bases": reports.BASES,
            "notice_names": reports.NOTICE_NAMES}


@get("/cases/{case_id:int}/disclosures", name="case-disclosures")
async def case_disclosures(request: Request, case_id: RowId, page: FromQuery[str] = "1") -> Response:
    """The case's disclosures of the past three years (42 CFR 2.24), for those who manage it."""
    found = await reports.case_disclosures(request.user, case_id, page_number(page))
    return render(request, "cases/disclosures.html", {
        "found": found, "case": found.case, "team": found.team, "zone": found.team["time_zone"],
        "years": policy.DISCLOSURE_LIST_YEARS, **_vocabulary(),
    }, headers=NO_STORE)


@get("/cases/{case_id:int}/disclosures/print", name="case-disclosures-print")
async def case_disclosures_print(request: Request, case_id: RowId) -> Response:
    """The whole list on paper, to hand to the client."""
    found = await reports.case_disclosures(request.user, case_id, None)
    html = render_text("cases/disclosures_print.html", {
        "found": found, "case": found.case, "team": found.team, "zone": found.team["time_zone"],
        "years": policy.DISCLOSURE_LIST_YEARS, "printed_at": request.user.at, "lang": i18n.current_language.get(),
        **_vocabulary(),
    })
    return Response(html, media_type=MediaType.HTML, headers={**NO_STORE, "Vary": "HX-Request"})


@get("/people/{person_id:int}/access", name="access-report")
async def access_report(request: Request, person_id: RowId, page: FromQuery[str] = "1") -> Response:
    """Every time the person was shown case entries: for the site admin, and for the person."""
    found = await reports.access_report(request.user, person_id, page_number(page))
    return render(request, "cases/access_report.html", {
        "found": found, "person": found.person, "own": found.person["id"] == request.user.id, **_vocabulary(),
    }, headers=NO_STORE)


ROUTES = [case_disclosures, case_disclosures_print, access_report]
