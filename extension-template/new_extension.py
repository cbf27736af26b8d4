"""Start a vial extension from the template: copy it and give it your names.

.. code-block:: console

    $ python extension-template/new_extension.py ../acme-downtime \\
        --distribution acme-downtime --package acme_downtime \\
        --prefix DOWNTIME_ --key downtime

copies ``extension-template/maintenance/`` to ``../acme-downtime`` and
renames, in every file and path:

- the distribution ``vial-maintenance`` (``--distribution``),
- the import package ``vial_maintenance`` (``--package``),
- the config prefix ``MAINTENANCE_`` (``--prefix``),
- the extension key ``maintenance``, which is also the blueprint, the
  command group and the templates' folder (``--key``),
- the class names that start with ``Maintenance`` (``--class-name``, by
  default the key in CamelCase: ``Downtime``, ``DowntimeError``).

The copy is a working extension under the new names, with passing tests:
change its behaviour from there. ``nox -s template`` runs this script and
then the copy's tests, the extension contract test and mypy on the copy.
"""

from __future__ import annotations

import argparse
import keyword
import re
import shutil
import sys
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: The template extension this script copies.
TEMPLATE = Path(__file__).resolve().parent / "maintenance"

#: The template's own names, which the copy must not keep anywhere.
OLD_WORD = "maintenance"

#: What is never copied: caches and build output.
IGNORED = shutil.ignore_patterns(
    "__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache", ".ruff_cache",
    "*.egg-info", "build", "dist", ".venv",
)  # fmt: skip

_DISTRIBUTION = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_PACKAGE = re.compile(r"^[a-z_][a-z0-9_]*$")
_PREFIX = re.compile(r"^[A-Z][A-Z0-9_]*_$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_CLASS = re.compile(r"^[A-Z][A-Za-z0-9]*$")
#: Names that are the core's or someone else's on PyPI ("vial" is an
#: unrelated project there).
_TAKEN = {"vial", "vial-core", "vial-maintenance"}


class InvalidName(ValueError):
    """A new name is not valid; the message says which and why."""


@dataclass(frozen=True)
class Names:
    """The names the copy gets."""

    distribution: str
    package: str
    prefix: str
    key: str
    class_name: str = ""

    def __post_init__(self) -> None:
        if not self.class_name:
            camel = "".join(part.capitalize() for part in self.key.split("_"))
            object.__setattr__(self, "class_name", camel)
        problems = list(self._problems())
        if problems:
            raise InvalidName(" ".join(problems))

    def _problems(self) -> Iterator[str]:
        normalized = re.sub(r"[-_.]+", "-", self.distribution).lower()
        if not _DISTRIBUTION.match(self.distribution):
            yield (
                f"The distribution name {self.distribution!r} is not valid; use"
                " letters, digits and '-', such as 'acme-downtime'."
            )
        elif normalized in _TAKEN:
            yield (
                f"The distribution name {self.distribution!r} is taken; pick one"
                " of your own, such as 'acme-downtime'."
            )
        if not _PACKAGE.match(self.package) or keyword.iskeyword(self.package):
            yield (
                f"The package {self.package!r} is not a lowercase Python"
                " identifier, such as 'acme_downtime'."
            )
        elif self.package in {"vial", "flask"} or self.package.startswith("flask_"):
            yield f"The package {self.package!r} would shadow another package."
        if not _PREFIX.match(self.prefix):
            yield (
                f"The config prefix {self.prefix!r} must be UPPER_CASE and end"
                " with '_', such as 'DOWNTIME_'."
            )
        if not _KEY.match(self.key):
            yield (
                f"The extension key {self.key!r} must be lowercase letters,"
                " digits and '_', such as 'downtime'."
            )
        if not _CLASS.match(self.class_name):
            yield (
                f"The class name {self.class_name!r} must be CamelCase, such"
                " as 'Downtime'."
            )
        for name in (self.distribution, self.package, self.prefix, self.key):
            if OLD_WORD in name.lower():
                yield f"{name!r} still holds the template's word {OLD_WORD!r}."

    def replace(self, text: str) -> str:
        """Return ``text`` with the template's names replaced by these."""
        text = text.replace("vial-maintenance", self.distribution)
        text = text.replace("vial_maintenance", self.package)
        text = text.replace("MAINTENANCE_", self.prefix)
        # "Maintenance", "MaintenanceError", "MaintenanceState": class names
        # and the start of a sentence; "maintenance" alone or between
        # underscores: the key, the command group, the templates' folder.
        text = re.sub(r"(?<![A-Za-z0-9])Maintenance", self.class_name, text)
        return re.sub(r"(?<![A-Za-z0-9])maintenance(?![A-Za-z0-9])", self.key, text)


def leftovers(folder: Path) -> list[str]:
    """Return ``path:line`` for every place under ``folder`` that still holds
    the template's word, in any case, file names included."""
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if OLD_WORD in relative.lower():
            found.append(relative)
        if not path.is_file():
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(lines, start=1):
            if OLD_WORD in line.lower():
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def copy_template(destination: Path, names: Names, source: Path = TEMPLATE) -> Path:
    """Copy ``source`` to ``destination`` under ``names``; return ``destination``.

    :raises FileExistsError: ``destination`` exists.
    :raises RuntimeError: the template's word is left somewhere in the copy
        (a template change this script does not handle); the message lists
        where.
    """
    if destination.exists():
        raise FileExistsError(
            f"{destination} exists already; name a folder that does not exist."
        )
    shutil.copytree(source, destination, ignore=IGNORED)
    # Deepest paths first, so renaming a folder never moves a path that is
    # still to be visited.
    for path in sorted(destination.rglob("*"), key=lambda p: -len(p.parts)):
        if path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                pass  # a binary file: copied as it is
            else:
                path.write_text(names.replace(text), encoding="utf-8")
        renamed = path.with_name(names.replace(path.name))
        if renamed != path:
            path.rename(renamed)
    left = leftovers(destination)
    if left:
        raise RuntimeError(
            "The copy still holds the template's name in these places; teach"
            " new_extension.py to rename them, or reword the template:\n"
            + "\n".join(left)
        )
    return destination


def main(argv: Sequence[str] | None = None) -> int:
    """Run the script: parse the arguments, copy and rename."""
    parser = argparse.ArgumentParser(
        description="Copy vial's extension template under names of your own."
    )
    parser.add_argument("destination", type=Path, help="a folder that does not exist")
    parser.add_argument("--distribution", required=True, help="e.g. acme-downtime")
    parser.add_argument("--package", required=True, help="e.g. acme_downtime")
    parser.add_argument("--prefix", required=True, help="e.g. DOWNTIME_")
    parser.add_argument("--key", required=True, help="e.g. downtime")
    parser.add_argument("--class-name", default="", help="e.g. Downtime (default)")
    args = parser.parse_args(argv)
    try:
        names = Names(
            args.distribution, args.package, args.prefix, args.key, args.class_name
        )
        copy_template(args.destination, names)
    except (InvalidName, FileExistsError) as e:
        parser.error(str(e))
    print(f"Created {names.distribution} in {args.destination}. Next:")
    print(f"  cd {args.destination}")
    print("  python -m pip install -e . pytest && python -m pytest")
    return 0


if __name__ == "__main__":
    sys.exit(main())
