"""Piccolo's engine, chosen by DATABASE_URL (see server/config.py)."""

from piccolo.conf.apps import AppRegistry

from server.config import settings
from server.db import make_engine

DB = make_engine(settings.database_url)

APP_REGISTRY = AppRegistry(apps=["server.piccolo_app"])
