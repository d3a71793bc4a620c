"""What reaches a log line from a request is made harmless (server/logs.py)."""

import logging

from server.logs import SafeLogRecords

ACCESS_FORMAT = '%s - "%s %s HTTP/%s" %d'


def access_line(path: str) -> str:
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, ACCESS_FORMAT,
                               ("127.0.0.1:5000", "GET", path, "1.1", 200), None)
    SafeLogRecords().filter(record)
    return record.getMessage()


def test_set_password_tokens_are_redacted_from_access_logs():
    message = access_line("/set-password/abcDEF123_-x?next=/")
    assert "abcDEF123" not in message
    assert "/set-password/[redacted]?[query]" in message


def test_a_request_cannot_forge_a_log_line():
    # uvicorn logs the percent-decoded path: %0D%0A arrives here as a real line break.
    message = access_line('/teams\r\n127.0.0.1:1 - "GET /admin HTTP/1.1" 200\u2028\u202e')
    assert "\n" not in message and "\r" not in message
    assert "\u2028" not in message and "\u202e" not in message
    assert "\\u000d\\u000a" in message


def test_search_terms_and_return_paths_stay_out_of_the_access_log():
    message = access_line("/people?q=Jordan%20Ellis&next=/teams/3")
    assert "Jordan" not in message and "next" not in message
    assert '"GET /people?[query] HTTP/1.1" 200' in message


def test_our_own_log_lines_escape_what_they_quote():
    record = logging.LogRecord("convene", logging.WARNING, "", 0, "could not import %s for %s",
                               ("roster.csv\nINFO forged", "x\x1b[31m"), None)
    SafeLogRecords().filter(record)
    assert record.getMessage() == "could not import roster.csv\\u000aINFO forged for x\\u001b[31m"
