"""May this viewer do X to this team: the team and the viewer's standing on it, loaded once (one
statement), answered by the named predicates of teams/policy.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from server import clock
from server.accounts.policy import Viewer
from server.errors import Forbidden, NotFound
from server.teams import membership
from server.teams.policy import Standing
from server.teams.tables import Team

TeamPredicate = Callable[[Viewer, Standing], bool]


@dataclass(frozen=True)
class TeamAccess:
    viewer: Viewer
    team: dict
    standing: Standing

    @property
    def roles(self) -> frozenset[str]:
        return self.standing.roles

    @property
    def today(self) -> date:
        """The request's day on the team's calendar."""
        return clock.day_in(self.viewer.at, self.team["time_zone"])

    def may(self, predicate: TeamPredicate) -> bool:
        return predicate(self.viewer, self.standing)

    def refusal(self) -> Forbidden | NotFound:
        """What a refused viewer is told: Forbidden for someone on the team (or the site admin);
        NotFound for anyone else, who cannot tell a team that exists from one that does not."""
        return Forbidden() if self.standing.roles or self.viewer.is_site_admin else NotFound()

    async def confirm(self, allowed: TeamPredicate | None = None) -> TeamAccess:
        """Inside a write: the team and the viewer's standing read again, in the write's own
        transaction, so no change between the page's check and the write slips through."""
        return await team_access(self.viewer, self.team["id"], allowed)


async def team_access(viewer: Viewer, team_id: int, allowed: TeamPredicate | None = None) -> TeamAccess:
    """The team and the viewer's standing. NotFound if there is no such team; when the
    predicate `allowed` says no, the access's refusal()."""
    found = await membership.with_standing(Team, team_id, viewer.id, viewer.at)
    if found is None:
        raise NotFound()
    _, team, standing, _ = found
    access = TeamAccess(viewer, team, standing)
    if allowed is not None and not access.may(allowed):
        raise access.refusal()
    return access
