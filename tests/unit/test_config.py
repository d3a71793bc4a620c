"""Settings from the environment (server/config.py): what production refuses to start with."""

import pytest

from server.config import ConfigError, load

SECRET = "a" * 40


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("CONVENE_ENV", "production")
    monkeypatch.setenv("CONVENE_SECRET_KEY", SECRET)
    monkeypatch.delenv("CONVENE_ALLOW_HTTP", raising=False)
    return monkeypatch


def test_production_refuses_a_plain_http_base_url(production):
    for url in (None, "http://convene.county.example"):
        if url:
            production.setenv("CONVENE_BASE_URL", url)
        else:
            production.delenv("CONVENE_BASE_URL", raising=False)
        with pytest.raises(ConfigError, match="https"):
            load()


def test_production_runs_on_https_and_on_http_only_when_told_to(production):
    production.setenv("CONVENE_BASE_URL", "https://convene.county.example/")
    settings = load()
    assert settings.base_url == "https://convene.county.example" and settings.secure_cookies
    production.setenv("CONVENE_BASE_URL", "http://10.0.0.5:8000")
    production.setenv("CONVENE_ALLOW_HTTP", "1")
    assert load().base_url == "http://10.0.0.5:8000"


def test_the_idle_timeout_is_two_hours_unless_set(production):
    production.setenv("CONVENE_BASE_URL", "https://convene.county.example")
    production.delenv("CONVENE_SESSION_IDLE_MINUTES", raising=False)
    assert load().session_idle_minutes == 120
    production.setenv("CONVENE_SESSION_IDLE_MINUTES", "30")
    assert load().session_idle_minutes == 30
    for bad in ("0", "-5", "two hours", ""):
        production.setenv("CONVENE_SESSION_IDLE_MINUTES", bad)
        with pytest.raises(ConfigError, match="CONVENE_SESSION_IDLE_MINUTES"):
            load()
