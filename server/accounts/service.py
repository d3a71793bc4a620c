"""Accounts: logging in and out, sessions, passwords, and the people directory."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server import clock
from server.accounts import policy
from server.accounts.policy import Viewer
from server.accounts.tables import LoginFailure, LoginSession, PasswordToken, Person
from server.config import settings
from server.db import lock_key, writing
from server.i18n import LANGUAGES, N_
from server.teams import membership
from server.tokens import new_token, token_hash

log = logging.getLogger("convene")
# argon2id with the library's recommended parameters; the test suite's own cheap ones only
# under CONVENE_ENV=test, where thousands of logins would otherwise cost minutes.
hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1) if settings.env == "test" else PasswordHasher()
# Verified against when the email is unknown, so both paths cost the same time.
_DUMMY_HASH = hasher.hash("not a real password, only here for timing")
SESSION_IDLE = timedelta(minutes=settings.session_idle_minutes)
# How often a session's last use is written: often enough that the idle timeout is exact to a
# tenth of itself, seldom enough that reading pages does not mean writing the session row.
SESSION_TOUCH_INTERVAL = min(timedelta(minutes=5), SESSION_IDLE / 10)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(hasher.hash, password)


async def _verify(password_hash: str, password: str) -> bool:
    try:
        return await asyncio.to_thread(hasher.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class LoginResult:
    token: str | None = None
    throttled_minutes: int | None = None


async def log_in(email: str, password: str, ip: str) -> LoginResult:
    """Check a password and open a session, unless recent failures say to wait."""
    email = email.strip().lower()[:254]
    now = clock.now()
    since = now - policy.THROTTLE_WINDOW
    # Every attempt is recorded as a failure *before* the slow password check, under a lock on
    # the address, so parallel guesses count against each other; a success removes the
    # account's failures from this address.
    ip = ip[:64]
    async with writing():
        await lock_key(f"login:{ip}")
        from_address = await LoginFailure.select(LoginFailure.at, LoginFailure.email).where(
            (LoginFailure.ip == ip) & (LoginFailure.at > since)
        ).order_by(LoginFailure.at)
        wait = policy.login_wait([row["at"] for row in from_address if row["email"] == email],
                                 [row["at"] for row in from_address], now)
        if wait > timedelta(0):
            return LoginResult(throttled_minutes=policy.wait_minutes(wait))
        await LoginFailure.delete().where(LoginFailure.at < since)
        await LoginFailure.insert(LoginFailure(email=email, ip=ip, at=now))
        person = await Person.objects().where(
            (Person.email == email) & (Person.active == True)  # noqa: E712
        ).first()
    stored_hash = person.password_hash if person and person.password_hash else _DUMMY_HASH
    if not await _verify(stored_hash, password) or person is None or not person.password_hash:
        return LoginResult()
    token = new_token()
    async with writing():
        await LoginFailure.delete().where((LoginFailure.email == email) & (LoginFailure.ip == ip))
        await LoginSession.delete().where((LoginSession.expires_at < now) | (LoginSession.last_seen_at < now - SESSION_IDLE))
        await LoginSession.insert(
            LoginSession(
                token_hash=token_hash(token),
                person=person.id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(days=settings.session_days),
            )
        )
        if hasher.check_needs_rehash(person.password_hash):
            await Person.update({Person.password_hash: await hash_password(password)}).where(
                Person.id == person.id
            )
    return LoginResult(token=token)


async def viewer_for_session(token: str) -> Viewer | None:
    """The person behind a session cookie, if the session is live and the person active, with
    their primary agency at this instant: one statement (it precedes every page's own queries)."""
    if not token or len(token) > 100:
        return None
    now = clock.now()
    day = membership.directory_day(now)
    rows = await LoginSession.raw(
        "SELECT s.id AS session_id, s.last_seen_at, p.id, p.name, p.email, p.preferred_language,"
        f" p.is_site_admin, {membership.primary_agency_sql('p.id')} AS primary_agency_id"
        " FROM login_session s JOIN person p ON p.id = s.person"
        " WHERE s.token_hash = {} AND s.expires_at > {} AND s.last_seen_at > {} AND p.active",
        day, day, token_hash(token), now, now - SESSION_IDLE,
    )
    if not rows:
        return None
    row = rows[0]
    if now - row["last_seen_at"] > SESSION_TOUCH_INTERVAL:
        try:  # when the session was last seen is worth a write, not a failed request
            async with writing():
                await LoginSession.update({LoginSession.last_seen_at: now}).where(LoginSession.id == row["session_id"])
        except Exception:
            log.warning("could not record that session %s was seen", row["session_id"], exc_info=True)
    return Viewer(
        id=row["id"], name=row["name"], email=row["email"], language=row["preferred_language"],
        is_site_admin=bool(row["is_site_admin"]), session_id=row["session_id"], at=now,
        primary_agency_id=row["primary_agency_id"],
    )


async def log_out(viewer: Viewer) -> None:
    async with writing():
        await LoginSession.delete().where(LoginSession.id == viewer.session_id)


async def log_out_everywhere(person_id: int) -> None:
    async with writing():
        await LoginSession.delete().where(LoginSession.person == person_id)


async def change_password(viewer: Viewer, current: str, new: str, confirm: str) -> dict[str, str]:
    """Returns field messages; on success every other session of the person ends."""
    person = await Person.objects().where(Person.id == viewer.id).first()
    if person is None or not person.password_hash or not await _verify(person.password_hash, current):
        return {"current": N_("Your current password is not right.")}
    problem = policy.password_problem(new, confirm, viewer.email)
    if problem:
        return {"new": problem}
    new_hash = await hash_password(new)
    async with writing():
        await Person.update({Person.password_hash: new_hash, Person.updated_at: clock.now()}).where(
            Person.id == viewer.id
        )
        await LoginSession.delete().where(
            (LoginSession.person == viewer.id) & (LoginSession.id != viewer.session_id)
        )
    return {}


async def create_password_link(person_id: int) -> str:
    """A one-time token to set a password; earlier unused links for the person stop working."""
    token = new_token()
    now = clock.now()
    async with writing():
        await PasswordToken.delete().where(
            (PasswordToken.person == person_id) & PasswordToken.used_at.is_null()
        )
        await PasswordToken.insert(
            PasswordToken(
                token_hash=token_hash(token),
                person=person_id,
                created_at=now,
                expires_at=now + policy.PASSWORD_LINK_LIFETIME,
            )
        )
    return token


async def password_link_owner(token: str) -> dict | None:
    if not token or len(token) > 100:
        return None
    rows = await PasswordToken.select(
        PasswordToken.id, PasswordToken.person.id, PasswordToken.person.email, PasswordToken.person.name,
        PasswordToken.person.preferred_language,
    ).where(
        (PasswordToken.token_hash == token_hash(token))
        & PasswordToken.used_at.is_null()
        & (PasswordToken.expires_at > clock.now())
        & (PasswordToken.person.active == True)  # noqa: E712
    )
    return rows[0] if rows else None


async def set_password_from_link(token: str, password: str, confirm: str) -> dict[str, str] | None:
    """None when the link is not valid; otherwise field messages (empty on success)."""
    owner = await password_link_owner(token)
    if owner is None:
        return None
    problem = policy.password_problem(password, confirm, owner["person.email"])
    if problem:
        return {"password": problem}
    new_hash = await hash_password(password)
    now = clock.now()
    async with writing():
        updated = await PasswordToken.update({PasswordToken.used_at: now}).where(
            (PasswordToken.id == owner["id"]) & PasswordToken.used_at.is_null()
        ).returning(PasswordToken.id)
        if not updated:
            return None
        await Person.update({Person.password_hash: new_hash, Person.updated_at: now}).where(
            Person.id == owner["person.id"]
        )
        await LoginSession.delete().where(LoginSession.person == owner["person.id"])
    return {}


async def set_language(viewer: Viewer, language: str) -> bool:
    if language not in LANGUAGES:
        return False
    async with writing():
        await Person.update({Person.preferred_language: language}).where(Person.id == viewer.id)
    return True


async def set_password(person_id: int, password: str) -> None:
    """Sets a password directly (the admin command line); ends the person's sessions."""
    new_hash = await hash_password(password)
    async with writing():
        await Person.update({Person.password_hash: new_hash, Person.updated_at: clock.now()}).where(
            Person.id == person_id
        )
        await LoginSession.delete().where(LoginSession.person == person_id)
