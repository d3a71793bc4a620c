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
CAPABILITIES = {"accounts", "actions", "agencies", "meetings", "people", "teams"}
TABLES_WITH_STANDING = {"Membership", "Affiliation"}
DATE_COLUMNS = {"started_on", "ended_on"}


def python_files(*folders: Path) -> list[Path]:
    return sorted(path for folder in folders for path in folder.rglob("*.py") if "migrations" not in path.parts)


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


# The clock.

WALL_CLOCK_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
                    ("time", "time"), ("time", "localtime"), ("time", "gmtime")}
SQL = re.compile(r"\b(?:SELECT|UPDATE|INSERT|DELETE|WHERE|DEFAULT)\b")
SQL_NOW = re.compile(r"\bnow\s*\(\s*\)|\b(?:CURRENT_TIMESTAMP|CURRENT_DATE|LOCALTIMESTAMP)\b", re.IGNORECASE)


def wall_clock_reads(source: str) -> list[str]:
    """Calls that read the wall clock (datetime.now(), date.today(), time.time(), …) and SQL
    strings that ask the database for the time."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            if (name, node.func.attr) in WALL_CLOCK_CALLS:
                found.append(f"line {node.lineno}: {name}.{node.func.attr}()")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_NOW.search(node.value) \
                and SQL.search(node.value):
            found.append(f"line {node.lineno}: SQL reads the database's clock")
    return found


def test_the_clock_scanner_finds_every_way_of_reading_the_time():
    snippet = (
        "from datetime import date, datetime\nimport time\n"
        "a = datetime.now()\nb = date.today()\nc = time.time()\nd = 'SELECT now()'\n"
        "import datetime as dt\ne = dt.datetime.utcnow()\n"
    )
    assert len(wall_clock_reads(snippet)) == 5
    assert wall_clock_reads("from server import clock\nx = clock.now()\n") == []


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


def current_standing_queries(source: str) -> list[str]:
    """Conditions on a seat's or affiliation's dates (Membership.ended_on.is_null(),
    Affiliation.started_on <= day, …), and calls of the bare date predicate: both decide what is
    current, which only teams/membership.py may. Selecting, ordering by or writing the columns
    asks nothing."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in DATE_COLUMNS and isinstance(node.value, ast.Name) \
                and node.value.id in TABLES_WITH_STANDING:
            parent = parents.get(node)
            compared = isinstance(parent, ast.Compare)
            tested = isinstance(parent, ast.Attribute) and parent.attr in CONDITION_METHODS
            if compared or tested:
                found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
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
    )
    assert len(current_standing_queries(asking)) == 3
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


def test_policies_are_pure():
    """policy.py: no web framework, no database, no web layer."""
    for path in SERVER.glob("*/policy.py"):
        imported = imported_modules(path.read_text())
        impure = {name for name in imported if name.split(".")[0] in {"litestar", "piccolo"}
                  or name.startswith(("server.web", "server.db")) or name.endswith((".service", ".tables"))}
        assert not impure, (path.name, impure)


# Links.

HARD_CODED_LINK = re.compile(r'(?:href|action|formaction|hx-get|hx-post|hx-put|hx-delete|src|data-[\w-]+-url)="/')


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


def test_no_controller_or_service_writes_a_path_by_hand():
    literal_path = re.compile(r"""(?<![\w@.])(?:f?["'])/(?:teams|meetings|actions|people|agencies|account|login)\b""")
    offenders = {}
    for path in python_files(SERVER):
        lines = [f"line {n}: {line.strip()}" for n, line in enumerate(path.read_text().splitlines(), 1)
                 if literal_path.search(line) and "path =" not in line and "@get(" not in line and "@post(" not in line]
        if lines:
            offenders[str(path.relative_to(ROOT))] = lines
    assert not offenders, offenders
