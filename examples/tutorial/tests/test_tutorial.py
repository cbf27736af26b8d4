"""docs/tutorial.rst shows this project as it is: every code block is
included from its files, and every command it shows runs.

The docs build (``nox -s docs``, warnings are errors) fails as well when an
included ``:pyobject:`` or ``:start-at:`` text is gone; these tests say so
without building the docs, and run the commands, which Sphinx cannot.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from support import PROJECT

TUTORIAL = PROJECT.parents[1] / "docs" / "tutorial.rst"

#: Commands of the tutorial that are not ``vial`` commands, and who runs
#: them instead: ``nox -s tutorial`` makes this test's environment so.
OTHER_COMMANDS = {
    "python3 -m venv .venv": "nox makes the session's virtual environment",
    ". .venv/bin/activate": "nox runs the session in that environment",
    "pip install -e .": "nox installs this project, editable",
    "python -m pytest": "nox runs these tests",
}

#: What the commands that prompt read from their standard input.
PASSWORD = "ann's long password"
PROMPTS: dict[tuple[str, ...], str] = {("members", "add"): f"{PASSWORD}\n{PASSWORD}\n"}

#: Directives that show code; only literalinclude and console blocks may.
CODE_DIRECTIVES = {"code-block", "code", "sourcecode", "literalinclude"}
SELECTIONS = ("start-at", "start-after", "end-at", "end-before")

_DIRECTIVE = re.compile(r"^(\s*)\.\. ([\w-]+)::\s*(.*)$")
_OPTION = re.compile(r"^\s+:([\w-]+):\s*(.*)$")


@dataclasses.dataclass
class Block:
    """A directive of the tutorial, with its options and indented body."""

    line: int
    name: str
    argument: str
    options: dict[str, str]
    body: list[str]


def _blocks(text: str) -> list[Block]:
    lines = text.splitlines()
    blocks = []
    for number, line in enumerate(lines):
        match = _DIRECTIVE.match(line)
        if match is None:
            continue
        indent = len(match.group(1))
        block = Block(number + 1, match.group(2), match.group(3).strip(), {}, [])
        rest = iter(lines[number + 1 :])
        for following in rest:
            option = _OPTION.match(following)
            if option is None:
                break
            block.options[option.group(1)] = option.group(2).strip()
        else:
            following = ""
        body = [following] if following.strip() else []
        for following in rest:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            body.append(following)
        block.body = [line.strip() for line in body if line.strip()]
        blocks.append(block)
    return blocks


@dataclasses.dataclass
class Command:
    """A ``$ ...`` line of a console block, with the output shown under it."""

    line: str
    output: list[str]

    @property
    def args(self) -> list[str]:
        return shlex.split(self.line)


def _commands() -> list[Command]:
    commands: list[Command] = []
    for block in _blocks(TUTORIAL.read_text("utf-8")):
        if block.name != "code-block" or block.argument != "console":
            continue
        for line in block.body:
            if line.startswith("$ "):
                commands.append(Command(line[2:], []))
            else:
                commands[-1].output.append(line)
    return commands


def test_every_code_block_is_included_or_a_console_block() -> None:
    text = TUTORIAL.read_text("utf-8")
    for block in _blocks(text):
        if block.name in CODE_DIRECTIVES and block.name != "literalinclude":
            assert block.argument == "console", (
                f"docs/tutorial.rst:{block.line}: a {block.argument} block; include"
                " the code from examples/tutorial with literalinclude instead."
            )
    for number, line in enumerate(text.splitlines(), 1):
        literal = line.rstrip().endswith("::") and not _DIRECTIVE.match(line)
        assert not literal, (
            f"docs/tutorial.rst:{number}: a literal block (a paragraph ending"
            " with '::'); include the code with literalinclude instead."
        )


def _includes() -> list[Block]:
    blocks = _blocks(TUTORIAL.read_text("utf-8"))
    return [block for block in blocks if block.name == "literalinclude"]


def _has_object(source: str, dotted: str) -> bool:
    """Whether ``source`` defines ``dotted``, such as ``Tool`` or
    ``Tool.lend_to``, the way Sphinx's ``:pyobject:`` finds it."""
    scope: list[ast.stmt] = ast.parse(source).body
    for name in dotted.split("."):
        found = [
            node
            for node in scope
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and node.name == name
        ]
        if not found:
            return False
        scope = found[0].body
    return True


