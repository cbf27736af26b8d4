"""Signals sent by vial-sqlalchemy, on a blinker namespace of their own.

The two ``models_committed`` signals are sent only when
``SQLALCHEMY_TRACK_MODIFICATIONS`` is true for the app, and only for
sessions used inside one of its application contexts.

``before_models_committed``
    Sent just before a session commits. The sender is the application;
    the keyword argument ``changes`` is a list of ``(model, operation)``
    pairs, where ``operation`` is ``"insert"``, ``"update"`` or
    ``"delete"``. Receivers may still change or query the session.
``models_committed``
    Sent right after a session has committed, with the same sender and
    ``changes`` keyword argument. The changes are in the database now.
``database_unavailable``
    Sent when a request found the database unreachable and is answered 503
    (``SQLALCHEMY_OUTAGE_503``). The sender is the application; the keyword
    argument ``error`` is the SQLAlchemy exception. The session has been
    rolled back.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent after a session commits; sender is the app, ``changes`` the list of
#: ``(model, operation)`` pairs that were committed.
models_committed = _signals.signal("models-committed")

#: Sent before a session commits; sender is the app, ``changes`` the list of
#: ``(model, operation)`` pairs about to be committed.
before_models_committed = _signals.signal("before-models-committed")

#: Sent when a request is answered 503 because the database cannot be
#: reached; sender is the app, ``error`` the SQLAlchemy exception.
database_unavailable = _signals.signal("database-unavailable")
