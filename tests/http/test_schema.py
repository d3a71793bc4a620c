"""The schema the migration files build is the schema the Piccolo table classes declare.

How: two fresh databases on the same engine. One is built the way production builds it,
by the real `convene migrate` command; the other straight from
`APP_CONFIG.table_classes` with Piccolo's `create_db_tables` (the same
`Table.create_table()` DDL, indexes included, that Piccolo would run for those classes).
Both are read back through the engine's catalogue (SQLite PRAGMAs; PostgreSQL's
information_schema and pg_catalog) into one plain description: per table, per column,
its type (with varchar length), nullability, default, primary key, uniqueness, index
(name and method) and foreign key (target, ON DELETE, ON UPDATE), plus anything that
does not fit a single column (multi-column, partial or expression indexes; on PostgreSQL
also CHECK and exclusion constraints, which SQLite's PRAGMAs do not show). The two
descriptions must be equal, tables and columns included both ways; every difference is
listed in one message.

Why two databases rather than expectations written from the column metadata: the engine
itself renders the types and defaults ("VARCHAR(200)" on SQLite, "character varying"
with length 200, "timestamp with time zone", nextval(...) for SERIAL on PostgreSQL), so
the comparison is exact on each engine without this test re-implementing Piccolo's
type mapping, and it also covers defaults and index methods. To keep that from passing
vacuously (two empty or equally misread catalogues), the database built from the
classes is first checked against the metadata itself (`_meta.tablename`, the columns'
`db_column_name`, `null`, `primary_key`, `unique`, `index`/`index_method`, Varchar
`length`, foreign-key target and actions, Piccolo's index name `<table>_<column>`).

A failure here means the migrations and the table classes have drifted: the fix is a
new migration, never an edit to an old one. Piccolo's own `migration` table is ignored.
"""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
import subprocess
import sys
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, fields
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from piccolo.columns import ForeignKey, Varchar

from server.piccolo_app import APP_CONFIG
from tests.conftest import POSTGRES_SERVER, ROOT, WORK_DIR
from tests.http.test_migrations import convene

PICCOLO_OWN_TABLES = {"migration"}


@dataclass(frozen=True)
class ColumnShape:
    type: str | None  # as the engine reports it: "VARCHAR" (SQLite) or "character varying" (PostgreSQL)
    length: int | None  # a varchar's length
    nullable: bool
    default: str | None  # as the engine reports it
    primary_key: bool
    unique: bool  # a single-column UNIQUE constraint or unique index (the primary key aside)
    index: str | None  # the plain single-column index on it: "meeting_uid USING btree"
    references: str | None  # "team.id ON DELETE CASCADE ON UPDATE CASCADE"


@dataclass
class TableShape:
    columns: dict[str, ColumnShape]
    other: set[str]  # what belongs to no single column: multi-column, partial or expression indexes...


Schema = dict[str, TableShape]

# What the metadata alone can say, engine-independently (types and defaults are the engine's words).
DECLARED_ASPECTS = ("length", "nullable", "primary_key", "unique", "index", "references")
ALL_ASPECTS = tuple(field.name for field in fields(ColumnShape))


def describe(aspect: str, value) -> str:
    if aspect == "type":
        return f"type {value}"
    if aspect == "length":
        return f"length {value}" if value is not None else "no length"
    if aspect == "nullable":
        return "nullable" if value else "not null"
    if aspect == "default":
        return f"default {value}" if value is not None else "no default"
    if aspect == "primary_key":
        return "primary key" if value else "not the primary key"
    if aspect == "unique":
        return "unique" if value else "not unique"
    if aspect == "index":
        return f"index {value}" if value else "no index"
    if aspect == "references":
        return f"foreign key to {value}" if value else "no foreign key"
    raise AssertionError(aspect)


@dataclass(frozen=True)
class Sides:
    """How the message names each side of a comparison."""

    actual_gives: str  # "migrations give"
    expected_gives: str
    only_actual: str  # "only in the migrations"
    only_expected: str


def differences(actual: Schema, expected: Schema, sides: Sides, aspects: tuple[str, ...],
                compare_other: bool = True) -> list[str]:
    problems = []
    for table in sorted(actual.keys() | expected.keys()):
        if table not in actual:
            problems.append(f"table {table}: {sides.only_expected}")
            continue
        if table not in expected:
            problems.append(f"table {table}: {sides.only_actual}")
            continue
        mine, theirs = actual[table].columns, expected[table].columns
        for column in sorted(mine.keys() | theirs.keys()):
            where = f"table {table}, column {column}"
            if column not in mine:
                problems.append(f"{where}: {sides.only_expected}")
            elif column not in theirs:
                problems.append(f"{where}: {sides.only_actual}")
            else:
                for aspect in aspects:
                    got, wanted = getattr(mine[column], aspect), getattr(theirs[column], aspect)
                    if got != wanted:
                        problems.append(f"{where}: {sides.actual_gives} {describe(aspect, got)}, "
                                        f"{sides.expected_gives} {describe(aspect, wanted)}")
        if compare_other:
            for item in sorted(actual[table].other - expected[table].other):
                problems.append(f"table {table}: {item}: {sides.only_actual}")
            for item in sorted(expected[table].other - actual[table].other):
                problems.append(f"table {table}: {item}: {sides.only_expected}")
    return problems


