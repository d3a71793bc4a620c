"""Page throughput as a ratio to a reference page (DESIGN.md §5), on SQLite and PostgreSQL,
on the demo county and on the target region.

    .venv/bin/python scripts/benchmark.py [--engine sqlite|postgres|both] [--dataset demo|region|both]
                                          [--seconds 10] [--connections 8]

For each engine and dataset: a fresh database (a temporary SQLite file, or a new PostgreSQL
database on CONVENE_BENCH_POSTGRES_URL, dropped afterwards), built with `convene migrate`,
`convene demo` and scripts/region.py; one uvicorn worker serving scripts/bench_app.py; then
wrk loads each page as chair@maple.example. Throughput is divided by the reference page's
(scripts/bench_app.py) measured in the same run, first and last, so the ratios hold across
machines. Prints Markdown (progress goes to stderr). Needs wrk: apt-get install -y wrk.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from server import clock

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's bin: convene and uvicorn live beside this python
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
EMAIL, PASSWORD = "chair@maple.example", "maple-demo-2026"
WARM_UP_SECONDS = 2
ENGINES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
GOAL_MEETING, GOAL_POLL, GOAL_REGION = 0.5, 1.0, 1.5

# wrk counts only 4xx/5xx as errors; a redirect to /login would pass unnoticed. This script
# counts every response whose status is not the one expected (given after `--`).
WRK_SCRIPT = """\
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) expected = tonumber(args[1]); unexpected = 0; last = 0 end
function response(status, headers, body)
  if status ~= expected then unexpected = unexpected + 1; last = status end
end
function done(summary, latency, requests)
  local count, status = 0, 0
  for _, thread in ipairs(threads) do
    count = count + thread:get("unexpected")
    if thread:get("last") ~= 0 then status = thread:get("last") end
  end
  io.write(string.format("unexpected-status: %d %d\\n", count, status))
