"""The per-app password hasher: normalise, pepper, hash, verify and upgrade.

A :class:`PasswordHasher` is built once per app from its ``PASSWORD_*``
configuration and stored in ``app.extensions["passwords"]``. It wraps one
passlib ``CryptContext`` and adds what passlib leaves to the application:
Unicode normalisation, an optional HMAC pepper, a length limit checked
before any hashing work, and bcrypt's 72-byte input limit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import typing as t
import unicodedata

from passlib.context import CryptContext  # type: ignore[import-untyped]
from passlib.registry import get_crypt_handler  # type: ignore[import-untyped]

from .config import _check_count
from .config import DEFAULT_HASH_OPTIONS

#: Which distribution provides the backend of a scheme, for error messages.
_BACKEND_PACKAGES = {
    "argon2": "argon2-cffi",
    "django_argon2": "argon2-cffi",
    "bcrypt": "bcrypt",
    "bcrypt_sha256": "bcrypt",
    "django_bcrypt": "bcrypt",
    "django_bcrypt_sha256": "bcrypt",
    "ldap_bcrypt": "bcrypt",
}

_NORMALIZE_FORMS = ("NFC", "NFD", "NFKC", "NFKD")

_Form = t.Literal["NFC", "NFD", "NFKC", "NFKD"]


def _check_schemes(value: t.Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not value:
        raise ValueError(
            "PASSWORD_SCHEMES must be a non-empty list of passlib scheme names,"
            " such as ['argon2', 'bcrypt', 'pbkdf2_sha512']."
        )
    schemes = list(value)
    for scheme in schemes:
        try:
            handler = get_crypt_handler(scheme)
        except (KeyError, TypeError, ValueError):
            raise ValueError(
                f"PASSWORD_SCHEMES names the unknown scheme {scheme!r}; use one of"
                " passlib's scheme names, such as 'argon2', 'bcrypt' or"
                " 'pbkdf2_sha512'."
            ) from None
        _check_backend(scheme, handler)
    return schemes


def _check_backend(scheme: str, handler: t.Any) -> None:
    """Raise a clear error when passlib cannot load a backend for ``scheme``."""
    has_backend = getattr(handler, "has_backend", None)
    if has_backend is None or has_backend():
        return
    package = _BACKEND_PACKAGES.get(scheme)
    if package is not None:
        fix = f"install it with 'pip install {package}'"
    else:
        backends = ", ".join(handler.backends)
        fix = f"install one of passlib's backends for it ({backends})"
    raise RuntimeError(
        f"The password scheme {scheme!r} in PASSWORD_SCHEMES has no backend"
        f" installed; {fix}, or remove {scheme!r} from PASSWORD_SCHEMES."
    )


def _check_deprecated(value: t.Any, schemes: list[str]) -> str | list[str]:
    if value == "auto":
        return "auto"
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ValueError(
            "PASSWORD_DEPRECATED must be 'auto' or a list of scheme names taken"
            " from PASSWORD_SCHEMES."
        )
    for scheme in value:
        if scheme not in schemes:
            raise ValueError(
                f"PASSWORD_DEPRECATED names {scheme!r}, which is not in"
                " PASSWORD_SCHEMES; add it there or remove it from"
                " PASSWORD_DEPRECATED."
            )
    if schemes[0] in value:
        raise ValueError(
            f"PASSWORD_DEPRECATED names {schemes[0]!r}, the scheme used for new"
            " hashes; move another scheme to the front of PASSWORD_SCHEMES."
        )
    return list(value)


def _scheme_options(scheme: str, overrides: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Merge the app's options for ``scheme`` over the safe defaults."""
    options = dict(DEFAULT_HASH_OPTIONS.get(scheme, {}))
    # argon2 accepts "rounds" as another name for "time_cost"; an override
    # through either name replaces the default given through the other.
    if "rounds" in overrides:
        options.pop("time_cost", None)
    if "time_cost" in overrides:
        options.pop("rounds", None)
    options.update(overrides)
    cost = options.get("rounds", options.get("time_cost"))
    if cost is not None:
        # passlib only flags a hash for upgrade when its cost is below
        # min_rounds; pinning it to the configured cost upgrades weaker hashes.
        options.setdefault("min_rounds", cost)
    return options


