"""The subscription service: sign-up with double opt-in, one-click unsubscribe, preferences."""

import logging


def service_log() -> logging.Logger:
    """The service's log, where every line counts (a request, a sign-up). Pelican, once imported
    in the same process, makes its LimitLogger the class of every new logger, and that drops a
    message repeated word for word (two readers' masked addresses look alike): its filter is
    taken off here."""
    log = logging.getLogger("masthead.subscriptions")
    remove_limit = getattr(log, "disable_filter", None)
    if remove_limit is not None:
        remove_limit()
    return log
