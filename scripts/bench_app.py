"""The app as served, plus the benchmark's reference page (DESIGN.md §5).

    uvicorn scripts.bench_app:create_app --factory

GET /_bench/reference is one Piccolo query of 60 rows rendered by a small Jinja template:
the yardstick that scripts/benchmark.py divides every page's throughput by, so results
compare across machines. It goes through the same ASGI stack as every page (session
lookup, CSRF, security headers) and lives here, never in server/.
"""

from __future__ import annotations

from jinja2 import Environment, select_autoescape
from litestar import Litestar, Response, get
from litestar.enums import MediaType

from server.app import create_app as create_convene_app
from server.meetings.tables import AgendaItem

ROWS = 60

TEMPLATE = Environment(autoescape=select_autoescape(default_for_string=True)).from_string("""\
<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Reference · Convene</title>
  <link rel="stylesheet" href="/static/css/convene.css">
</head>
<body>
  <main>
    <h1>Agenda items</h1>
    <table>
      <thead><tr><th>#</th><th>Title</th><th>Kind</th><th>Minutes</th></tr></thead>
      <tbody>
      {% for row in rows %}
        <tr><td>{{ row.id }}</td><td>{{ row.title }}</td><td>{{ row.kind }}</td><td>{{ row.planned_minutes }}</td></tr>
      {% endfor %}
      </tbody>
    </table>
  </main>
</body>
</html>
""")


@get("/_bench/reference", opt={"public": True}, include_in_schema=False)
async def reference() -> Response:
    rows = await AgendaItem.select(
        AgendaItem.id, AgendaItem.title, AgendaItem.kind, AgendaItem.planned_minutes
    ).order_by(AgendaItem.id).limit(ROWS)
    return Response(TEMPLATE.render(rows=rows), media_type=MediaType.HTML)


def create_app() -> Litestar:
    app = create_convene_app()
    app.register(reference)
    return app
