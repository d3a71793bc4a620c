"""The one Piccolo app: every table, migrations in the top-level migrations/ folder."""

from piccolo.conf.apps import AppConfig

from server.accounts.tables import Affiliation, LoginFailure, LoginSession, PasswordToken, Person
from server.actions.tables import ActionItem, ActionUpdate
from server.agencies.tables import Agency
from server.attachments.tables import Attachment
from server.cases.tables import (
    Case,
    CaseEntry,
    CaseReview,
    Disclosure,
    Emergency,
    Release,
    ReleaseParty,
    Revocation,
    StepOut,
)
from server.config import ROOT
from server.meetings.tables import (
    AgendaItem,
    Attendance,
    Decision,
    Invitation,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesRevision,
    Motion,
    Recusal,
    Series,
    TemplateItem,
)
from server.teams.tables import AccessGrant, Membership, RosterUpload, Team

APP_CONFIG = AppConfig(
    app_name="convene",
    migrations_folder_path=str(ROOT / "migrations"),
    table_classes=[
        Agency,
        Person,
        Affiliation,
        LoginSession,
        LoginFailure,
        PasswordToken,
        Team,
        Membership,
        RosterUpload,
        AccessGrant,
        Series,
        Meeting,
        AgendaItem,
        Decision,
        Motion,
        Recusal,
        TemplateItem,
        Invitation,
        Attendance,
        Minutes,
        MinutesRevision,
        MinutesComment,
        Attachment,
        ActionItem,
        ActionUpdate,
        Case,
        CaseEntry,
        CaseReview,
        Release,
        ReleaseParty,
        Revocation,
        Emergency,
        StepOut,
        Disclosure,
    ],
    migration_dependencies=[],
    commands=[],
)
