"""What can go wrong in a use case, said in the domain's words. server/web/errors.py maps each
kind to its HTTP status once; services and access objects raise them, controllers do not catch
them unless they answer with something better than the error page (a form with both versions)."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal a person can be told about. `explanation` is an untranslated N_ string."""

    explanation: str | None = None

    def __init__(self, explanation: str | None = None) -> None:
        super().__init__(explanation or self.__class__.__name__)
        if explanation is not None:
            self.explanation = explanation


class NotFound(DomainError):
    """Missing, or not the viewer's to know about: both answer alike (404)."""


class Forbidden(DomainError):
    """The viewer may see the object but not do this to it (403)."""


class Stale(DomainError):
    """The record changed since the form was loaded (409)."""


class Closed(DomainError):
    """The object is in a state where this no longer applies: an ended meeting's agenda,
    a meeting that is not running (409)."""


class Invalid(DomainError):
    """The request makes no sense for this object, beyond what a form's field messages say (422)."""


class Unavailable(DomainError):
    """Something the server needs for this is missing (a system library, say): 503."""
