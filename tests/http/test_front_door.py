"""The development front door (issue 8, Build 10): `make run PORT=8110` serves elsewhere and the
links the app writes follow the port; HEAD answers as GET does; the serve banner says where the
demo accounts are."""

from __future__ import annotations

import re

import httpx

from tests.conftest import ADMIN, CSRF_RE, PASSWORD, WORK_DIR, log_in
from tests.live import running_server


async def test_in_development_links_follow_the_port_served_on_and_the_banner_names_the_demo_accounts(demo):
    log = WORK_DIR / "front-door.log"
    env = {"CONVENE_ENV": "development", "CONVENE_BASE_URL": None, "CONVENE_SECRET_KEY": "k" * 40,
           "CONVENE_DB_POOL_SIZE": "0"}
    with running_server(extra_env=env, log_to=log) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as admin:
            token = CSRF_RE.search((await admin.get("/login")).text).group(1)
            await admin.post("/login", data={"email": ADMIN, "password": PASSWORD, "_csrf_token": token})
            token = CSRF_RE.search((await admin.get("/account")).text).group(1)
            created = await admin.post("/people", data={"name": "Port Check", "email": "port.check@maple.example",
                                                        "preferred_language": "en", "_csrf_token": token})
            link = re.search(r'id="set-password-link" type="text" readonly value="([^"]+)"', created.text).group(1)
    assert link.startswith(f"{base_url}/set-password/"), link
    banner = log.read_text()
    assert f"Convene at {base_url}" in banner and 'README.md, under "Demo accounts"' in banner


async def test_every_page_answers_head_as_it_answers_get(client, demo):
    for path in ("/login", "/", "/no-such-page"):
        got, head = await client.get(path), await client.head(path)
        assert (head.status_code, head.headers.get("content-type")) == (got.status_code, got.headers.get("content-type"))
        assert head.content == b""
    await log_in(client, ADMIN)
    for path in ("/", "/teams", "/agencies"):
        got, head = await client.get(path), await client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.headers["content-length"] == got.headers["content-length"] and head.content == b""