def declared_schema() -> Schema:
    """What the table classes declare, in the terms the metadata itself uses."""
    schema: Schema = {}
    for table in APP_CONFIG.table_classes:
        tablename = table._meta.tablename
        columns = {}
        for column in table._meta.columns:
            name = column._meta.db_column_name
            references = None
            if isinstance(column, ForeignKey):
                meta = column._foreign_key_meta
                references = (
                    f"{meta.resolved_references._meta.tablename}."
                    f"{meta.resolved_target_column._meta.db_column_name}"
                    f" ON DELETE {meta.on_delete.value} ON UPDATE {meta.on_update.value}"
                )
            columns[name] = ColumnShape(
                type=None,
                length=column.length if isinstance(column, Varchar) else None,
                nullable=column._meta.null,
                default=None,
                primary_key=column._meta.primary_key,
                unique=column._meta.unique,
                index=(f"{table._get_index_name([name])} USING {column._meta.index_method.value}"
                       if column._meta.index else None),
                references=references,
            )
        schema[tablename] = TableShape(columns=columns, other=set())
    return schema


# ---------------------------------------------------------------------------------------
# SQLite

SQLITE_TYPE = re.compile(r"^(?P<type>.*?)\s*\(\s*(?P<length>\d+)\s*\)$")


def sqlite_schema(path) -> Schema:
    schema: Schema = {}
    with closing(sqlite3.connect(path)) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            if table in PICCOLO_OWN_TABLES:
                continue
            unique, index, other = set(), {}, set()
            for _, name, is_unique, origin, partial in connection.execute(f'PRAGMA index_list("{table}")'):
                if origin == "pk":
                    continue
                indexed = tuple(row[2] for row in connection.execute(f'PRAGMA index_info("{name}")'))
                if len(indexed) != 1 or None in indexed or partial:
                    kind = "unique index" if is_unique else "index"
                    partial_note = " (partial)" if partial else ""
                    other.add(f"{kind} {name} on ({', '.join(map(str, indexed))}){partial_note}")
                elif is_unique:
                    unique.add(indexed[0])
                else:
                    # SQLite has only b-tree indexes.
                    index.setdefault(indexed[0], []).append(f"{name} USING btree")
            references = {}
            by_id: dict[int, list] = {}
            for key_id, _, target, source, target_column, on_update, on_delete, _ in connection.execute(
                    f'PRAGMA foreign_key_list("{table}")'):
                by_id.setdefault(key_id, []).append((target, source, target_column, on_update, on_delete))
            for parts in by_id.values():
                if len(parts) != 1:
                    other.add(f"foreign key ({', '.join(p[1] for p in parts)}) to {parts[0][0]}")
                    continue
                target, source, target_column, on_update, on_delete = parts[0]
                references[source] = (f"{target}.{target_column}"
                                      f" ON DELETE {on_delete} ON UPDATE {on_update}")
            columns = {}
            for _, name, declared, notnull, default, pk in connection.execute(f'PRAGMA table_info("{table}")'):
                match = SQLITE_TYPE.match(declared)
                columns[name] = ColumnShape(
                    type=match["type"] if match else declared,
                    length=int(match["length"]) if match else None,
                    nullable=not notnull,
                    default=default,
                    primary_key=bool(pk),
                    unique=name in unique,
                    index=", ".join(sorted(index.get(name, []))) or None,
                    references=references.get(name),
                )
            schema[table] = TableShape(columns=columns, other=other)
    return schema


# ---------------------------------------------------------------------------------------
# PostgreSQL

PG_COLUMNS = """
    SELECT c.table_name, c.column_name, c.data_type, c.character_maximum_length,
           c.is_nullable, c.column_default
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
"""

PG_INDEXES = """
    SELECT t.relname AS table_name, i.relname AS index_name, x.indisunique, x.indisprimary,
           am.amname AS method, x.indpred IS NOT NULL AS partial, x.indexprs IS NOT NULL AS expression,
           ARRAY(SELECT a.attname FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                 ORDER BY k.n)::text[] AS columns,
           pg_get_indexdef(x.indexrelid) AS definition
    FROM pg_index x
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_am am ON am.oid = i.relam
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = 'public'
"""

PG_CONSTRAINTS = """
    SELECT t.relname AS table_name, c.conname, c.contype::text, f.relname AS target,
           ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                 ORDER BY k.n)::text[] AS columns,
           ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
                 ORDER BY k.n)::text[] AS target_columns,
           c.confdeltype::text, c.confupdtype::text, pg_get_constraintdef(c.oid) AS definition
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    LEFT JOIN pg_class f ON f.oid = c.confrelid
    WHERE n.nspname = 'public' AND c.contype IN ('f', 'c', 'x')
"""

PG_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


