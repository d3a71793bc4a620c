from piccolo.columns import Boolean, Date, ForeignKey, Timestamptz, Varchar
from piccolo.table import Table

from server.agencies.tables import Agency


class Person(Table):
    """Someone who can log in. Email is stored lower-cased and is the login."""

    name = Varchar(length=200)
    email = Varchar(length=254, unique=True)
    phone = Varchar(length=40, default="")
    title = Varchar(length=120, default="")
    preferred_language = Varchar(length=5, default="en")
    is_site_admin = Boolean(default=False)
    active = Boolean(default=True, index=True)
    password_hash = Varchar(length=255, null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Affiliation(Table):
    """A person's primary agency over time; the open row (no ended_on) is the current one."""

    person = ForeignKey(Person, index=True)
    agency = ForeignKey(Agency, index=True)
    started_on = Date()
    ended_on = Date(null=True, default=None, index=True)


class LoginSession(Table):
    """A logged-in browser. Only a hash of the cookie's token is stored."""

    token_hash = Varchar(length=64, unique=True)
    person = ForeignKey(Person, index=True)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    expires_at = Timestamptz(index=True)


class LoginFailure(Table):
    """A failed login, kept briefly to throttle guessing across all workers."""

    email = Varchar(length=254, index=True)
    ip = Varchar(length=64, index=True)
    at = Timestamptz(index=True)


class PasswordToken(Table):
    """A one-time link to set a password (new account or reset)."""

    token_hash = Varchar(length=64, unique=True)
    person = ForeignKey(Person, index=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
