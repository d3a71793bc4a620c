"""The architecture, held by reading the source: who may read the clock, who may ask for current
standing, which way imports point, and where links come from.

Each rule is a scanner; each scanner is also shown a snippet that breaks the rule, so a scanner
that silently finds nothing cannot pass.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "server"
CAPABILITIES = {"accounts", "actions", "agencies", "attachments", "cases", "home", "meetings", "people", "teams"}
TABLES_WITH_STANDING = {"Membership", "Affiliation"}
DATE_COLUMNS = {"started_on", "ended_on"}


def python_files(*folders: Path) -> list[Path]:
    return sorted(path for folder in folders for path in folder.rglob("*.py") if "migrations" not in path.parts)


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


# The clock.

CLOCK_READS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
               ("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime"),
               ("time", "ctime"), ("time", "asctime")}
CLOCK_MODULES = {"datetime", "time"}
SQL = re.compile(r"\b(?:SELECT|UPDATE|INSERT|DELETE|WHERE|DEFAULT|VALUES)\b", re.IGNORECASE)
SQL_NOW = re.compile(
    r"\bnow\s*\(\s*\)|\b(?:CURRENT_TIMESTAMP|CURRENT_DATE|CURRENT_TIME|LOCALTIMESTAMP|LOCALTIME)\b"
    r"|\b(?:clock_timestamp|statement_timestamp|transaction_timestamp|timeofday)\s*\("
    r"|'now'", re.IGNORECASE)


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local names for the datetime and time modules and their classes (import ... as ...)."""
    names = {"datetime": "datetime", "date": "date", "time": "time"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in CLOCK_MODULES:
                    names[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module in CLOCK_MODULES:
            for alias in node.names:
                names[alias.asname or alias.name] = alias.name
    return names


def wall_clock_reads(source: str) -> list[str]:
    """Reads of the wall clock: datetime.now(), date.today(), time.time() and the like, called
    or passed along (default_factory=datetime.now), under any import name; and SQL that asks the
    database for the time (now(), CURRENT_TIMESTAMP, SQLite's 'now')."""
    tree = ast.parse(source)
    names = _aliases(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            if (names.get(name, name), node.attr) in CLOCK_READS:
                found.append(f"line {node.lineno}: {name}.{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_NOW.search(node.value) \
                and SQL.search(node.value):
            found.append(f"line {node.lineno}: SQL reads the database's clock")
    return found


def test_the_clock_scanner_finds_every_way_of_reading_the_time():
    snippet = (
        "from datetime import date, datetime\nimport time\n"
        "a = datetime.now()\nb = date.today()\nc = time.time()\nd = 'SELECT now()'\n"
        "import datetime as dt\ne = dt.datetime.utcnow()\n"
        "from datetime import datetime as moment\nf = moment.now()\n"
        "g = field(default_factory=datetime.now)\nh = time.time_ns()\n"
        "i = \"SELECT * FROM x WHERE at < datetime('now')\"\nj = 'UPDATE x SET at = CURRENT_TIMESTAMP'\n"
    )
    assert len(wall_clock_reads(snippet)) == 10, wall_clock_reads(snippet)
    assert wall_clock_reads("from server import clock\nx = clock.now()\ny = 'Tests build dates from now()'\n") == []


def timestamp_defaults_left_to_piccolo() -> dict[str, list[str]]:
    """Rows built in server/ without a value for a not-null Timestamptz column: Piccolo would
    fill it with the wall clock (TimestamptzNow), not the test clock."""
    from piccolo.columns import Timestamptz

    from server.piccolo_app import APP_CONFIG

    needed = {table.__name__: {column._meta.name for column in table._meta.columns
                               if isinstance(column, Timestamptz) and not column._meta.null}
              for table in APP_CONFIG.table_classes}
    found: dict[str, list[str]] = {}
    for path in python_files(SERVER):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and needed.get(node.func.id):
                given = {keyword.arg for keyword in node.keywords}
                if None in given:  # **values: the names are not in the source
                    continue
                missing = needed[node.func.id] - given
                if missing:
                    found.setdefault(str(path.relative_to(ROOT)), []).append(
                        f"line {node.lineno}: {node.func.id}() without {sorted(missing)}")
    return found


def test_every_row_the_app_builds_has_its_timestamps_from_the_clock():
    assert not timestamp_defaults_left_to_piccolo()


def test_only_the_clock_module_reads_the_time():
    """Rules and tests read "now" from server/clock.py, which tests control."""
    offenders = {
        str(path.relative_to(ROOT)): reads
        for path in python_files(SERVER, ROOT / "tests", ROOT / "scripts")
        if path not in {SERVER / "clock.py", Path(__file__)} and (reads := wall_clock_reads(path.read_text()))
    }
    assert not offenders, offenders


# Standing.


CONDITION_METHODS = {"is_null", "is_not_null", "is_in", "not_in"}


DATE_CONDITION_SQL = re.compile(r"\b(?:started_on|ended_on)\s*(?:[<>]=?|IS\s+(?:NOT\s+)?NULL)", re.IGNORECASE)


def current_standing_queries(source: str) -> list[str]:
    """Conditions on a seat's or affiliation's dates (Membership.ended_on.is_null(),
    Affiliation.started_on <= day, seat["ended_on"] <= today, SQL's "ended_on > ..."), and
    calls of the bare date predicate: all decide what is current, which only
    teams/membership.py may. Selecting, ordering by or writing the columns asks nothing."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        parent = parents.get(node)
        if isinstance(node, ast.Attribute) and node.attr in DATE_COLUMNS and isinstance(node.value, ast.Name) \
                and node.value.id in TABLES_WITH_STANDING:
            compared = isinstance(parent, ast.Compare)
            tested = isinstance(parent, ast.Attribute) and parent.attr in CONDITION_METHODS
            if compared or tested:
                found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
                and node.slice.value in DATE_COLUMNS and isinstance(parent, ast.Compare):
            found.append(f"line {node.lineno}: [{node.slice.value!r}] compared")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and DATE_CONDITION_SQL.search(node.value):
            found.append(f"line {node.lineno}: SQL condition on a seat's dates")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if called in {"is_current", "is_active_on"}:
                found.append(f"line {node.lineno}: {called}()")
    return found


def test_the_standing_scanner_finds_date_conditions_but_not_writes():
    asking = (
        "rows = Membership.select().where(Membership.ended_on.is_null())\n"
        "old = Affiliation.select().where(Affiliation.started_on <= day)\n"
        "if policy.is_current(a, b, c): pass\n"
        "if seat['ended_on'] <= today: pass\n"
        "rows = Membership.raw('SELECT id FROM membership WHERE ended_on IS NULL')\n"
    )
    assert len(current_standing_queries(asking)) == 5
    ending = "await Membership.update({Membership.ended_on: day}).where(Membership.id == 1)\n"
    listing = "Membership.select(Membership.started_on).order_by(Membership.started_on)\n"
    assert current_standing_queries(ending) == current_standing_queries(listing) == []


def test_only_the_membership_module_decides_who_is_current():
    allowed = {SERVER / "teams" / "membership.py"}
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in python_files(SERVER)
        if path not in allowed and (found := current_standing_queries(path.read_text()))
    }
    assert not offenders, offenders


# Layers.


def imported_modules(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def capabilities_imported(source: str) -> set[str]:
    return {name.split(".")[1] for name in imported_modules(source)
            if name.startswith("server.") and name.split(".")[1] in CAPABILITIES}


def test_the_import_scanner_sees_capability_imports():
    assert capabilities_imported("from server.meetings import policy\nimport server.teams.service\n") == {
        "meetings", "teams"}
    assert capabilities_imported("from server import i18n, urls\nfrom server.web import forms\n") == set()


def test_web_imports_no_capability():
    """web/ is below the capabilities: they register what templates need (app.py wires them)."""
    offenders = {str(path.relative_to(ROOT)): found for path in python_files(SERVER / "web")
                 if (found := capabilities_imported(path.read_text()))}
    assert not offenders, offenders


@pytest.mark.parametrize("base", ["clock.py", "i18n.py", "forms.py", "errors.py", "config.py", "tokens.py", "db.py"])
def test_the_base_modules_import_nothing_above_them(base):
    imported = imported_modules((SERVER / base).read_text())
    above = {name for name in imported if name.startswith("server.") and name.split(".")[1] in CAPABILITIES | {"web", "app"}}
    assert not above, above


CASE_TABLE_NAMES = ("server.cases.tables",)


def case_table_imports(source: str) -> set[str]:
    """Imports of the case tables (the module, or a name from it), under any spelling."""
    return {name for name in imported_modules(source) if name.startswith(CASE_TABLE_NAMES)}


def test_the_case_table_scanner_sees_every_way_in():
    assert case_table_imports("from server.cases.tables import CaseEntry\n")
    assert case_table_imports("import server.cases.tables as t\n")
    assert case_table_imports("from server.cases import tables\n")
    assert not case_table_imports("from server.cases import disclosure\n")


def test_only_the_cases_package_reads_case_tables():
    """Case details leave the server only through cases/disclosure.py (CONSENT.md §3): no module
    outside server/cases/ imports the case tables (piccolo_app.py only lists them for migrations)."""
    offenders = {str(path.relative_to(ROOT)): found for path in python_files(SERVER)
                 if SERVER / "cases" not in path.parents and path != SERVER / "piccolo_app.py"
                 and (found := case_table_imports(path.read_text()))}
    assert not offenders, offenders


ENTRY_HOUSEKEEPING = {"storage_key"}  # which stored files are still referenced: no content


def case_entry_reads(source: str) -> list[str]:
    """Selects of case entries that read more than housekeeping columns (line numbers)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "select"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "CaseEntry"):
            columns = {arg.attr for arg in node.args if isinstance(arg, ast.Attribute)}
            if not node.args or len(columns) < len(node.args) or columns - ENTRY_HOUSEKEEPING:
                found.append(f"line {node.lineno}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(
                r"\bFROM\s+case_entry\b", node.value, re.IGNORECASE):
            found.append(f"line {node.lineno}: SQL")
    return found


def test_the_entry_read_scanner_tells_content_from_housekeeping():
    assert case_entry_reads("rows = CaseEntry.select(CaseEntry.body)\n") == ["line 1"]
    assert case_entry_reads("rows = CaseEntry.select()\n") == ["line 1"]
    assert case_entry_reads("x = 'SELECT body FROM case_entry'\n") == ["line 1: SQL"]
    assert case_entry_reads("rows = CaseEntry.select(CaseEntry.storage_key)\n") == []


def test_only_the_disclosure_module_reads_what_case_entries_say():
    """One read path (issue 9): entries are read for showing only in cases/disclosure.py, which
    decides and records; elsewhere in the app only which stored files they keep."""
    offenders = {str(path.relative_to(ROOT)): found for path in python_files(SERVER)
                 if path != SERVER / "cases" / "disclosure.py" and (found := case_entry_reads(path.read_text()))}
    assert not offenders, offenders


def test_policies_are_pure():
    """policy.py: no web framework, no database, no web layer."""
    for path in SERVER.glob("*/policy.py"):
        imported = imported_modules(path.read_text())
        impure = {name for name in imported if name.split(".")[0] in {"litestar", "piccolo"}
                  or name.startswith(("server.web", "server.db")) or name.endswith((".service", ".tables"))}
        assert not impure, (path.name, impure)


# Links.

HARD_CODED_LINK = re.compile(
    r"""(?:href|action|formaction|hx-get|hx-post|hx-put|hx-patch|hx-delete|src|data-[\w-]+-url)\s*=\s*["']/""")


def hard_coded_links(template: str) -> list[str]:
    return [f"line {template[:match.start()].count(chr(10)) + 1}: {match.group(0)}"
            for match in HARD_CODED_LINK.finditer(template)]


def test_the_link_scanner_finds_a_path_written_by_hand():
    assert hard_coded_links('<a href="/teams/{{ team.id }}">x</a>\n<form hx-post="/x">') != []
    assert hard_coded_links("<a href=\"{{ url('team', team_id=team.id) }}\">x</a>") == []


def test_every_internal_link_in_a_template_comes_from_the_url_builder():
    offenders = {str(path.relative_to(ROOT)): found for path in sorted((ROOT / "templates").rglob("*.html"))
                 if (found := hard_coded_links(path.read_text()))}
    assert not offenders, offenders


# Calls whose path arguments declare or match a route rather than link to one.
ROUTE_DECLARATIONS = {"get", "post", "put", "patch", "delete", "route", "websocket", "create_static_files_router",
                      "startswith"}


def route_prefixes() -> tuple[str, ...]:
    """The first segment of every route the app serves: "/teams", "/login", "/static", ..."""
    from server.urls import _learn_routes, _routes

    _learn_routes()
    return tuple(sorted({"/" + template.split("/")[1] for template, _ in _routes.values() if template != "/"}))


def paths_written_by_hand(source: str, prefixes: tuple[str, ...]) -> list[str]:
    """String literals (and f-string openings) that start with one of the app's paths, except
    where a route is declared or matched: a route decorator's path, a controller's `path = ...`,
    a middleware's `path.startswith(...)`."""
    tree = ast.parse(source)
    declared: set[int] = set()  # ids of the constants that declare a route
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ROUTE_DECLARATIONS:
                declared.update(id(n) for arg in [*node.args, *(k.value for k in node.keywords if k.arg == "path")]
                                for n in ast.walk(arg))
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and any(getattr(t, "id", "") == "path" for t in statement.targets):
                    declared.update(id(n) for n in ast.walk(statement.value))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            opening = node.values[0] if node.values else None
            declared.update(id(n) for n in node.values)  # judged here, as the f-string's opening
            if isinstance(opening, ast.Constant) and id(node) not in declared and _is_app_path(opening.value, prefixes):
                found.append(f"line {node.lineno}: f{opening.value!r}…")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in declared:
            if _is_app_path(node.value, prefixes):
                found.append(f"line {node.lineno}: {node.value!r}")
    return sorted(found, key=lambda line: int(line.split(":")[0].removeprefix("line ")))


def _is_app_path(text: str, prefixes: tuple[str, ...]) -> bool:
    return any(text == prefix or text.startswith((prefix + "/", prefix + "?")) for prefix in prefixes)


def test_the_path_scanner_finds_a_path_written_by_hand():
    prefixes = ("/teams", "/logout")
    assert paths_written_by_hand('redirect("/teams/1")\nx = f"/teams/{i}/roster"\ny = "/logout"', prefixes) == [
        "line 1: '/teams/1'", "line 2: f'/teams/'…", "line 3: '/logout'"]
    declared = 'class C(Controller):\n    path = "/teams"\n    @get("/teams/{id:int}")\n    def f(self): ...\n'
    assert paths_written_by_hand(declared + 'router = create_static_files_router(path="/teams")', prefixes) == []
    assert paths_written_by_hand('cookie(path="/")\nz = "/teamsters"\nscope["path"].startswith("/teams/")', prefixes) == []


def test_no_controller_or_service_writes_a_path_by_hand():
    prefixes = route_prefixes()
    assert {"/teams", "/meetings", "/login", "/logout", "/set-password", "/static"} <= set(prefixes), prefixes
    offenders = {str(path.relative_to(ROOT)): found for path in python_files(SERVER)
                 if path != SERVER / "urls.py" and (found := paths_written_by_hand(path.read_text(), prefixes))}
    assert not offenders, offenders
