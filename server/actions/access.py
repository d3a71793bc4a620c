"""May this viewer see or update this action item: the item, its team and the viewer's standing
there, loaded once (one statement), answered by actions/policy.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from server import clock
from server.accounts.policy import Viewer
from server.actions import policy
from server.actions.tables import ActionItem
from server.errors import Forbidden, NotFound
from server.teams import membership
from server.teams.policy import Standing

FIELDS = ("id", "team", "owner", "owner_agency", "status", "due_on", "version", "source_meeting")


@dataclass(frozen=True)
class ActionAccess:
    viewer: Viewer
    item: dict  # FIELDS only; service.get() has the whole item for display
    team: dict
    standing: Standing

    @property
    def may_manage(self) -> bool:
        return policy.can_manage(self.viewer, self.standing)

    @property
    def may_update(self) -> bool:
        return policy.can_update(self.viewer, self.standing, self.item["owner"], self.item["owner_agency"])

    async def confirm(self) -> ActionAccess:
        """Inside a write: the item and the viewer's standing read again in its transaction."""
        return await action_access(self.viewer, self.item["id"])

    @property
    def today(self) -> date:
        return clock.day_in(self.viewer.at, self.team["time_zone"])


async def action_access(viewer: Viewer, action_id: int) -> ActionAccess:
    """NotFound when the item is missing or not the viewer's to know (not on its team as a member,
    and not given to them or their agency)."""
    found = await membership.with_standing(ActionItem, action_id, viewer.id, viewer.at, FIELDS)
    if found is None:
        raise NotFound()
    item, team, standing, _ = found
    access = ActionAccess(viewer, item, team, standing)
    if not policy.can_see(viewer, standing, item["owner"], item["owner_agency"]):
        raise NotFound()
    return access


def require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden()
