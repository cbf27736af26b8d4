from __future__ import annotations

import subprocess
import sys
import textwrap
import typing as t
import unicodedata

import bcrypt
import pytest
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from passlib.hash import argon2  # type: ignore[import-untyped]
from passlib.hash import md5_crypt
from passlib.hash import pbkdf2_sha512
from passlib.registry import get_crypt_handler  # type: ignore[import-untyped]

from vial import Vial
from vial_passwords import PasswordHasher
from vial_passwords import Passwords
from vial_passwords.hasher import is_encodable


def _hasher(app: Vial, **config: t.Any) -> PasswordHasher:
    app.config.update(config)
    Passwords(app)
    hasher = app.extensions["passwords"].hasher
    assert isinstance(hasher, PasswordHasher)
    return hasher


def _legacy_bcrypt(password: str, rounds: int = 4) -> str:
    # What older bcrypt releases and other systems did: use the first 72 bytes.
    data = password.encode("utf-8")[:72]
    return bcrypt.hashpw(data, bcrypt.gensalt(rounds)).decode("ascii")


def test_hash_and_verify_round_trip(app: Vial) -> None:
    hasher = _hasher(app)
    hashed = hasher.hash_password("correct horse")
    assert hashed.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert hasher.verify_password("correct horse", hashed)
    assert not hasher.verify_password("correct horse!", hashed)
    assert not hasher.verify_password("", hashed)
    # A random salt: the same password never hashes to the same string twice.
    assert hasher.hash_password("correct horse") != hashed


def test_default_costs_follow_owasp_minimums() -> None:
    app = Vial("defaults")
    Passwords(app)
    hasher = app.extensions["passwords"].hasher
    hashed = hasher.hash_password("correct horse")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    settings = hasher.context.to_dict()
    assert settings["bcrypt__rounds"] == 12
    assert settings["pbkdf2_sha512__rounds"] == 210000
    assert hasher.schemes == ["argon2", "bcrypt", "pbkdf2_sha512"]


def test_option_override_keeps_other_defaults(app: Vial) -> None:
    hasher = _hasher(app, PASSWORD_HASH_OPTIONS={"argon2": {"memory_cost": 2048}})
    settings = hasher.context.to_dict()
    assert settings["argon2__memory_cost"] == 2048
    assert settings["argon2__time_cost"] == 2
    assert settings["argon2__parallelism"] == 1
    assert settings["bcrypt__rounds"] == 12


def test_normalisation_makes_visible_equal_passwords_verify(app: Vial) -> None:
    hasher = _hasher(app)
    composed = unicodedata.normalize("NFC", "Crème brûlée")
    decomposed = unicodedata.normalize("NFD", "Crème brûlée")
    assert composed != decomposed
    hashed = hasher.hash_password(composed)
    assert hasher.verify_password(decomposed, hashed)
    # NFKD also folds compatibility forms such as the "ﬁ" ligature.
    assert hasher.verify_password(
        "ﬁsh and chips", hasher.hash_password("fish and chips")
    )


def test_normalisation_can_be_disabled(app: Vial) -> None:
    hasher = _hasher(app, PASSWORD_NORMALIZE_FORM=None)
    hashed = hasher.hash_password(unicodedata.normalize("NFC", "Crème"))
    assert not hasher.verify_password(unicodedata.normalize("NFD", "Crème"), hashed)


def test_pepper_is_required_to_verify(app: Vial) -> None:
    hasher = _hasher(app, PASSWORD_PEPPER="server-side secret")
    hashed = hasher.hash_password("correct horse")
    assert hasher.verify_password("correct horse", hashed)
    # The stored hash alone is not enough: without the pepper it fails.
    assert not argon2.verify("correct horse", hashed)
    unpeppered = _hasher(Vial("other"))
    assert not unpeppered.verify_password("correct horse", hashed)


