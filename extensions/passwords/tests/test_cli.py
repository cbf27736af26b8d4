from __future__ import annotations

from vial import Vial
from vial.testing import VialCliRunner
from vial_passwords import Passwords


def test_hash_command_prints_a_verifiable_hash(
    app: Vial, runner: VialCliRunner
) -> None:
    Passwords(app)
    result = runner.invoke(
        args=["passwords", "hash"], input="correct horse\ncorrect horse\n"
    )
    assert result.exit_code == 0, result.output
    hashed = result.stdout.strip().splitlines()[-1]
    assert hashed.startswith("$argon2id$")
    # The password was read without echo: it never reaches the terminal.
    assert "correct horse" not in result.output
    assert "Repeat for confirmation" in result.output
    with app.app_context():
        assert app.extensions["passwords"].hasher.verify_password(
            "correct horse", hashed
        )


def test_hash_command_asks_again_when_confirmation_differs(
    app: Vial, runner: VialCliRunner
) -> None:
    Passwords(app)
    result = runner.invoke(
        args=["passwords", "hash"],
        input="correct horse\ncorrect hose\nbattery staple\nbattery staple\n",
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    hashed = result.stdout.strip().splitlines()[-1]
    hasher = app.extensions["passwords"].hasher
    assert hasher.verify_password("battery staple", hashed)
    assert not hasher.verify_password("correct horse", hashed)


def test_hash_command_refuses_a_password_against_policy(
    app: Vial, runner: VialCliRunner
) -> None:
    Passwords(app)
    result = runner.invoke(args=["passwords", "hash"], input="short\nshort\n")
    assert result.exit_code == 1
    assert "The password must be at least 8 characters long." in result.stderr
    assert "$argon2" not in result.output
