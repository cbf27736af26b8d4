"""Signals sent by vial-sqlalchemy, on a blinker namespace of their own.

Both are sent only when ``SQLALCHEMY_TRACK_MODIFICATIONS`` is true for the
app, and only for sessions used inside one of its application contexts.

``before_models_committed``
    Sent just before a session commits. The sender is the application;
    the keyword argument ``changes`` is a list of ``(model, operation)``
    pairs, where ``operation`` is ``"insert"``, ``"update"`` or
    ``"delete"``. Receivers may still change or query the session.
``models_committed``
    Sent right after a session has committed, with the same sender and
    ``changes`` keyword argument. The changes are in the database now.
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