def _build_context(
    schemes: list[str], deprecated: str | list[str], options: t.Any
) -> t.Any:
    if not isinstance(options, t.Mapping) or not all(
        isinstance(value, t.Mapping) for value in options.values()
    ):
        raise ValueError(
            "PASSWORD_HASH_OPTIONS must map scheme names to dicts of settings,"
            " such as {'argon2': {'memory_cost': 65536}}."
        )
    kwargs: dict[str, t.Any] = {"schemes": schemes, "deprecated": deprecated}
    for scheme in schemes:
        for key, value in _scheme_options(scheme, options.get(scheme, {})).items():
            kwargs[f"{scheme}__{key}"] = value
    try:
        return CryptContext(**kwargs)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(
            f"PASSWORD_HASH_OPTIONS holds a setting passlib rejects ({error});"
            " check the option names and values against passlib's documentation"
            " for the scheme."
        ) from None


def _check_form(value: t.Any) -> _Form | None:
    if value is not None and value not in _NORMALIZE_FORMS:
        raise ValueError(
            f"PASSWORD_NORMALIZE_FORM is {value!r}; set it to one of"
            f" {', '.join(_NORMALIZE_FORMS)}, or None to disable normalisation."
        )
    return t.cast("_Form | None", value)


def is_encodable(password: str) -> bool:
    """Return whether ``password`` can be encoded as UTF-8, as hashing needs.

    Only a lone surrogate (``"\\ud800"``, which JSON and some form decoders
    let through) cannot; such a password can never be stored or verified.
    """
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_pepper(value: t.Any, key: str) -> bytes:
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not isinstance(value, bytes) or not value:
        raise ValueError(f"{key} must be a non-empty str or bytes value.")
    return value