def test_changing_the_pepper_invalidates_hashes(app: Vial) -> None:
    old = _hasher(app, PASSWORD_PEPPER="old pepper")
    hashed = old.hash_password("correct horse")
    new_app = Vial("rotated")
    new_app.config.update(app.config)
    new_app.config["PASSWORD_PEPPER"] = "new pepper"
    new = _hasher(new_app)
    assert not new.verify_password("correct horse", hashed)


def test_pepper_fallback_verifies_and_upgrades(app: Vial) -> None:
    old = _hasher(app, PASSWORD_PEPPER=b"old pepper")
    hashed = old.hash_password("correct horse")
    new_app = Vial("rotated")
    new_app.config.update(app.config)
    new_app.config.update(
        PASSWORD_PEPPER="new pepper", PASSWORD_PEPPER_FALLBACKS=[b"old pepper"]
    )
    new = _hasher(new_app)
    assert new.verify_password("correct horse", hashed)
    ok, upgraded = new.verify_and_update("correct horse", hashed)
    assert ok
    assert upgraded is not None
    assert new.verify_and_update("correct horse", upgraded) == (True, None)
    # The upgraded hash needs the new pepper: the old app cannot verify it.
    assert not old.verify_password("correct horse", upgraded)
    assert new.verify_and_update("wrong horse", hashed) == (False, None)


def test_none_fallback_migrates_unpeppered_hashes(app: Vial) -> None:
    plain = _hasher(app).hash_password("correct horse")
    new_app = Vial("peppered")
    new_app.config.update(app.config)
    new_app.config.update(PASSWORD_PEPPER="pepper", PASSWORD_PEPPER_FALLBACKS=[None])
    new = _hasher(new_app)
    ok, upgraded = new.verify_and_update("correct horse", plain)
    assert ok
    assert upgraded is not None
    assert not argon2.verify("correct horse", upgraded)