end
"""


class BenchmarkError(RuntimeError):
    """Something that makes the numbers meaningless: stop and say what."""


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Page:
    name: str
    path: str
    status: int = 200


@dataclass
class Run:
    engine: str
    dataset: str
    phases: dict[str, float] = field(default_factory=dict)  # seconds
    region: dict = field(default_factory=dict)  # what region.py reported
    rps: dict[str, float] = field(default_factory=dict)
    reference: list[float] = field(default_factory=list)  # first and last

    @property
    def label(self) -> str:
        return f"{ENGINES[self.engine]} {self.dataset}"

    @property
    def reference_rps(self) -> float:
        return sum(self.reference) / len(self.reference)

    def ratio(self, page: str) -> float:
        return self.rps[page] / self.reference_rps


def pages(ids: dict) -> list[Page]:
    meeting, team = ids["meeting_id"], ids["collab_id"]
    return [
        Page("home", "/"),
        Page("roster", f"/teams/{team}/roster"),
        Page("meeting list", f"/teams/{team}/meetings"),
        Page("meeting page (60 items)", f"/meetings/{meeting}"),
        Page("live view", f"/meetings/{meeting}/live"),
        Page("poll (unchanged)", f"/meetings/{meeting}/live/panel?v={ids['live_version']}", 204),
        Page("my action items", "/actions"),
    ]


REFERENCE = Page("reference", "/_bench/reference")


# Databases.


@contextmanager
def fresh_database(engine: str, workdir: Path) -> Iterator[str]:
    """A new, empty database; its URL. PostgreSQL databases are dropped afterwards."""
    if engine == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    server_url = os.environ.get("CONVENE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    name = f"convene_bench_{secrets.token_hex(6)}"
    asyncio.run(_postgres(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield urlsplit(server_url)._replace(path=f"/{name}").geturl()
    finally:
        asyncio.run(_postgres(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _postgres(url: str, statement: str) -> str:
    import asyncpg  # Piccolo's PostgreSQL driver, already in the venv

    try:
        connection = await asyncpg.connect(url)
    except (OSError, asyncpg.PostgresError) as problem:
        raise BenchmarkError(f"cannot reach PostgreSQL at {url} ({problem}); "
                             "set CONVENE_BENCH_POSTGRES_URL") from None
    try:
        await connection.execute(statement)
        return await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()


def environment(database_url: str, base_url: str = "http://127.0.0.1:8000") -> dict[str, str]:
    # Production settings (no debug, no generated var/secret_key); a throwaway secret per run.
    return {**os.environ, "DATABASE_URL": database_url, "CONVENE_ENV": "production",
            "CONVENE_SECRET_KEY": secrets.token_urlsafe(36), "CONVENE_BASE_URL": base_url,
            "CONVENE_ALLOW_HTTP": "1"}  # a local plain-HTTP server, on purpose


def command(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchmarkError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


def build(run: Run, database_url: str) -> dict:
    """Schema, demo, then the benchmark data; the ids the pages need."""
    env = environment(database_url)
    for phase, args in (("migrate", [str(BIN / "convene"), "migrate"]), ("demo", [str(BIN / "convene"), "demo"])):
        started = time.perf_counter()
        command(args, env)
        run.phases[phase] = time.perf_counter() - started
    started = time.perf_counter()
    extra = ["--region"] if run.dataset == "region" else []
    output = command([sys.executable, str(ROOT / "scripts" / "region.py"), "--database-url", database_url, *extra], env)
    run.phases["region.py" if extra else "live meeting"] = time.perf_counter() - started
    if run.engine == "postgres":
        # Statistics, as autovacuum keeps them in production (a test server may run without it):
        # tables never analysed get guessed row counts, and plans that scan whole tables.
        started = time.perf_counter()
        asyncio.run(_postgres(database_url, "ANALYZE"))
        run.phases["analyze"] = time.perf_counter() - started
    ids = json.loads(output.strip().splitlines()[-1])
    run.region = ids.get("region", {})
    return ids


# Serving.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(database_url: str, workdir: Path) -> Iterator[str]:
    """One uvicorn worker on a free port, until /login answers; its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = workdir / "uvicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "scripts.bench_app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--workers", "1", "--log-level", "warning", "--no-access-log"],
            cwd=ROOT, env=environment(database_url, base), stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise BenchmarkError(f"uvicorn exited ({server.returncode}):\n{log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise BenchmarkError(f"uvicorn did not answer /login within 60 s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        try:
            yield base
        except BenchmarkError as problem:  # the server's traceback says why a page failed
            raise BenchmarkError(f"{problem}\n--- end of the server log ---\n{log_path.read_text()[-3000:]}") from None
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def log_in(base: str) -> str:
    """Logs the chair in; the Cookie header that carries the session (and the CSRF cookie)."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=10) as client:
        page = client.get("/login")
        token = re.search(r'name="_csrf_token"\s+value="([^"]+)"', page.text) or re.search(
            r'value="([^"]+)"\s+name="_csrf_token"', page.text)
        if token is None:
            raise BenchmarkError("the login page has no _csrf_token field")
        answer = client.post("/login", data={"email": EMAIL, "password": PASSWORD, "_csrf_token": token.group(1)})
        if "convene_session" not in client.cookies:
            raise BenchmarkError(f"logging in as {EMAIL} failed: {answer.status_code} {answer.text[:300]}")
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def check(base: str, cookie: str, targets: list[Page]) -> None:
    """Every page answers as expected once, before any load (wrk alone would not notice a redirect)."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=60, headers={"Cookie": cookie}) as client:
        for page in targets:
            answer = client.get(page.path)
            where = answer.headers.get("location", "")
            if answer.is_redirect and "/login" in where:
                raise BenchmarkError(f"{page.name} ({page.path}) redirects to {where}: the session was not accepted")
            if answer.status_code != page.status:
                raise BenchmarkError(f"{page.name} ({page.path}) answered {answer.status_code}, "
                                     f"expected {page.status}: {answer.text[:500]}")
            if page is REFERENCE and answer.text.count("<tr><td>") != 60:
                raise BenchmarkError("the reference page does not show 60 rows")


# Load.


def wrk(url: str, cookie: str, seconds: int, connections: int, expected: int, script: Path) -> float:
    """Requests per second; raises on socket errors or any response that is not `expected`."""
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-H", f"Cookie: {cookie}",
            "-s", str(script), url, "--", str(expected)]
    result = subprocess.run(args, capture_output=True, text=True)
    out = result.stdout + result.stderr
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if result.returncode != 0 or rate is None:
        raise BenchmarkError(f"wrk failed on {url}:\n{out}")
    problems = []
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        problems.append(f"socket errors: {match.group(0)}")
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        problems.append(f"{match.group(1)} non-2xx/3xx responses")
    match = re.search(r"unexpected-status: (\d+) (\d+)", out)
    if match is None:
        raise BenchmarkError(f"wrk's status check did not report on {url}:\n{out}")
    if int(match.group(1)):
        problems.append(f"{match.group(1)} responses with status {match.group(2)} instead of {expected}")
    if problems:
        raise BenchmarkError(f"{url}: " + "; ".join(problems) + f"\n{out}")
    return float(rate.group(1))


