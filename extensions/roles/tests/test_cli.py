from __future__ import annotations

import pytest

from vial import Vial
from vial.testing import VialCliRunner
from vial_roles import MemoryDatastore
from vial_roles import role_granted
from vial_roles import role_revoked


@pytest.fixture
def runner(app: Vial) -> VialCliRunner:
    return app.test_cli_runner()


def test_create(runner: VialCliRunner, datastore: MemoryDatastore) -> None:
    result = runner.invoke(
        args=[
            "roles",
            "create",
            "auditor",
            "--permissions",
            "logs.read,reports.read",
            "--description",
            "Reads logs.",
        ]
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Created the role 'auditor'.\n"
    role = datastore.find_role("auditor")
    assert role is not None
    assert role.permissions == {"logs.read", "reports.read"}
    assert role.description == "Reads logs."


def test_create_without_options(
    runner: VialCliRunner, datastore: MemoryDatastore
) -> None:
    assert runner.invoke(args=["roles", "create", "guest"]).exit_code == 0
    role = datastore.find_role("guest")
    assert role is not None
    assert role.permissions == frozenset()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["admin"], "A role named 'admin' exists already."),
        (["two words"], "The role name 'two words' is not valid."),
        (["ok", "--permissions", "a b"], "The permission name 'a b' is not valid."),
    ],
)
def test_create_errors(runner: VialCliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(args=["roles", "create", *args])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {message}")


def test_add_and_remove(runner: VialCliRunner, datastore: MemoryDatastore) -> None:
    bob = datastore.find_user("bob@example.com")
    events: list[str] = []
    with (
        role_granted.connected_to(lambda sender, **kw: events.append("granted")),
        role_revoked.connected_to(lambda sender, **kw: events.append("revoked")),
    ):
        result = runner.invoke(args=["roles", "add", "bob@example.com", "editor"])
        assert result.exit_code == 0
        assert result.output == "Gave the role 'editor' to 'bob@example.com'.\n"
        assert [r.name for r in datastore.get_user_roles(bob)] == ["editor"]

        result = runner.invoke(args=["roles", "add", "bob@example.com", "editor"])
        assert result.exit_code == 0
        assert "already has the role 'editor'; nothing changed" in result.output

        result = runner.invoke(args=["roles", "remove", "bob@example.com", "editor"])
        assert result.exit_code == 0
        assert result.output == "Took the role 'editor' from 'bob@example.com'.\n"
        assert datastore.get_user_roles(bob) == []

        result = runner.invoke(args=["roles", "remove", "bob@example.com", "editor"])
        assert result.exit_code == 0
        assert "does not have the role 'editor'; nothing changed" in result.output
    assert events == ["granted", "revoked"]


@pytest.mark.parametrize("command", ["add", "remove"])
def test_unknown_user(runner: VialCliRunner, command: str) -> None:
    result = runner.invoke(args=["roles", command, "nobody@example.com", "admin"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: No user has the email 'nobody@example.com'. Users are found by"
        " their email; check the spelling.\n"
    )


@pytest.mark.parametrize("command", ["add", "remove"])
def test_unknown_role(
    runner: VialCliRunner, datastore: MemoryDatastore, command: str
) -> None:
    result = runner.invoke(args=["roles", command, "bob@example.com", "root"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: There is no role named 'root'. Create it first, for example"
        " with: vial roles create root\n"
    )
    assert datastore.get_user_roles(datastore.find_user("bob@example.com")) == []


def test_missing_arguments(runner: VialCliRunner) -> None:
    result = runner.invoke(args=["roles", "add", "bob@example.com"])
    assert result.exit_code == 2
    assert "Missing argument 'ROLE'" in result.output


def test_list(runner: VialCliRunner) -> None:
    result = runner.invoke(args=["roles", "list"])
    assert result.exit_code == 0
    assert result.output == (
        "admin: posts.edit, users.manage (Runs the site.)\n"
        "editor: posts.edit (Writes posts.)\n"
        "viewer: no permissions\n"
    )


def test_list_without_roles() -> None:
    from vial_roles import Roles

    app = Vial("empty")
    Roles(app, MemoryDatastore())
    result = app.test_cli_runner().invoke(args=["roles", "list"])
    assert result.exit_code == 0
    assert (
        result.output == "There are no roles yet; create one with: vial roles create\n"
    )


def test_help(runner: VialCliRunner) -> None:
    result = runner.invoke(args=["roles", "--help"])
    assert result.exit_code == 0
    for command in ("create", "add", "remove", "list"):
        assert f"  {command} " in result.output
    for command in ("add", "remove"):
        result = runner.invoke(args=["roles", command, "--help"])
        assert "the attribute the datastore finds users by" in result.output
