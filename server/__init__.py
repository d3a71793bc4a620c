"""Convene. Piccolo finds its engine in the top-level piccolo_conf.py, wherever we run from."""

import os
import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
