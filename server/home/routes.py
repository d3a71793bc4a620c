"""The home page, which answers "what now", and the quick status update of an action item on it."""

from __future__ import annotations

from litestar import Request, Response, get, post

from server import urls
from server.actions import service as actions
from server.actions.access import ActionAccess, action_access, require
from server.actions.routes import STALE_PROGRESS
from server.home import service
from server.i18n import N_, gettext
from server.web.flash import FLASH_MESSAGES
from server.web.forms import RowId, form_data
from server.web.responses import redirect
from server.web.templating import is_fragment_request, render

NOT_SAVED = N_("Not saved.")


@get("/", name="home")
async def home(request: Request) -> Response:
    """Meetings today and this week, what waits for the viewer, and their action items due."""
    return render(request, "home.html", await service.what_now(request.user))


@post("/home/actions/{action_id:int}/progress", status_code=200, name="home.progress")
async def quick_progress(request: Request, action_id: RowId) -> Response:
    """A status update (a note, a new due date with its reason) through the item's progress log,
    answered in place: htmx gets the item back, a browser without JavaScript the home page."""
    found = await action_access(request.user, action_id)
    require(found.may_update)
    form = await form_data(request)
    try:
        errors, saved = await actions.record_progress(found, form)
    except actions.Stale:
        return await _item_again(request, found, {"form": STALE_PROGRESS}, form, 409)
    if errors:
        return await _item_again(request, found, errors, form, 422)
    flash = "action_saved" if saved else "action_unchanged"
    if not is_fragment_request(request):
        return redirect(request, urls.url("home"), flash=flash)
    item = await service.quick_item(found)
    return render(request, "home/_item.html", {
        "item": item, "errors": {}, "values": item["form"], "said": gettext(FLASH_MESSAGES[flash]), "oob": True,
    }, block=("item", "said"))


async def _item_again(request: Request, found: ActionAccess, errors: dict, form: dict, status_code: int) -> Response:
    """The item as it is now, with what was sent and why it was refused: in place for htmx, or on
    the whole home page (the item kept on it even if it no longer belongs there)."""
    item = await service.quick_item(found)
    # The version sent stays after a 422, so a later save still finds out about someone else's;
    # after a 409 the person has been shown the current item, and saves over it knowingly.
    values = {**item["form"], **form, **({"version": item["form"]["version"]} if status_code == 409 else {})}
    said = " ".join([gettext(NOT_SAVED), *(gettext(message) for message in errors.values())])
    refused = {"item": item, "errors": errors, "values": values, "said": said}
    if is_fragment_request(request):
        return render(request, "home/_item.html", {**refused, "oob": True}, block=("item", "said"),
                      status_code=status_code)
    page = await service.what_now(request.user)
    listed = [other["id"] for other in page["items"]]
    if item["id"] in listed:
        page["items"][listed.index(item["id"])] = item
    else:
        page["items"].insert(0, item)
    return render(request, "home.html", {**page, "refused": refused}, status_code=status_code)