@pytest.mark.parametrize("block", _includes(), ids=lambda block: str(block.line))
def test_every_include_selects_something(block: Block) -> None:
    where = f"docs/tutorial.rst:{block.line}"
    path = (TUTORIAL.parent / block.argument).resolve()
    assert path.is_relative_to(PROJECT), f"{where}: include from examples/tutorial."
    assert path.is_file(), f"{where}: {block.argument} does not exist."
    source = path.read_text("utf-8")
    assert "lines" not in block.options, (
        f"{where}: line numbers go stale silently; select with :pyobject: or"
        " :start-at:/:end-before: instead."
    )
    if "pyobject" in block.options:
        assert _has_object(source, block.options["pyobject"]), (
            f"{where}: {path.name} defines no {block.options['pyobject']}."
        )
    position = 0
    for option in SELECTIONS:
        if option in block.options:
            position = source.find(block.options[option], position)
            assert position >= 0, (
                f"{where}: {path.name} has no {block.options[option]!r} (:{option}:)"
                " after the earlier selection."
            )


def test_files_named_in_the_tutorial_exist() -> None:
    text = TUTORIAL.read_text("utf-8")
    named = set(re.findall(r"``((?:toolshed|tests|migrations)/[^`]*)``", text))
    assert named, "The tutorial names no file of the project."
    missing = sorted(name for name in named if not (PROJECT / name).exists())
    assert missing == [], f"docs/tutorial.rst names files that do not exist: {missing}"


def test_commands_are_vial_commands_or_known() -> None:
    commands = _commands()
    assert len(commands) > 10
    unknown = [
        command.line
        for command in commands
        if command.args[0] != "vial" and command.line not in OTHER_COMMANDS
    ]
    assert unknown == [], (
        f"docs/tutorial.rst runs {unknown}; run them in"
        " test_every_vial_command_runs, or say in OTHER_COMMANDS who does."
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _vial() -> list[str]:
    script = Path(sys.executable).with_name("vial")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "vial"]


def _serve(args: list[str], cwd: Path, env: dict[str, str], log: Path) -> str:
    """Start the development server, return the home page's text, stop it."""
    url = f"http://127.0.0.1:{env['VIAL_RUN_PORT']}/"
    with log.open("wb") as output:
        # A session of its own: the reloader's child stops with the group.
        server = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=output, stderr=output, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                assert server.poll() is None, f"vial run stopped:\n{log.read_text()}"
                try:
                    # The reloader listens at once; its child may take a
                    # while to answer on a busy machine.
                    with urllib.request.urlopen(url, timeout=60) as response:
                        return str(response.read().decode())
                except (urllib.error.URLError, OSError):
                    time.sleep(0.2)
            pytest.fail(f"vial run did not answer at {url}:\n{log.read_text()}")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def test_every_vial_command_runs(tmp_path: Path) -> None:
    """Run the tutorial's commands in order in a copy of the project without
    its migrations folder and database, as a reader starts."""
    project = tmp_path / "toolshed-project"
    shutil.copytree(
        PROJECT,
        project,
        ignore=shutil.ignore_patterns(
            "migrations", "instance", "tests", "__pycache__", ".*"
        ),
    )
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("VIAL_", "FLASK_"))
    }
    env["VIAL_RUN_PORT"] = str(_free_port())
    ran = []
    for command in _commands():
        if command.args[0] != "vial":
            continue
        args = _vial() + command.args[1:]
        if "run" in command.args:
            page = _serve(args, project, env, tmp_path / "run.log")
            assert "<h1>The shelf</h1>" in page
            ran.append(command.line)
            continue
        prompted = PROMPTS.get(tuple(command.args[3:5]))
        result = subprocess.run(
            args,
            cwd=project,
            env=env,
            input=prompted,
            capture_output=True,
            text=True,
            timeout=120,
            # No terminal: a password prompt reads the input given here.
            start_new_session=True,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"$ {command.line}\n{output}"
        for line in command.output:
            if "..." not in line:  # "..." stands for what changes each run
                assert line in output, f"$ {command.line}\nshows {line!r}:\n{output}"
        ran.append(command.line)
    assert len(ran) >= 10
    assert len(list((project / "migrations" / "versions").glob("*.py"))) == 1
