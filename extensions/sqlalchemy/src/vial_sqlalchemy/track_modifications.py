"""``SQLALCHEMY_TRACK_MODIFICATIONS``: signals about the models a commit changes.

Session event listeners collect the models each session inserts, updates
and deletes, then send :data:`~vial_sqlalchemy.signals.before_models_committed`
before the commit and :data:`~vial_sqlalchemy.signals.models_committed` after
it. The listeners are installed once per extension, the first time an app
with the setting on is initialised; they do nothing for apps with it off.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
import sqlalchemy.event as sa_event
import sqlalchemy.orm as sa_orm

from vial.ext import find_app

from .signals import before_models_committed as before_models_committed
from .signals import models_committed as models_committed

if t.TYPE_CHECKING:
    from vial import Vial

    from .session import Session

_OPERATIONS = ("insert", "update", "delete")


def listen(session: sa_orm.scoped_session[t.Any]) -> None:
    """Track the changes in the sessions of ``session`` (called by ``init_app``)."""
    if sa_event.contains(session, "before_flush", _record_changes):
        return
    sa_event.listen(session, "before_flush", _record_changes)
    sa_event.listen(session, "before_commit", _record_changes_at_commit)
    sa_event.listen(session, "before_commit", _before_commit)
    sa_event.listen(session, "after_commit", _after_commit)
    sa_event.listen(session, "after_rollback", _after_rollback)


def _tracking_app() -> Vial | None:
    """The current app if it tracks modifications, else ``None``."""
    app = find_app()
    if app is None or not app.config.get("SQLALCHEMY_TRACK_MODIFICATIONS"):
        return None
    return app


def _record_changes(session: Session, *args: t.Any) -> None:
    if _tracking_app() is None:
        return
    changes = session._model_changes
    for targets, operation in zip(
        (session.new, session.dirty, session.deleted), _OPERATIONS, strict=True
    ):
        for target in targets:
            state = sa.inspect(target)
            # Pending objects have no identity yet; the object itself keys them.
            key = state.identity_key if state.has_identity else id(target)
            changes[key] = (target, operation)


def _record_changes_at_commit(session: Session) -> None:
    _record_changes(session)


def _before_commit(session: Session) -> None:
    app = _tracking_app()
    if app is None or not session._model_changes:
        return
    before_models_committed.send(app, changes=list(session._model_changes.values()))


def _after_commit(session: Session) -> None:
    app = _tracking_app()
    changes = list(session._model_changes.values())
    session._model_changes.clear()
    if app is None or not changes:
        return
    models_committed.send(app, changes=changes)


def _after_rollback(session: Session) -> None:
    session._model_changes.clear()
