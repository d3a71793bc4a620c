"""{% cache %}: a fragment rendered once per distinct key, and the test-time check that a key
lists everything its fragment shows (server/web/fragment_cache.py)."""

import pytest
from jinja2 import DictLoader, Environment

from server import i18n
from server.web.fragment_cache import FragmentCache, FragmentMismatch


def environment(source: str) -> tuple[Environment, FragmentCache]:
    env = Environment(loader=DictLoader({"page.html": source}), autoescape=True, extensions=[FragmentCache],
                      auto_reload=True)
    return env, env.extensions[FragmentCache.identifier]


def renders_counted(env: Environment, **values) -> tuple[str, int]:
    calls = []
    html = env.get_template("page.html").render(count=lambda: calls.append(1) or "", **values)
    return html, len(calls)


def test_a_fragment_renders_once_per_distinct_key():
    env, cache = environment('{% cache "list", rows %}{{ count() }}{% for r in rows %}<li>{{ r.title }}</li>{% endfor %}{% endcache %}')
    cache.verify = False
    rows = [{"title": "Budget"}, {"title": "<Intake>"}]
    assert renders_counted(env, rows=rows) == ("<li>Budget</li><li>&lt;Intake&gt;</li>", 1)
    assert renders_counted(env, rows=[dict(r) for r in rows]) == ("<li>Budget</li><li>&lt;Intake&gt;</li>", 0)
    assert renders_counted(env, rows=rows[:1]) == ("<li>Budget</li>", 1)
    # Lists are compared, not keyed: the fragment keeps its latest content only.
    assert renders_counted(env, rows=rows)[1] == 1


def test_simple_values_pick_separate_entries():
    env, cache = environment('{% cache "x", meeting_id, rows %}{{ count() }}{{ meeting_id }}{% endcache %}')
    cache.verify = False
    for meeting_id in (1, 2):
        assert renders_counted(env, meeting_id=meeting_id, rows=[meeting_id])[1] == 1
    assert renders_counted(env, meeting_id=1, rows=[1]) == ("1", 0)
    assert renders_counted(env, meeting_id=2, rows=[2]) == ("2", 0)


def test_the_readers_language_is_part_of_every_key():
    env, cache = environment('{% cache "x", 1 %}{{ count() }}{% endcache %}')
    cache.verify = False
    token = i18n.current_language.set("en")
    try:
        assert renders_counted(env)[1] == 1
        i18n.current_language.set("es")
        assert renders_counted(env)[1] == 1
        assert renders_counted(env)[1] == 0
    finally:
        i18n.current_language.reset(token)


def test_under_test_a_key_that_misses_a_value_fails_loudly():
    env, cache = environment('{% cache "title", meeting_id %}{{ title }}{% endcache %}')
    cache.verify = True
    assert env.get_template("page.html").render(meeting_id=1, title="Budget") == "Budget"
    assert env.get_template("page.html").render(meeting_id=1, title="Budget") == "Budget"
    with pytest.raises(FragmentMismatch, match="title"):
        env.get_template("page.html").render(meeting_id=1, title="Renamed")


def test_a_recompiled_template_never_serves_what_the_old_one_rendered():
    env, cache = environment('{% cache "x", 1 %}old{% endcache %}')
    cache.verify = False
    assert env.get_template("page.html").render() == "old"
    env.loader.mapping["page.html"] = '{% cache "x", 1 %}new{% endcache %}'
    env.cache.clear()  # what auto_reload does when the file changes
    assert env.get_template("page.html").render() == "new"


def test_the_oldest_entries_go_first_when_the_cache_is_full(monkeypatch):
    monkeypatch.setattr("server.web.fragment_cache.KEPT_CHARACTERS", 10)
    env, cache = environment('{% cache "x", n %}{{ count() }}{{ "%06d"|format(n) }}{% endcache %}')
    cache.verify = False
    for n in (1, 2, 1):
        renders_counted(env, n=n)
    assert renders_counted(env, n=1)[1] == 0  # used last: kept
    assert renders_counted(env, n=2)[1] == 1  # pushed out
    assert cache.characters <= 12
