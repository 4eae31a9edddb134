"""Domain errors. A service raises one; the view shows its message on the page."""


class DomainError(Exception):
    """A rule said no. `str(error)` is written for the user; `field` names the
    form field the message belongs to, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    pass


class NotAllowed(DomainError):
    pass


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says what to change."""