class PasswordHasher:
    """Hash and verify passwords with one app's ``PASSWORD_*`` configuration.

    Built by :class:`~vial_passwords.Passwords` at ``init_app`` and stored as
    ``app.extensions["passwords"].hasher``; usable without an app context.

    :param config: The app's config (any mapping with the ``PASSWORD_*`` keys).
    :raises ValueError: A setting is invalid; the message names the fix.
    :raises RuntimeError: A scheme's backend is not installed.
    """

    def __init__(self, config: t.Mapping[str, t.Any]) -> None:
        self.schemes = _check_schemes(config["PASSWORD_SCHEMES"])
        deprecated = _check_deprecated(config["PASSWORD_DEPRECATED"], self.schemes)
        self.context = _build_context(
            self.schemes, deprecated, config["PASSWORD_HASH_OPTIONS"]
        )
        self.normalize_form = _check_form(config["PASSWORD_NORMALIZE_FORM"])
        self.max_length = _check_count(
            config["PASSWORD_MAX_LENGTH"], "PASSWORD_MAX_LENGTH"
        )
        pepper = config["PASSWORD_PEPPER"]
        fallbacks = config["PASSWORD_PEPPER_FALLBACKS"]
        if isinstance(fallbacks, (str, bytes)) or not isinstance(
            fallbacks, (list, tuple)
        ):
            raise ValueError(
                "PASSWORD_PEPPER_FALLBACKS must be a list of older peppers"
                " (None for hashes made without a pepper)."
            )
        #: The current pepper first, then the fallbacks; None means no pepper.
        self.peppers: tuple[bytes | None, ...] = (
            None if pepper is None else _check_pepper(pepper, "PASSWORD_PEPPER"),
            *(
                None if old is None else _check_pepper(old, "PASSWORD_PEPPER_FALLBACKS")
                for old in fallbacks
            ),
        )

    def _normalize(self, password: str) -> str:
        if self.normalize_form is None:
            return password
        return unicodedata.normalize(self.normalize_form, password)

    def _secret(self, text: str, pepper: bytes | None, scheme: str) -> str | bytes:
        """Turn a normalised password into the secret the scheme hashes."""
        if pepper is not None:
            digest = hmac.new(pepper, text.encode("utf-8"), hashlib.sha256).digest()
            # 44 ASCII characters: within every scheme's input limit.
            return base64.b64encode(digest).decode("ascii")
        limit = self.context.handler(scheme).truncate_size
        data = text.encode("utf-8")
        if limit is not None and len(data) > limit:
            # bcrypt only ever used the first 72 bytes; current bcrypt releases
            # raise instead, so cut here to keep verifying existing hashes.
            return data[:limit]
        return text

    def _candidates(self, password: str, scheme: str) -> t.Iterator[str | bytes]:
        """Yield the secrets a stored hash may have been made from, current first."""
        text = self._normalize(password)
        for pepper in self.peppers:
            yield self._secret(text, pepper, scheme)
        if None in self.peppers and text != password:
            # A hash imported from a system that did not normalise was made
            # from the password as typed; accept it once, then re-hash.
            yield self._secret(password, None, scheme)

    def _attempts(self, password: str) -> int:
        """Return how many secrets :meth:`_candidates` yields for ``password``."""
        typed_form = None in self.peppers and self._normalize(password) != password
        return len(self.peppers) + int(typed_form)

    def identify(self, hash: str) -> str | None:
        """Return the name of the configured scheme that made ``hash``, if any."""
        try:
            scheme = self.context.identify(hash, required=False)
        except (TypeError, ValueError):
            return None
        return t.cast("str | None", scheme)

    def hash_password(self, password: str) -> str:
        """Hash ``password`` with the preferred scheme, pepper and cost.

        :raises ValueError: The password is longer than ``PASSWORD_MAX_LENGTH``,
            or holds a lone surrogate, which cannot be encoded.
        """
        if not isinstance(password, str):
            raise TypeError("The password to hash must be a str.")
        if len(password) > self.max_length:
            raise ValueError(
                f"The password is longer than PASSWORD_MAX_LENGTH ({self.max_length}"
                " characters); check it with validate_password() before hashing."
            )
        if not is_encodable(password):
            raise ValueError(
                "The password holds a lone surrogate character, which cannot be"
                " encoded as UTF-8 and so cannot be hashed; check it with"
                " validate_password() before hashing."
            )
        scheme = self.schemes[0]
        secret = self._secret(self._normalize(password), self.peppers[0], scheme)
        return t.cast("str", self.context.hash(secret))

    def _match(self, password: str, hash: str | None) -> int | None:
        """Return the position of the candidate secret that verifies, or None.

        Position 0 is the current way of hashing; a later one means the hash
        verified through an older pepper or an un-normalised password.
        """
        usable = isinstance(password, str) and len(password) <= self.max_length
        encodable = usable and is_encodable(password)
        scheme = self.identify(hash) if hash and encodable else None
        if scheme is None:
            # No user (None), an over-long or unencodable password or a hash
            # no scheme knows: do the hashing work a failed check of this
            # password does, so response times do not tell an unknown user
            # from a wrong password, and an existing user is not told apart
            # by an error either. The password itself is never hashed then.
            for _ in range(self._attempts(password) if usable else 1):
                self.context.dummy_verify()
            return None
        for position, secret in enumerate(self._candidates(password, scheme)):
            try:
                if self.context.verify(secret, hash):
                    return position
            except (TypeError, ValueError):
                # A malformed hash or a secret the scheme refuses (such as a
                # NUL byte for bcrypt) is a failed check, not an error page.
                return None
        return None

    def verify_password(self, password: str, hash: str | None) -> bool:
        """Return whether ``password`` matches ``hash``.

        Over-long passwords, passwords that cannot be encoded (a lone
        surrogate), unknown or malformed hashes and ``None`` give ``False``
        rather than an exception, after as many hash computations as a
        wrong password.
        """
        return self._match(password, hash) is not None

    def needs_update(self, hash: str) -> bool:
        """Return whether ``hash`` uses a deprecated scheme or a lower cost.

        A hash no configured scheme recognises gives ``False``: it cannot be
        verified, so there is nothing to upgrade.
        """
        if self.identify(hash) is None:
            return False
        try:
            return bool(self.context.needs_update(hash))
        except (TypeError, ValueError):
            # Recognised by its prefix but malformed: it needs replacing.
            return True

    def verify_and_update(
        self, password: str, hash: str | None
    ) -> tuple[bool, str | None]:
        """Verify ``password`` and return a replacement hash when one is due.

        Returns ``(False, None)`` when the password does not match,
        ``(True, None)`` when it matches a current hash and ``(True, new_hash)``
        when the hash used a deprecated scheme, a lower cost, an older pepper
        or a password that was not normalised.
        """
        position = self._match(password, hash)
        if position is None:
            return False, None
        assert hash is not None
        if position > 0 or self.context.needs_update(hash):
            return True, self.hash_password(password)
        return True, None
