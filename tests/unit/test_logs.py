import logging

from server.logs import RedactSecrets


def test_set_password_tokens_are_redacted_from_access_logs():
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/set-password/abcDEF123_-x?next=/", "1.1", 200), None)
    RedactSecrets().filter(record)
    message = record.getMessage()
    assert "abcDEF123" not in message
    assert "/set-password/[redacted]?next=/" in message
