"""The password policy: length limits and an app-supplied complexity check.

:class:`PasswordPolicy` is built once per app from ``PASSWORD_MIN_LENGTH``,
``PASSWORD_MAX_LENGTH`` and ``PASSWORD_CHECK_COMPLEXITY`` and returns readable
problems rather than raising, so a form can show them all at once.
"""

from __future__ import annotations

import importlib
import typing as t

from .config import _check_count
from .hasher import is_encodable

#: The signature of a ``PASSWORD_CHECK_COMPLEXITY`` callable: it receives the
#: password and the user (or None) and returns a list of problems, a single
#: problem as a string, or None when it has nothing to say.
ComplexityCheck = t.Callable[[str, t.Any], "list[str] | str | None"]


def _load_check(value: t.Any) -> ComplexityCheck | None:
    if value is None or callable(value):
        return t.cast("ComplexityCheck | None", value)
    if isinstance(value, str) and ":" in value:
        module_name, _, attr = value.partition(":")
        try:
            target: t.Any = importlib.import_module(module_name)
            for part in attr.split("."):
                target = getattr(target, part)
        except (ImportError, AttributeError) as error:
            raise ValueError(
                f"PASSWORD_CHECK_COMPLEXITY names {value!r}, which cannot be"
                f" imported ({error}); give a callable or a 'module:function'"
                " string that exists."
            ) from None
        if callable(target):
            return t.cast("ComplexityCheck", target)
    raise ValueError(
        "PASSWORD_CHECK_COMPLEXITY must be None, a callable taking (password,"
        " user), or a 'module:function' import string naming one."
    )


class PasswordPolicy:
    """Check new passwords against one app's ``PASSWORD_*`` policy settings.

    :param config: The app's config (any mapping with the ``PASSWORD_*`` keys).
    :raises ValueError: A setting is invalid; the message names the fix.
    """

    def __init__(self, config: t.Mapping[str, t.Any]) -> None:
        self.min_length = _check_count(
            config["PASSWORD_MIN_LENGTH"], "PASSWORD_MIN_LENGTH"
        )
        self.max_length = _check_count(
            config["PASSWORD_MAX_LENGTH"], "PASSWORD_MAX_LENGTH"
        )
        if self.min_length > self.max_length:
            raise ValueError(
                f"PASSWORD_MIN_LENGTH ({self.min_length}) is greater than"
                f" PASSWORD_MAX_LENGTH ({self.max_length}); no password could"
                " pass. Lower the first or raise the second."
            )
        self.check_complexity = _load_check(config["PASSWORD_CHECK_COMPLEXITY"])

    def validate(self, password: str, user: t.Any = None) -> list[str]:
        """Return the problems with ``password`` as sentences; empty when it passes.

        An over-long password, or one holding characters that cannot be
        encoded (lone surrogates), is reported alone and never handed to the
        complexity check, so app code only sees passwords it can work with.
        """
        length = len(password)
        if length > self.max_length:
            return [f"The password must be at most {self.max_length} characters long."]
        if not is_encodable(password):
            # It could never be hashed; a browser never sends one, a broken
            # or hostile client may.
            return [
                "The password contains characters that are not valid text"
                " (unpaired surrogates); type it again."
            ]
        problems: list[str] = []
        if length < self.min_length:
            problems.append(
                f"The password must be at least {self.min_length} characters long."
            )
        if "\x00" in password:
            problems.append("The password must not contain the NUL character.")
        if self.check_complexity is not None:
            extra = self.check_complexity(password, user)
            if isinstance(extra, str):
                problems.append(extra)
            elif extra:
                problems.extend(extra)
        return problems
