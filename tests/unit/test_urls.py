"""Links built from route names (server/urls.py), against the app's real routes."""

import pytest

from server.urls import UnknownRoute, url


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
