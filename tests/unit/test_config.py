"""Settings from the environment (server/config.py): what production refuses to start with."""

import pytest

from server.config import ROOT, ConfigError, load

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


def test_uploaded_files_live_beside_the_sqlite_database_unless_told_and_never_under_static(production, tmp_path):
    production.setenv("CONVENE_BASE_URL", "https://convene.county.example")
    production.delenv("CONVENE_FILES_DIR", raising=False)
    production.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'convene.sqlite3'}")
    assert load().files_dir == tmp_path / "var" / "files"
    production.setenv("CONVENE_FILES_DIR", str(tmp_path / "documents"))
    assert load().files_dir == tmp_path / "documents"
    for inside in ("static", "static/files", "static/../static/css"):
        production.setenv("CONVENE_FILES_DIR", str(ROOT / inside))
        with pytest.raises(ConfigError, match="outside"):
            load()


def test_the_upload_limit_is_20_mb_unless_set_and_at_most_a_gigabyte(production):
    production.setenv("CONVENE_BASE_URL", "https://convene.county.example")
    production.delenv("CONVENE_MAX_UPLOAD_MB", raising=False)
    assert load().max_upload_mb == 20 and load().max_upload_bytes == 20 * 1024 * 1024
    production.setenv("CONVENE_MAX_UPLOAD_MB", "50")
    assert load().max_upload_mb == 50
    for bad in ("0", "1025", "20MB", "-1"):
        production.setenv("CONVENE_MAX_UPLOAD_MB", bad)
        with pytest.raises(ConfigError, match="CONVENE_MAX_UPLOAD_MB"):
            load()
