"""The `convene` command: serve, migrate, demo, series, user, audit."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="convene", description="Meetings and teams for collaboratives.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="app worker processes (PostgreSQL: several)")
    serve.add_argument("--reload", action="store_true", help="restart on code changes (development)")

    commands.add_parser("migrate", help="bring the database schema up to date")
    demo = commands.add_parser("demo", help="load the demo county into an empty database")
    demo.add_argument("--if-empty", action="store_true", help="do nothing (quietly) if there is data")

    series = commands.add_parser("series", help="recurring meetings").add_subparsers(dest="action", required=True)
    series.add_parser("extend", help="add the meetings that series with no end date need, two years ahead "
                                     "(run daily, e.g. from cron; `serve` also runs it as it starts)")

    user = commands.add_parser("user", help="manage people's accounts").add_subparsers(dest="action", required=True)
    create = user.add_parser("create", help="create a person and print a set-password link")
    create.add_argument("email")
    create.add_argument("name")
    create.add_argument("--admin", action="store_true", help="make them a site admin")
    deactivate = user.add_parser("deactivate", help="deactivate a person and end their sessions")
    deactivate.add_argument("email")
    set_password = user.add_parser("set-password", help="set a password (asked for, or read from stdin)")
    set_password.add_argument("email")

    audit = commands.add_parser("audit", help="the disclosure ledger").add_subparsers(dest="action", required=True)
    verify = audit.add_parser("verify", help="check the disclosure ledger's hash chain (exit 1 if broken)")
    verify.add_argument("--anchor", metavar="FILE",
                        help="a file kept outside the database with the head the last check found: the chain "
                             "must still reach it (no rows cut off the end); a check that passes records its own")

    args = parser.parse_args(argv)
    if args.command == "serve":
        follow_the_port(args)
    try:
        import server.config  # noqa: F401  (reads and checks the environment)
    except RuntimeError as problem:  # config.ConfigError: say what is wrong, no traceback
        print(f"convene: {problem}", file=sys.stderr)
        return 2
    if args.command == "serve":
        asyncio.run(extend_series())
        return serve_app(args)
    return asyncio.run(run(args))


async def extend_series() -> int:
    """Series with no end date get the meetings they need, up to two years ahead."""
    from server import db
    from server.meetings.scheduling import extend_open_series

    await db.prepare()
    try:
        added = await extend_open_series()
    finally:
        await db.close()
    if added:
        print(f"convene: {added} meetings added to series with no end date", flush=True)
    return 0


def follow_the_port(args: argparse.Namespace) -> None:
    """In development, with no CONVENE_BASE_URL set, the site's address is where it is served
    (`make run PORT=8110`): links the app writes out follow the port. Set before the settings are
    read, so every worker sees the same."""
    if os.environ.get("CONVENE_BASE_URL") or os.environ.get("CONVENE_ENV", "development") != "development":
        return
    host = "127.0.0.1" if args.host in {"0.0.0.0", "::", ""} else args.host
    os.environ["CONVENE_BASE_URL"] = f"http://{host}:{args.port}"


def serve_app(args: argparse.Namespace) -> int:
    import uvicorn

    from server.config import settings

    if args.workers > 1 and args.reload:
        print("convene: --reload works with one worker only", file=sys.stderr)
        return 2
    print(f"Convene at {settings.base_url}", flush=True)
    if settings.env == "development":
        print("Demo accounts and their password: README.md, under \"Demo accounts\".", flush=True)
    uvicorn.run(
        "server.app:create_app", factory=True, host=args.host, port=args.port,
        workers=args.workers, reload=args.reload, log_level="info",
        # Forwarded headers are read by the app, from CONVENE_TRUSTED_PROXIES only (web/client.py).
        proxy_headers=False,
    )
    return 0


async def run(args: argparse.Namespace) -> int:
    from server import db

    if args.command == "migrate":
        from server.migrate import migrate

        await migrate()
        print("convene: the database is up to date")
        return 0
    await db.prepare()
    try:
        if args.command == "demo":
            from server.demo import load_demo

            loaded = await load_demo()
            if loaded:
                print("convene: demo data loaded; see README.md for the demo accounts")
            elif not args.if_empty:
                print("convene: the database already has people in it; demo data not loaded")
            return 0
        if args.command == "audit":
            return await audit_command(args)
        if args.command == "series":
            from server.meetings.scheduling import extend_open_series

            print(f"convene: {await extend_open_series()} meetings added to series with no end date")
            return 0
        return await user_command(args)
    finally:
        await db.close()


async def audit_command(args: argparse.Namespace) -> int:
    """Walks the ledger's chain: 0 when every row holds (and, with --anchor, the chain still
    reaches the head the last check recorded), 1 at the first row that does not."""
    from pathlib import Path

    from server.cases.audit import audit, read_anchor, write_anchor

    anchor_path = Path(args.anchor) if args.anchor else None
    try:
        anchor = read_anchor(anchor_path) if anchor_path else None
    except (OSError, ValueError) as problem:
        print(f"convene: cannot read the anchor {anchor_path}: {problem}", file=sys.stderr)
        return 2
    result = await audit(anchor)
    if result.broken_at is not None:
        print(f"convene: ledger broken at row {result.broken_at} ({result.rows} rows checked)", file=sys.stderr)
        return 1
    if result.lost_anchor is not None:
        print(f"convene: ledger shortened: the last check recorded {result.lost_anchor.rows} rows ending in "
              f"{result.lost_anchor.hash}, and the chain no longer holds that row ({result.rows} rows now)",
              file=sys.stderr)
        return 1
    assert result.head is not None
    if anchor_path:
        try:
            write_anchor(anchor_path, result.head)
        except OSError as problem:
            print(f"convene: cannot record the anchor {anchor_path}: {problem}", file=sys.stderr)
            return 2
    print(f"{result.rows} rows; ledger verified (head {result.head.hash})")
    return 0


async def user_command(args: argparse.Namespace) -> int:
    from server.accounts import service as accounts
    from server.accounts.policy import password_problem
    from server.accounts.tables import Person
    from server.forms import email
    from server.people import service as people
    from server.people.policy import PersonInput
    from server.people.routes import set_password_url

    address = email(args.email)
    if address is None:
        print(f"convene: {args.email!r} is not a valid email address", file=sys.stderr)
        return 2
    if args.action == "create":
        data = PersonInput(name=" ".join(args.name.split())[:200], email=address, phone="", title="",
                           preferred_language="en", agency_id=None, is_site_admin=args.admin)
        try:
            person_id, token = await people.create_person(data)
        except people.EmailTaken:
            print(f"convene: {address} already has an account", file=sys.stderr)
            return 1
        print(f"created person {person_id}; set-password link (valid 7 days):\n{set_password_url(token)}")
        return 0
    person = await Person.objects().where(Person.email == address).first()
    if person is None:
        print(f"convene: no person has the email {address}", file=sys.stderr)
        return 1
    if args.action == "deactivate":
        await people.set_active(person.id, False)
        print(f"deactivated {address}; their sessions have ended")
        return 0
    if sys.stdin.isatty():
        password = getpass.getpass("New password: ")
        confirm = getpass.getpass("Again: ")
    else:
        password = confirm = sys.stdin.readline().rstrip("\n")
    problem = password_problem(password, confirm, address)
    if problem:
        print(f"convene: {problem}", file=sys.stderr)
        return 1
    await accounts.set_password(person.id, password)
    print(f"password set for {address}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