def test_overlong_password_is_rejected_without_hashing(
    app: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    hasher = _hasher(app, PASSWORD_MAX_LENGTH=20)
    hashed = hasher.hash_password("a" * 20)
    secrets: list[t.Any] = []
    real_verify = hasher.context.verify

    def spy(secret: t.Any, hash: str) -> bool:
        secrets.append(secret)
        return bool(real_verify(secret, hash))

    monkeypatch.setattr(hasher.context, "verify", spy)
    assert hasher.verify_password("a" * 20, hashed)
    assert secrets == ["a" * 20]
    secrets.clear()
    assert not hasher.verify_password("a" * 21, hashed)
    assert hasher.verify_and_update("a" * 10_000_000, hashed) == (False, None)
    # One dummy check each, so the time taken matches a wrong password; the
    # over-long password itself never reaches the hash function.
    assert len(secrets) == 2
    assert all(len(secret) <= 20 for secret in secrets)
    with pytest.raises(ValueError, match="PASSWORD_MAX_LENGTH"):
        hasher.hash_password("a" * 21)


def test_missing_hash_still_costs_a_verification(
    app: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    hasher = _hasher(app)
    calls: list[bool] = []
    real_dummy = hasher.context.dummy_verify

    def spy() -> bool:
        calls.append(True)
        return bool(real_dummy())

    monkeypatch.setattr(hasher.context, "dummy_verify", spy)
    assert not hasher.verify_password("correct horse", None)
    assert hasher.verify_and_update("correct horse", None) == (False, None)
    assert calls == [True, True]


def _count_verifications(hasher: PasswordHasher) -> list[t.Any]:
    """Make ``hasher`` record the secret of every verification it runs."""
    secrets: list[t.Any] = []
    real_verify = hasher.context.verify

    def spy(secret: t.Any, hash: str) -> bool:
        secrets.append(secret)
        return bool(real_verify(secret, hash))

    hasher.context.verify = spy
    return secrets


def _timing_hasher(**config: t.Any) -> PasswordHasher:
    app = Vial("timing")
    app.config.update(
        PASSWORD_HASH_OPTIONS={"argon2": {"memory_cost": 1024, "time_cost": 1}},
        PASSWORD_MAX_LENGTH=30,
        **config,
    )
    return _hasher(app)


_TIMING_CONFIGS: dict[str, dict[str, t.Any]] = {
    "defaults": {},
    "pepper": {"PASSWORD_PEPPER": "pepper"},
    "fallbacks": {
        "PASSWORD_PEPPER": "pepper",
        "PASSWORD_PEPPER_FALLBACKS": ["old pepper", None],
    },
}
_TIMING_HASHERS = {name: _timing_hasher(**c) for name, c in _TIMING_CONFIGS.items()}


#: Text holding lone surrogates, which st.text() leaves out by default and
#: a JSON body can carry ("\\ud800").
_WITH_SURROGATES = st.builds(
    lambda before, surrogates, after: before + surrogates + after,
    st.text(max_size=15),
    st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3),
    st.text(max_size=15),
)


@pytest.mark.parametrize("config", list(_TIMING_CONFIGS))
@settings(max_examples=60, deadline=None)
@given(password=st.text(max_size=40) | _WITH_SURROGATES)
def test_unknown_user_costs_as_many_hashes_as_a_wrong_password(
    config: str, password: str
) -> None:
    # Login views pass None as the hash when no user has the name typed in:
    # that must run as many hash computations as a wrong password for a real
    # user, or response times reveal which accounts exist. Over-long,
    # un-normalised (several candidates) and peppered passwords included.
    hasher = _TIMING_HASHERS[config]
    stored = hasher.hash_password("the real password")
    assume(password != "the real password")
    secrets = _count_verifications(hasher)
    try:
        assert not hasher.verify_password(password, stored)
        wrong_password = len(secrets)
        secrets.clear()
        assert not hasher.verify_password(password, None)
        assert len(secrets) == wrong_password >= 1
        secrets.clear()
        assert hasher.verify_and_update(password, None) == (False, None)
        assert len(secrets) == wrong_password
    finally:
        del hasher.context.verify


_UNENCODABLE = ["\ud800", "\udfff", "correct horse\ud800", "\ud83d\ude00\ud800"]


@pytest.mark.parametrize("password", _UNENCODABLE, ids=ascii)
@pytest.mark.parametrize("config", list(_TIMING_CONFIGS))
def test_unencodable_password_is_a_failed_verification(
    config: str, password: str
) -> None:
    # Before, a real hash raised UnicodeEncodeError while None gave False:
    # a 500 for an existing account and a 401 for an unknown one.
    hasher = _TIMING_HASHERS[config]
    stored = hasher.hash_password("the real password")
    secrets = _count_verifications(hasher)
    try:
        assert hasher.verify_password(password, stored) is False
        assert hasher.verify_and_update(password, stored) == (False, None)
        with_hash = len(secrets)
        secrets.clear()
        assert hasher.verify_password(password, None) is False
        assert hasher.verify_and_update(password, None) == (False, None)
        # The same hashing work as an unknown user, and as a wrong password
        # (one computation per pepper and normalisation candidate); only
        # dummy secrets reach the hash function.
        assert len(secrets) == with_hash == 2 * hasher._attempts(password) >= 2
        assert all(is_encodable(str(secret)) for secret in secrets)
    finally:
        del hasher.context.verify


@pytest.mark.parametrize("password", _UNENCODABLE, ids=ascii)
def test_unencodable_password_cannot_be_hashed(app: Vial, password: str) -> None:
    hasher = _hasher(app, PASSWORD_PEPPER="pepper")
    with pytest.raises(ValueError, match=r"lone surrogate.*validate_password\(\)"):
        hasher.hash_password(password)


@pytest.mark.parametrize(
    "bad_hash",
    [
        "not a hash",
        "$argon2id$v=19$m=1024,t=1,p=1$broken",
        "$2b$04$short",
        md5_crypt.hash("correct horse"),  # a real hash of a scheme not configured
    ],
)
def test_unusable_hash_fails_without_exception(app: Vial, bad_hash: str) -> None:
    hasher = _hasher(app)
    assert not hasher.verify_password("correct horse", bad_hash)
    assert hasher.verify_and_update("correct horse", bad_hash) == (False, None)


def test_needs_update_of_unusable_hashes(app: Vial) -> None:
    hasher = _hasher(app)
    # Not recognised by any configured scheme: nothing to upgrade.
    assert not hasher.needs_update(md5_crypt.hash("correct horse"))
    assert not hasher.needs_update("not a hash")
    # Recognised but malformed: it has to be replaced.
    assert hasher.needs_update("$argon2id$v=19$m=1024,t=1,p=1$broken")


def test_nul_byte_against_bcrypt_fails_without_exception(app: Vial) -> None:
    hasher = _hasher(app)
    assert not hasher.verify_password("correct\x00horse", _legacy_bcrypt("correct"))


@pytest.mark.parametrize(
    "legacy",
    [
        lambda pw: _legacy_bcrypt(pw),
        lambda pw: pbkdf2_sha512.using(rounds=1000).hash(pw),
    ],
    ids=["bcrypt", "pbkdf2_sha512"],
)
def test_legacy_scheme_hash_is_upgraded(
    app: Vial, legacy: t.Callable[[str], str]
) -> None:
    hasher = _hasher(app)
    old = legacy("correct horse")
    assert hasher.needs_update(old)
    assert hasher.verify_and_update("wrong horse", old) == (False, None)
    ok, new = hasher.verify_and_update("correct horse", old)
    assert ok
    assert new is not None
    assert hasher.identify(new) == "argon2"
    assert hasher.verify_password("correct horse", new)
    assert not hasher.needs_update(new)
    assert hasher.verify_and_update("correct horse", new) == (True, None)


@pytest.mark.parametrize(
    ("memory_cost", "time_cost"), [(512, 1), (1024, 1)], ids=["memory", "time"]
)
def test_weaker_cost_hash_is_upgraded(
    app: Vial, memory_cost: int, time_cost: int
) -> None:
    app.config["PASSWORD_HASH_OPTIONS"] = {
        "argon2": {"memory_cost": 1024, "time_cost": 2}
    }
    hasher = _hasher(app)
    weak = argon2.using(
        type="ID", memory_cost=memory_cost, time_cost=time_cost, parallelism=1
    ).hash("correct horse")
    assert hasher.needs_update(weak)
    ok, new = hasher.verify_and_update("correct horse", weak)
    assert ok
    assert new is not None
    assert new.startswith("$argon2id$v=19$m=1024,t=2,p=1$")


def test_explicit_deprecated_list_keeps_other_schemes(app: Vial) -> None:
    hasher = _hasher(app, PASSWORD_SCHEMES=["argon2", "bcrypt"], PASSWORD_DEPRECATED=[])
    old = _legacy_bcrypt("correct horse")
    assert hasher.verify_and_update("correct horse", old) == (True, None)


def test_legacy_hash_of_unnormalised_password_verifies_and_upgrades(
    app: Vial,
) -> None:
    hasher = _hasher(app)
    typed = unicodedata.normalize("NFC", "Crème brûlée")
    # Another system hashed the password as typed, without normalising.
    old = pbkdf2_sha512.using(rounds=1000).hash(typed)
    ok, new = hasher.verify_and_update(typed, old)
    assert ok
    assert new is not None
    # The replacement is normalised: any visible-equal form now verifies.
    assert hasher.verify_password(unicodedata.normalize("NFD", typed), new)
    assert hasher.verify_and_update(typed, new) == (True, None)
    # An argon2 hash (current scheme) made from the typed form is upgraded too.
    current_scheme = argon2.using(type="ID", memory_cost=1024, time_cost=1)
    ok, new = hasher.verify_and_update(typed, current_scheme.hash(typed))
    assert ok
    assert new is not None


def test_legacy_bcrypt_hash_of_long_password_still_verifies(app: Vial) -> None:
    hasher = _hasher(app)
    password = "é" * 60  # 120 UTF-8 bytes, beyond bcrypt's 72-byte input
    old = _legacy_bcrypt(password)
    assert hasher.verify_password(password, old)
    ok, new = hasher.verify_and_update(password, old)
    assert ok
    assert new is not None
    # The argon2 replacement uses the whole password, not its first 72 bytes.
    assert not hasher.verify_password("é" * 36 + "x" * 24, new)


def test_bcrypt_first_hashes_long_passwords(app: Vial) -> None:
    hasher = _hasher(app, PASSWORD_SCHEMES=["bcrypt"])
    hashed = hasher.hash_password("x" * 100)
    assert hashed.startswith("$2b$04$")
    assert hasher.verify_password("x" * 100, hashed)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"PASSWORD_SCHEMES": "argon2"}, "non-empty list"),
        ({"PASSWORD_SCHEMES": []}, "non-empty list"),
        ({"PASSWORD_SCHEMES": ["argon2", "rot13"]}, "unknown scheme 'rot13'"),
        ({"PASSWORD_DEPRECATED": "bcrypt"}, "'auto' or a list"),
        ({"PASSWORD_DEPRECATED": ["md5_crypt"]}, "not in PASSWORD_SCHEMES"),
        ({"PASSWORD_DEPRECATED": ["argon2"]}, "used for new hashes"),
        ({"PASSWORD_HASH_OPTIONS": {"argon2": 3}}, "must map scheme names"),
        ({"PASSWORD_HASH_OPTIONS": {"argon2": {"bogus": 1}}}, "passlib rejects"),
        ({"PASSWORD_NORMALIZE_FORM": "NFX"}, "PASSWORD_NORMALIZE_FORM is 'NFX'"),
        ({"PASSWORD_PEPPER": ""}, "PASSWORD_PEPPER must be a non-empty"),
        ({"PASSWORD_PEPPER": 42}, "PASSWORD_PEPPER must be a non-empty"),
        ({"PASSWORD_PEPPER_FALLBACKS": "old"}, "list of older peppers"),
        ({"PASSWORD_PEPPER_FALLBACKS": [3]}, "PASSWORD_PEPPER_FALLBACKS must be"),
        ({"PASSWORD_MAX_LENGTH": -1}, "PASSWORD_MAX_LENGTH must be a whole"),
    ],
)
def test_invalid_config_fails_at_init_app(
    app: Vial, config: dict[str, t.Any], message: str
) -> None:
    app.config.update(config)
    with pytest.raises(ValueError, match=message):
        Passwords(app)
    assert "passwords" not in app.extensions