async def postgres_schema(url: str) -> Schema:
    connection = await asyncpg.connect(url)
    try:
        table_rows = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        column_rows = await connection.fetch(PG_COLUMNS)
        index_rows = await connection.fetch(PG_INDEXES)
        constraint_rows = await connection.fetch(PG_CONSTRAINTS)
    finally:
        await connection.close()

    primary, unique, index, other, references = set(), set(), {}, {}, {}
    for row in index_rows:
        table, columns = row["table_name"], row["columns"]
        if row["indisprimary"] and len(columns) == 1:
            primary.add((table, columns[0]))
        elif len(columns) != 1 or row["partial"] or row["expression"]:
            other.setdefault(table, set()).add(row["definition"])
        elif row["indisunique"]:
            unique.add((table, columns[0]))
        else:
            index.setdefault((table, columns[0]), []).append(f"{row['index_name']} USING {row['method']}")
    for row in constraint_rows:
        table = row["table_name"]
        if row["contype"] == "f" and len(row["columns"]) == 1:
            references[(table, row["columns"][0])] = (
                f"{row['target']}.{row['target_columns'][0]}"
                f" ON DELETE {PG_ACTIONS[row['confdeltype']]} ON UPDATE {PG_ACTIONS[row['confupdtype']]}"
            )
        else:
            other.setdefault(table, set()).add(f"constraint {row['conname']} {row['definition']}")

    schema: Schema = {
        row["tablename"]: TableShape(columns={}, other=other.get(row["tablename"], set()))
        for row in table_rows if row["tablename"] not in PICCOLO_OWN_TABLES
    }
    for row in column_rows:
        table, name = row["table_name"], row["column_name"]
        if table in PICCOLO_OWN_TABLES:
            continue
        schema[table].columns[name] = ColumnShape(
            type=row["data_type"],
            length=row["character_maximum_length"],
            nullable=row["is_nullable"] == "YES",
            default=row["column_default"],
            primary_key=(table, name) in primary,
            unique=(table, name) in unique,
            index=", ".join(sorted(index.get((table, name), []))) or None,
            references=references.get((table, name)),
        )
    return schema


@asynccontextmanager
async def fresh_postgres_database(purpose: str):
    name = f"convene_schema_{purpose}_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(POSTGRES_SERVER)
    await admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(POSTGRES_SERVER)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


# ---------------------------------------------------------------------------------------
# Building the two databases, and the comparison both tests share

BUILD_FROM_TABLE_CLASSES = (
    "from piccolo.table import create_db_tables_sync\n"
    "from server.piccolo_app import APP_CONFIG\n"
    "create_db_tables_sync(*APP_CONFIG.table_classes)\n"
)


def run_the_migrations(database_url: str) -> None:
    result = convene(database_url, "migrate")
    assert result.returncode == 0, result.stdout + result.stderr


def build_from_the_table_classes(database_url: str) -> None:
    """Piccolo's own CREATE TABLE and CREATE INDEX for the classes, in a process of its own
    (so it gets an engine for this database, not the one the test session uses)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run([sys.executable, "-c", BUILD_FROM_TABLE_CLASSES], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


FROM_CLASSES_VS_DECLARED = Sides(
    actual_gives="the database built from the table classes gives",
    expected_gives="the table class declares",
    only_actual="only in the database built from the table classes",
    only_expected="declared by a table class but missing from the database built from the classes",
)
MIGRATED_VS_FROM_CLASSES = Sides(
    actual_gives="migrations give",
    expected_gives="table classes give",
    only_actual="only in the migrations (no table class declares it)",
    only_expected="only in the table classes (no migration creates it)",
)


def assert_the_migrated_schema_matches(migrated: Schema, from_classes: Schema) -> None:
    misread = differences(from_classes, declared_schema(), FROM_CLASSES_VS_DECLARED, DECLARED_ASPECTS,
                          compare_other=False)
    assert not misread, (
        "this test misreads the catalogue: the database built straight from the table classes "
        "does not show what they declare:\n" + "\n".join(misread)
    )
    drift = differences(migrated, from_classes, MIGRATED_VS_FROM_CLASSES, ALL_ASPECTS)
    assert not drift, (
        f"the migrations build a different schema from the table classes ({len(drift)} "
        "differences; the fix is a new migration):\n" + "\n".join(drift)
    )


def test_the_migrated_sqlite_schema_matches_the_table_classes():
    token = secrets.token_hex(4)
    migrated = WORK_DIR / f"migrated-{token}.sqlite3"
    from_classes = WORK_DIR / f"classes-{token}.sqlite3"
    run_the_migrations(f"sqlite:///{migrated}")
    build_from_the_table_classes(f"sqlite:///{from_classes}")
    assert_the_migrated_schema_matches(sqlite_schema(migrated), sqlite_schema(from_classes))


@pytest.mark.skipif(not POSTGRES_SERVER, reason="set CONVENE_TEST_POSTGRES_URL to run on PostgreSQL")
async def test_the_migrated_postgresql_schema_matches_the_table_classes():
    async with fresh_postgres_database("migrated") as migrated, \
            fresh_postgres_database("classes") as from_classes:
        run_the_migrations(migrated)
        build_from_the_table_classes(from_classes)
        assert_the_migrated_schema_matches(await postgres_schema(migrated),
                                           await postgres_schema(from_classes))
