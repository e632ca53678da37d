"""Errors a user can cause and fix. Their message is one line written for that user."""


class StudioError(Exception):
    """Base for problems the user can act on; `str(error)` says what is wrong and what to do."""


class InvalidInput(StudioError):
    """A prompt, duration, option or value that cannot be used as given."""


class ProjectError(StudioError):
    """A project folder or file that cannot be read or written."""


class RenderError(StudioError):
    """A generator failed to render an event; the previous take is kept."""


class Unavailable(StudioError):
    """Something this machine lacks for one kind of event (a speech engine): those events
    are left out with this message, and the rest of the story renders without them."""


class Cancelled(Exception):
    """Long work stopped because the user asked it to."""