_MISSING_BACKEND_SCRIPT = """
import sys

sys.modules["argon2"] = None  # as if argon2-cffi were not installed
from vial import Vial
from vial_passwords import Passwords
from vial_passwords.hasher import is_encodable

app = Vial("no_backend")
try:
    Passwords(app)
except RuntimeError as error:
    print(error)
    sys.exit(0)
sys.exit("Passwords(app) started without an argon2 backend")
"""


def test_missing_backend_fails_at_init_app() -> None:
    # A fresh interpreter, because passlib caches backends once loaded.
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", textwrap.dedent(_MISSING_BACKEND_SCRIPT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "'argon2' in PASSWORD_SCHEMES has no backend" in result.stdout
    assert "pip install argon2-cffi" in result.stdout


def test_missing_backend_of_other_scheme_names_passlib_backends(
    app: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler = get_crypt_handler("scrypt")
    # Stand in for passlib's lookup failing; the check around it is real.
    monkeypatch.setattr(handler, "has_backend", classmethod(lambda cls: False))
    app.config["PASSWORD_SCHEMES"] = ["argon2", "scrypt"]
    with pytest.raises(
        RuntimeError, match="'scrypt' in PASSWORD_SCHEMES has no"
    ) as info:
        Passwords(app)
    for backend in handler.backends:
        assert backend in str(info.value)
    assert "remove 'scrypt' from PASSWORD_SCHEMES" in str(info.value)
    assert "passwords" not in app.extensions
