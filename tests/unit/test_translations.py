"""The Spanish catalog keeps up with the English source strings.

Messages are extracted afresh from the source tree with babel.cfg (the file
`bash scripts/messages.sh` uses), so a new `_("...")` without a Spanish translation fails
here, before anyone sees English on a Spanish page. To fix a failure: run
`bash scripts/messages.sh`, then translate the listed strings in
locale/es/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from server import i18n

ROOT = Path(__file__).resolve().parents[2]
MAPPING_FILE = ROOT / "babel.cfg"
SPANISH_PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "messages.po"
# scripts/messages.sh runs `pybabel extract -k N_`: babel's default keywords (_, gettext,
# ngettext, ...) plus N_. (babel.cfg names them per file type too; babel 2.18 merges those in.)
COMMAND_LINE_KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
FIX = "run `bash scripts/messages.sh`, then translate these in locale/es/LC_MESSAGES/messages.po"


def extract_source_messages(root: Path = ROOT) -> dict[str | tuple[str, ...], list[str]]:
    """Every msgid in the source tree (a tuple for plurals), with the places it occurs."""
    with MAPPING_FILE.open() as mapping:
        method_map, options_map = parse_mapping_cfg(mapping, str(MAPPING_FILE))
    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root), method_map, options_map, keywords=COMMAND_LINE_KEYWORDS
    ):
        msgid = message if isinstance(message, str) else tuple(message)
        found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def read_catalog(path: Path = SPANISH_PO) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, locale="es")


def msgid_key(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def forms(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def untranslated(source: dict, catalog: Catalog) -> list[str]:
    """Source messages the catalog lacks, leaves empty (any plural form) or marks fuzzy."""
    problems = []
    for msgid, places in sorted(source.items(), key=lambda item: str(item[0])):
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = catalog.get(key)
        if message is None:
            reason = "missing"
        elif isinstance(msgid, tuple) and not message.pluralizable:
            reason = "plural in the source, singular in the catalog"
        elif message.fuzzy:
            reason = "fuzzy"
        elif not all(form.strip() for form in forms(message)):
            reason = "empty"
        else:
            continue
        problems.append(f"{msgid!r} ({reason}; {places[0]})")
    return problems


@pytest.fixture(scope="module")
def source_messages() -> dict:
    return extract_source_messages()


@pytest.fixture(scope="module")
def spanish() -> Catalog:
    return read_catalog()


def test_extraction_finds_python_template_macro_and_plural_strings(source_messages):
    """Guards the other tests against passing vacuously (a babel.cfg typo extracts nothing)."""
    assert "Log in" in source_messages  # _() in a template block
    assert "required" in source_messages  # _() inside a {% macro %}
    assert "Skip to main content" in source_messages  # base.html, outside any block
    assert "Choose a sector." in source_messages  # N_() in Python
    assert any(isinstance(msgid, tuple) for msgid in source_messages)  # ngettext
    assert all(msgid for msgid in source_messages)  # _(variable) is skipped, never ""


def test_every_source_string_has_a_spanish_translation(source_messages, spanish):
    problems = untranslated(source_messages, spanish)
    assert not problems, f"{len(problems)} strings lack Spanish ({FIX}):\n" + "\n".join(problems)


def test_a_new_untranslated_string_is_reported(tmp_path, spanish):
    """The check above fails for a string added without a translation, in code or template."""
    (tmp_path / "server").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "server" / "new.py").write_text(
        'from server.i18n import N_, gettext\n'
        'LABEL = N_("A brand-new label")\n'
        'gettext("Log in")\n'
    )
    (tmp_path / "templates" / "new.html").write_text(
        '{% block content %}<p>{{ _("A brand-new sentence.") }}</p>'
        '{{ ngettext("%(num)s new thing", "%(num)s new things", 2) }}{% endblock %}\n'
    )
    problems = untranslated(extract_source_messages(tmp_path), spanish)
    assert sorted(problem.split(" (")[0] for problem in problems) == [
        "'A brand-new label'",
        "'A brand-new sentence.'",
        "('%(num)s new thing', '%(num)s new things')",
    ]


def test_spanish_translations_keep_every_placeholder(spanish):
    problems = []
    for message in spanish:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set().union(*(PLACEHOLDER_RE.findall(msgid) for msgid in ids))
        for index, form in enumerate(forms(message)):
            if form and set(PLACEHOLDER_RE.findall(form)) != expected:
                problems.append(f"{message.id!r} → msgstr[{index}] {form!r}")
    assert not problems, "placeholders differ from the English:\n" + "\n".join(problems)


def test_spanish_translations_format_without_errors(spanish):
    """A stray % or a mistyped placeholder would raise when the page is rendered."""
    problems = []
    for message in spanish:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        names = set().union(*(PLACEHOLDER_RE.findall(msgid) for msgid in ids))
        values = {name: "x" for name in names} | {"num": 2}
        for form in forms(message):
            try:
                form % values
            except (KeyError, ValueError, TypeError) as error:
                problems.append(f"{form!r}: {error!r}")
    assert not problems, "\n".join(problems)


def test_spanish_catalog_has_no_obsolete_entries(source_messages, spanish):
    source_ids = {msgid[0] if isinstance(msgid, tuple) else msgid for msgid in source_messages}
    stale = sorted(repr(message.id) for message in spanish if message.id and msgid_key(message) not in source_ids)
    assert not stale, "no longer in the source (run `bash scripts/messages.sh`):\n" + "\n".join(stale)
    assert not spanish.obsolete, f"obsolete #~ entries: {sorted(spanish.obsolete)}"


def test_spanish_catalog_header():
    header = dict(
        re.findall(r'^"([\w-]+): (.*?)\\n"$', SPANISH_PO.read_text(encoding="utf-8"), flags=re.MULTILINE)
    )
    assert header["Language"] == "es"
    assert header["Content-Type"].lower().replace(" ", "") == "text/plain;charset=utf-8"
    assert header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


def test_gettext_speaks_spanish_when_the_request_language_is_spanish():
    token = i18n.current_language.set("es")
    try:
        assert i18n.gettext("Log in") == "Iniciar sesión"
        assert i18n.gettext("Edit %(name)s", name="CPS") == "Editar CPS"
        assert i18n.ngettext("%(num)s member", "%(num)s members", 1) == "1 integrante"
        assert i18n.ngettext("%(num)s member", "%(num)s members", 3) == "3 integrantes"
    finally:
        i18n.current_language.reset(token)


def test_gettext_speaks_english_otherwise():
    assert i18n.current_language.get() == "en"
    assert i18n.gettext("Log in") == "Log in"
    assert i18n.ngettext("%(num)s member", "%(num)s members", 3) == "3 members"
    token = i18n.current_language.set("fr")  # no catalog: the English source
    try:
        assert i18n.gettext("Log in") == "Log in"
    finally:
        i18n.current_language.reset(token)
