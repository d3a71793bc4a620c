"""Links built from route names (server/urls.py), against the app's real routes."""

import pytest

from server.urls import UnknownRoute, page_path, url


def test_a_link_fills_the_path_and_puts_the_rest_in_the_query():
    assert url("team", team_id=3) == "/teams/3"
    assert url("login", next="/teams/1?x=a b") == "/login?next=/teams/1%3Fx%3Da%20b"
    assert url("login", next=None) == "/login"
    assert url("team", team_id=3, _fragment="roster") == "/teams/3#roster"


def test_only_a_path_parameter_may_carry_a_slash():
    assert url("static", file_path="css/app.css") == "/static/css/app.css"
    # A token is one segment: a "/" or "?" in it must not make another route or a query.
    assert url("set_password", token="a/b?c") == "/set-password/a%2Fb%3Fc"


def test_an_unknown_route_or_a_missing_parameter_is_an_error():
    with pytest.raises(UnknownRoute):
        url("no-such-route")
    with pytest.raises(UnknownRoute, match="team_id"):
        url("team")


HOSTILE_NEXT = [
    "//evil.example/x",                 # another host, scheme-relative
    "/\t/evil.example/",                # browsers drop tabs and newlines: "//evil.example/"
    "/%09/evil.example/",               # the same, percent-encoded
    "/\\evil.example/",                 # browsers read "\" as "/"
    "/%5Cevil.example/",
    "/%2F/evil.example/",               # "///evil.example/" once decoded
    "https://evil.example/",
    "javascript:alert(1)",
    "/teams\r\nSet-Cookie: convene_session=x",
    "/teams/%0d%0aSet-Cookie:x",
    "/teams/ünïcode",                   # not Latin-1 safe in a header
    "/teams/\u2028",
    "/teams/%ff",                       # not UTF-8 once decoded
    "/no-such-page",
    "/static/css/convene.css",          # a file, not a page to return to
    "/teams#fragment",
    "",
    "/" + "a" * 3000,
]


@pytest.mark.parametrize("value", HOSTILE_NEXT)
def test_a_hostile_return_path_is_not_one_of_our_pages(value):
    assert page_path(value) is None


@pytest.mark.parametrize("value", ["/", "/teams", "/teams?x=1", "/meetings/12", "/teams/3/roster",
                                   "/people?q=ana%20l", "/set-password/abc-DEF_1"])
def test_a_path_to_one_of_our_pages_is_kept_as_it_is(value):
    assert page_path(value) == value