def measure(run: Run, base: str, cookie: str, targets: list[Page], args: argparse.Namespace, script: Path) -> None:
    # The reference first and last: the difference shows how noisy this machine is right now.
    for page in [REFERENCE, *targets, REFERENCE]:
        url = base + page.path
        wrk(url, cookie, WARM_UP_SECONDS, args.connections, page.status, script)
        rate = wrk(url, cookie, args.seconds, args.connections, page.status, script)
        if page is REFERENCE:
            run.reference.append(rate)
        else:
            run.rps[page.name] = rate
        progress(f"  {page.name}: {rate:,.0f} req/s")


def benchmark(run: Run, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="convene-bench-") as tmp:
        workdir = Path(tmp)
        script = workdir / "status.lua"
        script.write_text(WRK_SCRIPT)
        with fresh_database(run.engine, workdir) as database_url:
            progress(f"{run.label}: building the database")
            ids = build(run, database_url)
            started = time.perf_counter()
            with serve(database_url, workdir) as base:
                run.phases["server start"] = time.perf_counter() - started
                cookie = log_in(base)
                targets = pages(ids)
                check(base, cookie, [REFERENCE, *targets])
                progress(f"{run.label}: loading each page for {args.seconds} s")
                started = time.perf_counter()
                measure(run, base, cookie, targets, args, script)
                run.phases["load"] = time.perf_counter() - started


# Output.


def rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def run_table(run: Run, names: list[str]) -> str:
    phases = " · ".join(f"{name} {seconds:.1f} s" for name, seconds in run.phases.items())
    first, last = run.reference
    spread = abs(first - last) / run.reference_rps * 100
    lines = [f"### {run.label}", "", f"Phases: {phases}."]
    if run.region:
        totals = ", ".join(f"{value:,} {name.replace('_', ' ')}" for name, value in run.region["totals"].items())
        lines.append(f"Region: {totals}.")
    lines += ["", "| page | req/s | ratio to reference |", "| --- | ---: | ---: |",
              f"| reference | {rate(run.reference_rps)} | 1.00 |"]
    lines += [f"| {name} | {rate(run.rps[name])} | {run.ratio(name):.2f} |" for name in names]
    lines += ["", f"Reference: {rate(first)} req/s first, {rate(last)} req/s last (spread {spread:.1f} %)."]
    return "\n".join(lines)


