"""Signals sent by vial-tokens, on a namespace of their own.

Every signal's sender is the application.

``token_issued``
    Sent by :meth:`~vial_tokens.TokenAuth.issue_token` and
    :meth:`~vial_tokens.TokenAuth.issue_opaque_token` after a token was
    made. Keyword arguments: ``user``, the user the token acts for;
    ``token_id``, the id of a stored (opaque) token, ``None`` for a signed
    token; ``expires_at``, an aware UTC :class:`~datetime.datetime`, or
    ``None`` for an opaque token that never expires.
``token_revoked``
    Sent by :meth:`~vial_tokens.TokenAuth.revoke_token` and
    :meth:`~vial_tokens.TokenAuth.revoke_user_tokens` for every stored token
    they revoked. Keyword arguments: ``token_id`` and ``user_key``, the
    alternative id of the user the token belonged to.
``authentication_failed``
    Sent when a view protected by ``login_required`` refuses a request, just
    before the error handler answers, for auditing and rate limiting.
    Keyword arguments: ``auth``, the authentication object that refused
    (an :class:`~vial_tokens.HTTPAuth`); ``status``, 401 (no valid
    credentials) or 403 (valid credentials without the role); ``reason``, a
    short code: ``"missing"``, ``"malformed"``, ``"too_long"``,
    ``"invalid"``, ``"expired"``, ``"revoked"``, ``"inactive"``,
    ``"stale"`` (a digest nonce past its lifetime) or ``"forbidden"``.
    The signal never carries the credentials themselves.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

token_issued = _signals.signal("token-issued")
token_revoked = _signals.signal("token-revoked")
authentication_failed = _signals.signal("authentication-failed")
