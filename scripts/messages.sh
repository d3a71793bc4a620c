#!/usr/bin/env bash
# Re-extracts the English source strings and brings the Spanish catalog up to date.
#
#   bash scripts/messages.sh
#
# Writes locale/messages.pot (sorted, no file:line locations, so diffs show only real changes)
# and updates locale/es/LC_MESSAGES/messages.po: new strings arrive with an empty msgstr (the
# translation test lists them), strings gone from the source are dropped. Fuzzy matching is off:
# a guessed translation of a changed string is worse than an honest empty one.
# What to extract is in babel.cfg. Keywords: babel's defaults (_, gettext, ngettext, ...) plus N_,
# the same set tests/unit/test_translations.py uses.
set -euo pipefail

cd "$(dirname "$0")/.."

if [[ -x .venv/bin/pybabel ]]; then
    PYBABEL=.venv/bin/pybabel PYTHON=.venv/bin/python
else
    PYBABEL=pybabel PYTHON=python3
fi

POT=locale/messages.pot
PO=locale/es/LC_MESSAGES/messages.po
NEW_POT=$(mktemp "${TMPDIR:-/tmp}/convene-messages.XXXXXX")
trap 'rm -f "$NEW_POT"' EXIT

"$PYBABEL" --quiet extract \
    --mapping-file=babel.cfg \
    -k N_ \
    --no-location --sort-output \
    --project=Convene --copyright-holder="Convene contributors" \
    --output-file="$NEW_POT" \
    .

# Keep the old template when only its creation date would change.
if [[ -f "$POT" ]] && diff -q <(grep -v '^"POT-Creation-Date:' "$POT") \
                              <(grep -v '^"POT-Creation-Date:' "$NEW_POT") >/dev/null; then
    echo "$POT is unchanged"
else
    mkdir -p "$(dirname "$POT")"
    cp "$NEW_POT" "$POT"
    echo "wrote $POT"
fi

if [[ ! -f "$PO" ]]; then
    "$PYBABEL" --quiet init --input-file="$POT" --output-file="$PO" --locale=es
fi
"$PYBABEL" --quiet update --input-file="$POT" --output-file="$PO" --locale=es \
    --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date

# Strings still to translate: an empty msgstr, a plural with an empty form, or fuzzy.
"$PYTHON" - "$PO" <<'PY'
import sys
from babel.messages.pofile import read_po

with open(sys.argv[1], "rb") as po_file:
    catalog = read_po(po_file)
messages = [m for m in catalog if m.id]
todo = [m for m in messages if m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string])]
print(f"{len(messages) - len(todo)} of {len(messages)} messages have a Spanish translation")
for message in todo:
    print("  to translate:", message.id if isinstance(message.id, str) else " | ".join(message.id))
PY