def summary(runs: list[Run], names: list[str]) -> str:
    by_key = {(run.engine, run.dataset): run for run in runs}
    columns = [(engine, dataset) for engine in ENGINES for dataset in ("demo", "region")]

    def row(label: str, value) -> str:
        cells = [value(by_key[key]) if key in by_key else "—" for key in columns]
        return f"| {label} | " + " | ".join(cells) + " |"

    lines = ["### Throughput as a ratio to the reference page", "",
             "| page | " + " | ".join(f"{ENGINES[e]} {d}" for e, d in columns) + " |",
             "| --- |" + " ---: |" * len(columns)]
    lines += [row(name, lambda run, name=name: f"{run.ratio(name):.2f}") for name in names]
    lines.append(row("(reference req/s)", lambda run: rate(run.reference_rps)))

    # Cost is 1/throughput. Each run's ratio already divides out the machine's speed at the time.
    engines = [engine for engine in ENGINES if (engine, "demo") in by_key and (engine, "region") in by_key]
    costs = {(engine, name): by_key[(engine, "demo")].ratio(name) / by_key[(engine, "region")].ratio(name)
             for engine in engines for name in names}
    if engines:
        lines += ["", "### Region cost ÷ demo cost (from the ratios above)", "",
                  "| page | " + " | ".join(ENGINES[e] for e in engines) + " |", "| --- |" + " ---: |" * len(engines)]
        for name in names:
            lines.append(f"| {name} | " + " | ".join(f"{costs[(engine, name)]:.2f}" for engine in engines) + " |")
        lines.append("| (reference itself, raw req/s) | " + " | ".join(
            f"{by_key[(e, 'demo')].reference_rps / by_key[(e, 'region')].reference_rps:.2f}" for e in engines) + " |")

    def verdict(value: float, ok: bool) -> str:
        return f"{value:.2f} {'met' if ok else '**not met**'}"

    lines += ["", f"Goals (DESIGN.md §5): the chair's 60-item meeting page ≥ {GOAL_MEETING} × the reference, "
                  f"an unchanged poll ≥ {GOAL_POLL:g} ×, every page on the region within {GOAL_REGION} × "
                  "of its cost on the demo.", ""]
    meeting, poll = "meeting page (60 items)", "poll (unchanged)"
    for run in runs:
        lines.append(f"- {run.label}: meeting page {verdict(run.ratio(meeting), run.ratio(meeting) >= GOAL_MEETING)}; "
                     f"poll {verdict(run.ratio(poll), run.ratio(poll) >= GOAL_POLL)}")
    for engine in engines:
        over = [f"{name} {costs[(engine, name)]:.2f}" for name in names if costs[(engine, name)] > GOAL_REGION]
        lines.append(f"- {ENGINES[engine]} region within {GOAL_REGION} × of demo: "
                     + ("met" if not over else "**not met**: " + ", ".join(over)))
    return "\n".join(lines)


def machine(args: argparse.Namespace, postgres_version: str | None) -> str:
    cpuinfo = Path("/proc/cpuinfo")
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
              if line.startswith("model name")] if cpuinfo.exists() else []
    cpu = models[0] if models else platform.processor() or "unknown CPU"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "server", "templates", "migrations"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    except OSError:
        commit = "unknown"
    databases = f"SQLite {sqlite3.sqlite_version}" + (f", PostgreSQL {postgres_version}" if postgres_version else "")
    return "\n".join([
        f"- Date: {clock.now():%Y-%m-%d %H:%M} UTC; commit {commit}",
        f"- Machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu}; "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; {databases}",
        f"- Load: wrk, 1 thread, {args.connections} connections, {args.seconds} s per page after a "
        f"{WARM_UP_SECONDS} s warm-up; one uvicorn worker; logged in as {EMAIL}",
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--dataset", choices=["demo", "region", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=10, help="load per page (after a warm-up)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent wrk connections")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("benchmark: wrk is not installed; apt-get install -y wrk", file=sys.stderr)
        return 2
    engines = list(ENGINES) if args.engine == "both" else [args.engine]
    datasets = ["demo", "region"] if args.dataset == "both" else [args.dataset]
    names = [page.name for page in pages({"meeting_id": 0, "collab_id": 0, "live_version": 0})]
    try:
        postgres_version = None
        if "postgres" in engines:  # fail before the SQLite runs, not after them
            postgres_version = asyncio.run(_postgres(
                os.environ.get("CONVENE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL), "SELECT 1"))
        print("## Page benchmark\n\n" + machine(args, postgres_version) + "\n", flush=True)
        runs = []
        for engine in engines:
            for dataset in datasets:
                run = Run(engine, dataset)
                benchmark(run, args)
                runs.append(run)
                print(run_table(run, names) + "\n", flush=True)
        print(summary(runs, names))
    except BenchmarkError as problem:
        print(f"benchmark: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
