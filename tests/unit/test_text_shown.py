"""Text that cannot deceive: the neutraliser (server/forms.py) and the template `_()` helper."""

import pytest

from server.forms import neutralised
from server.web.templating import template_gettext


@pytest.mark.parametrize(("given", "kept"), [
    ("abc\u202etxt.exe", "abctxt.exe"),                # right-to-left override
    ("x\u2066y\u2069 \u202ad\u202c", "xy d"),          # isolates and embeddings
    ("a\u200bb\u2060c\ufeffd", "abcd"),                # zero-width space, word joiner, BOM
    ("Marcus Re\u200dyes", "Marcus Reyes"),            # a joiner between Latin letters hides a difference
    ("\u200e\u200fshalom\u061c", "shalom"),            # direction marks
    ("José Núñez", "José Núñez"),
    ("می\u200cخواهم", "می\u200cخواهم"),                # Persian needs its non-joiner
    ("👩\u200d👩\u200d👧", "👩\u200d👩\u200d👧"),      # an emoji family is joined
])
def test_only_characters_that_disguise_text_are_taken_out(given, kept):
    assert neutralised(given) == kept


def test_the_template_translation_helper_escapes_what_it_interpolates():
    shown = template_gettext("Minutes of %(title)s", title='<img src=x onerror="alert(1)">')
    assert "<img" not in shown and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in shown
