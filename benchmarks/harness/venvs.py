"""One venv per framework in ``benchmarks/.venvs``, rebuilt when its inputs change."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

from .frameworks import BENCH_DIR
from .frameworks import child_environ
from .frameworks import CONSTRAINTS
from .frameworks import CORE_DIR
from .frameworks import Framework
from .frameworks import TOOLS

VENVS_DIR = BENCH_DIR / ".venvs"
_STAMP = "bench-stamp.json"

# The base interpreter, not the venv it may run in: nox's venv and a plain
# venv of the same Python share the framework venvs instead of rebuilding them.
_IDENTITY_SCRIPT = (
    "import sys; print(sys.version);"
    " print(getattr(sys, '_base_executable', sys.executable))"
)

_VERSIONS_SCRIPT = """
import importlib.metadata as m, json, sys
out = {}
for name in sys.argv[1:]:
    try:
        out[name] = m.version(name)
    except m.PackageNotFoundError:
        out[name] = None
print(json.dumps(out))
"""


def _uv() -> list[str] | None:
    found = shutil.which("uv")
    if found:
        return [found]
    try:
        import uv  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return [str(uv.find_uv_bin())]


def _python_identity(python: str) -> str:
    out = subprocess.run(
        [python, "-c", _IDENTITY_SCRIPT],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def _fingerprint(framework: Framework, python: str) -> dict[str, str]:
    digest = hashlib.sha256(CONSTRAINTS.read_bytes())
    if framework.local_core:
        digest.update((CORE_DIR / "pyproject.toml").read_bytes())
    return {
        # Bump when the way venvs are built changes, so old ones are rebuilt.
        "recipe": "2",
        "python": _python_identity(python),
        "packages": " ".join((*framework.packages, *TOOLS)),
        "inputs": digest.hexdigest(),
    }


def venv_python(framework: Framework) -> Path:
    """Return the interpreter of ``framework``'s venv."""
    return VENVS_DIR / framework.name / "bin" / "python"


def _install(framework: Framework, target: Path, python: str, log: Path) -> None:
    requirements = [*framework.packages, *TOOLS]
    if framework.local_core:
        # Editable, so every run measures the core as it is in the work tree.
        requirements += ["-e", str(CORE_DIR)]
    uv = _uv()
    env = child_environ()
    with log.open("w") as out:
        if uv is not None:
            subprocess.run(
                [*uv, "venv", "--quiet", "--python", python, str(target)],
                check=True,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )
            command = [
                *uv,
                "pip",
                "install",
                "--compile-bytecode",
                "--python",
                str(target / "bin/python"),
            ]
        else:
            subprocess.run(
                [python, "-m", "venv", str(target)],
                check=True,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )
            command = [str(target / "bin/python"), "-m", "pip", "install", "-q"]
        subprocess.run(
            [*command, "-c", str(CONSTRAINTS), *requirements],
            check=True,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )


def ensure_venv(framework: Framework, python: str, *, reinstall: bool = False) -> Path:
    """Create or refresh ``framework``'s venv and return its interpreter."""
    target = VENVS_DIR / framework.name
    stamp = target / _STAMP
    wanted = _fingerprint(framework, python)
    if not reinstall and stamp.exists():
        try:
            if json.loads(stamp.read_text()) == wanted:
                return venv_python(framework)
        except ValueError:
            pass
    if target.exists():
        shutil.rmtree(target)
    VENVS_DIR.mkdir(parents=True, exist_ok=True)
    log = VENVS_DIR / f"{framework.name}-install.log"
    print(f"  creating venv for {framework.label} (log: {log})", file=sys.stderr)
    try:
        _install(framework, target, python, log)
    except subprocess.CalledProcessError as error:
        raise RuntimeError(
            f"Installing the {framework.label} venv failed; see {log} for details."
        ) from error
    stamp.write_text(json.dumps(wanted))
    return venv_python(framework)


def installed_versions(framework: Framework) -> dict[str, str | None]:
    """Return the installed version of each distribution the results report."""
    out = subprocess.run(
        [str(venv_python(framework)), "-c", _VERSIONS_SCRIPT, *framework.report],
        check=True,
        capture_output=True,
        text=True,
        env=child_environ(),
    )
    versions: dict[str, str | None] = json.loads(out.stdout)
    return versions
