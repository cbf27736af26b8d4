"""The extension contract, checked on every package under ``extensions/``.

A package joins by existing: each ``extensions/*/pyproject.toml`` is found,
and its ``[tool.vial.extension]`` table says where the extension class, its
``vial.ext.ExtensionKey`` and its ``vial.ext.ConfigOptions`` are. Every
test names the package in its id (``test_...[login]``) and, when it fails,
says what is missing and where.
"""

from __future__ import annotations

import gc
import importlib
import importlib.metadata
import json
import sys
import types
import typing as t
import weakref
from collections.abc import Iterator
from collections.abc import Mapping
from pathlib import Path

import pytest
from contract import between
from contract import ContractError
from contract import Declared
from contract import discover
from contract import ignored_proxy_lines
from contract import import_circles
from contract import import_graph
from contract import load
from contract import Package
from contract import private_vial_names
from contract import python_blocks
from contract import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from vial import Vial
from vial.ext import FLASK_ALIASES_GROUP
from vial.ext import REQUIRED
from vial.ext import UNSET

sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from vial_config_tables import markdown_table

PACKAGES = discover()


@pytest.fixture(params=PACKAGES, ids=[package.slug for package in PACKAGES])
def package(request: pytest.FixtureRequest) -> Package:
    """Each extension package in turn."""
    return t.cast(Package, request.param)


@pytest.fixture
def declared(package: Package) -> Declared:
    """The package's contract table, with the objects it names imported."""
    try:
        return load(package)
    except ContractError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture
def make_app(
    declared: Declared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> t.Callable[..., Vial]:
    """Return a function that makes a fresh app with the declared config."""
    monkeypatch.chdir(tmp_path)
    made = iter(range(1000))

    def make(*, config: Mapping[str, t.Any] | None = None) -> Vial:
        app = Vial(
            f"contract_{declared.package.slug}_{next(made)}",
            root_path=str(tmp_path),
            instance_path=str(tmp_path / "instance"),
        )
        app.config.update(declared.config if config is None else config)
        return app

    return make


# -- setting up --------------------------------------------------------------


def test_ext_with_the_app(declared: Declared, make_app: t.Callable[..., Vial]) -> None:
    app = make_app()
    declared.make(app)
    key = declared.state
    assert key.is_registered(app), (
        f"{declared.cls.__name__}(app) did not register its state under"
        f" app.extensions[{key.name!r}]; call {key!r}.register(app, state) in"
        " init_app."
    )
    assert app.extensions[key.name] is key.get(app)
    with app.app_context():
        assert key.get() is app.extensions[key.name]


def test_ext_then_init_app(declared: Declared, make_app: t.Callable[..., Vial]) -> None:
    ext = declared.make()
    app = make_app()
    assert not declared.state.is_registered(app), (
        f"{declared.cls.__name__}() without an app touched an app"
    )
    ext.init_app(app)
    assert declared.state.is_registered(app), (
        f"{declared.cls.__name__}().init_app(app) did not register its state"
        f" under app.extensions[{declared.state.name!r}]."
    )


def test_one_object_serves_two_apps(
    declared: Declared, make_app: t.Callable[..., Vial]
) -> None:
    ext = declared.make()
    first, second = make_app(), make_app()
    ext.init_app(first)
    ext.init_app(second)
    key = declared.state
    assert key.get(first) is not key.get(second), (
        "Two apps share one state object; init_app must create a state per app."
    )
    for app in (first, second):
        with app.app_context():
            assert key.get() is app.extensions[key.name]


def _fields(obj: object) -> dict[str, t.Any]:
    """Return the attributes stored on ``obj`` (its __dict__ and slots)."""
    fields = dict(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        for name in [slots] if isinstance(slots, str) else slots:
            if name not in ("__dict__", "__weakref__") and hasattr(obj, name):
                fields[name] = getattr(obj, name)
    return fields


def _refers_to(value: t.Any, apps: tuple[Vial, ...], depth: int = 2) -> bool:
    """Return whether ``value`` is one of ``apps`` or holds one, shallowly."""
    if any(value is app for app in apps):
        return True
    if isinstance(value, weakref.ref):
        return _refers_to(value(), apps, 0)
    if isinstance(value, types.MethodType):
        return _refers_to(value.__self__, apps, 0)
    if depth and isinstance(value, (list, tuple, set, frozenset)):
        return any(_refers_to(item, apps, depth - 1) for item in value)
    if depth and isinstance(value, (Mapping, weakref.WeakKeyDictionary)):
        return any(
            _refers_to(k, apps, depth - 1) or _refers_to(v, apps, depth - 1)
            for k, v in list(value.items())
        )
    return False


def _sizes(fields: Mapping[str, t.Any]) -> dict[str, int]:
    containers = (list, set, dict, Mapping, weakref.WeakKeyDictionary)
    return {name: len(v) for name, v in fields.items() if isinstance(v, containers)}


def _package_globals(declared: Declared) -> dict[str, t.Any]:
    prefix = declared.package.import_name
    found = {}
    for name, module in list(sys.modules.items()):
        if name == prefix or name.startswith(prefix + "."):
            found.update({f"{name}.{k}": v for k, v in vars(module).items()})
    return found


def test_nothing_per_app_on_the_object_or_in_module_globals(
    declared: Declared, make_app: t.Callable[..., Vial]
) -> None:
    ext = declared.make()
    first, second = make_app(), make_app()
    ext.init_app(first)
    after_first, globals_first = _fields(ext), _package_globals(declared)
    # Sizes now: the containers are the same objects after the second app.
    sizes, global_sizes = _sizes(after_first), _sizes(globals_first)
    ext.init_app(second)
    after_second, globals_second = _fields(ext), _package_globals(declared)
    name = type(ext).__name__

    held = sorted(k for k, v in after_second.items() if _refers_to(v, (first, second)))
    assert not held, f"{name} keeps an app in its attributes {held}."
    added = sorted(set(after_second) - set(after_first))
    assert not added, f"init_app on a second app added {name} attributes {added}."
    changed = sorted(
        k
        for k, v in after_first.items()
        if k in after_second and after_second[k] is not v and after_second[k] != v
    )
    assert not changed, (
        f"init_app on a second app replaced {name} attributes {changed}; keep"
        f" per-app values in the state ({declared.state!r})."
    )
    grown = sorted(k for k, v in _sizes(after_second).items() if v > sizes.get(k, v))
    assert not grown, f"{name} attributes {grown} grow with every app set up."

    in_globals = sorted(
        k for k, v in globals_second.items() if _refers_to(v, (first, second))
    )
    assert not in_globals, f"Module globals hold an app: {in_globals}."
    grown = sorted(
        k for k, v in _sizes(globals_second).items() if v > global_sizes.get(k, v)
    )
    assert not grown, f"Module globals {grown} grow with every app set up."


def _runtime_error_of(
    call: t.Callable[..., t.Any], *args: t.Any
) -> RuntimeError | None:
    """Return the RuntimeError ``call(*args)`` raises, or None if it returns."""
    try:
        call(*args)
    except RuntimeError as e:
        return e
    return None


def test_a_second_init_app(declared: Declared, make_app: t.Callable[..., Vial]) -> None:
    app = make_app()
    ext = declared.make(app)
    key = declared.state
    first_state = key.get(app)
    if declared.replace_on_second_init:
        try:
            declared.make().init_app(app)
        except RuntimeError as e:
            pytest.fail(
                "replace_on_second_init = true, but a second init_app raised"
                f" ({e}); make the key with ExtensionKey(..., replace=True).",
                pytrace=False,
            )
        assert key.get(app) is not first_state, (
            "replace_on_second_init = true, but a second init_app kept the"
            " first state; register with ExtensionKey(..., replace=True)."
        )
        return
    error = _runtime_error_of(ext.init_app, app)
    if error is None:
        pytest.fail(
            "A second init_app on the same app did not raise, and"
            " replace_on_second_init is not true; register the state with"
            f" {key!r}.register(app, state), made without replace=True"
            f" (now replace={key.replace}).",
            pytrace=False,
        )
    assert "init_app" in str(error), (
        f"The error of a second init_app does not name init_app: {error}"
    )
    assert key.get(app) is first_state


def test_an_app_never_set_up_names_init_app(
    declared: Declared, make_app: t.Callable[..., Vial]
) -> None:
    app = make_app()
    key = declared.state
    for lookup in (lambda: key.get(app), key.get):
        with app.app_context(), pytest.raises(RuntimeError) as caught:
            lookup()
        assert "init_app" in str(caught.value), (
            f"Using {key!r} on an app never set up gives an error that does"
            f" not name init_app: {caught.value}. Give the key"
            " setup='Ext(app) or ext.init_app(app)'."
        )


# -- configuration -----------------------------------------------------------


def test_every_config_key_is_prefixed(declared: Declared) -> None:
    names = [option.name for option in declared.options]
    assert names, f"{declared.options_path} declares no option."
    loose = [
        name
        for name in names
        if not name.startswith(declared.prefixes) and name not in declared.flask_names
    ]
    assert not loose, (
        f"{loose} start with none of {list(declared.prefixes)} and are not"
        " declared in flask_names (names the Flask counterpart uses)."
    )
    assert all(name == name.upper() for name in names), names
    stale = sorted(set(declared.flask_names) - set(names))
    assert not stale, f"flask_names lists {stale}, which are not options."


def test_init_app_applies_the_defaults(
    declared: Declared, make_app: t.Callable[..., Vial]
) -> None:
    app = make_app()
    core_defaults = dict(make_app(config={}).config)
    declared.make().init_app(app)
    for option in declared.options:
        if option.name in declared.config:
            expected = declared.config[option.name]
        elif option.default is REQUIRED:
            pytest.fail(
                f"{option.name} is REQUIRED: give it a value in the config of"
                f" {declared.package.rel}/pyproject.toml's [tool.vial.extension].",
                pytrace=False,
            )
        elif option.name in core_defaults:
            expected = core_defaults[option.name]
        elif option.default is UNSET:
            assert option.name not in app.config, option.name
            continue
        else:
            expected = option.default
        assert option.name in app.config, f"init_app did not set {option.name}."
        assert app.config[option.name] == expected, option.name


def test_required_keys_are_asked_for_at_init_app(
    declared: Declared, make_app: t.Callable[..., Vial]
) -> None:
    required = [o.name for o in declared.options if o.default is REQUIRED]
    for name in required:
        config = {k: v for k, v in declared.config.items() if k != name}
        error = _runtime_error_of(declared.make().init_app, make_app(config=config))
        if error is None:
            pytest.fail(
                f"init_app without the REQUIRED {name} did not raise; call"
                f" {declared.options_path}.apply(app) in init_app.",
                pytrace=False,
            )
        assert name in str(error), f"The error does not name {name}: {error}"


# -- the distribution ----------------------------------------------------------


def test_ships_py_typed(package: Package) -> None:
    typed = f"{package.import_name.replace('.', '/')}/py.typed"
    assert (package.folder / "src" / typed).is_file(), (
        f"{package.rel}/src/{typed} is missing."
    )
    name = package.project["name"]
    try:
        distribution = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        pytest.fail(f"{name} is not installed; nox -s integration installs it.")
    direct_url = json.loads(distribution.read_text("direct_url.json") or "{}")
    if direct_url.get("dir_info", {}).get("editable"):
        return  # an editable install lists no package files; the wheel does
    files = distribution.files or []
    assert any(file.as_posix() == typed for file in files), (
        f"The installed {name} has no {typed}, though {package.rel}/src has:"
        " the build leaves it out."
    )


def test_has_a_changelog(package: Package) -> None:
    changes = package.folder / "CHANGES.md"
    assert changes.is_file(), f"{package.rel}/CHANGES.md is missing."
    assert changes.read_text(encoding="utf-8").lstrip().startswith("#"), (
        f"{package.rel}/CHANGES.md has no heading."
    )


def test_requires_vial_core_with_a_lower_bound(package: Package) -> None:
    requirements = [Requirement(r) for r in package.project.get("dependencies", ())]
    names = {str(canonicalize_name(r.name)): r for r in requirements}
    assert "vial" not in names, "'vial' on PyPI is an unrelated project."
    core = names.get("vial-core")
    assert core is not None, f"{package.rel} does not depend on vial-core."
    assert any(spec.operator == ">=" for spec in core.specifier), (
        f"{package.rel} requires {core}; give vial-core a lower bound (>=)."
    )


def test_the_declared_flask_aliases_resolve(package: Package) -> None:
    from vial.compat import extension_aliases

    declared = package.project.get("entry-points", {}).get(FLASK_ALIASES_GROUP, {})
    installed = extension_aliases()
    for alias, module in declared.items():
        assert installed.get(alias) == module, (
            f"{package.rel} declares {alias} = {module!r} in"
            f" [project.entry-points.{FLASK_ALIASES_GROUP!r}], which the"
            " installed entry points do not hold."
        )
        importlib.import_module(module)


# -- README and docs ---------------------------------------------------------


def run_quickstart(readme: Path, name: str, folder: Path) -> dict[str, t.Any]:
    """Run the README's quickstart, then its check, in one new module."""
    text = readme.read_text(encoding="utf-8")
    where = readme.relative_to(ROOT).as_posix()
    quickstart = between(text, "<!-- quickstart -->", "<!-- /quickstart -->")
    check = between(text, "<!-- quickstart-check -->", "<!-- /quickstart-check -->")
    assert quickstart is not None, (
        f"{where} has no <!-- quickstart --> ... <!-- /quickstart --> section."
    )
    assert check is not None, (
        f"{where} has no <!-- quickstart-check --> ... <!-- /quickstart-check -->"
        " section after the quickstart."
    )
    code, check_code = python_blocks(quickstart), python_blocks(check)
    assert code.strip(), f"{where}: the quickstart holds no ```python block."
    assert "assert " in check_code, f"{where}: the check block asserts nothing."
    assert "test_client" in check_code, (
        f"{where}: the check block does not use app.test_client()."
    )
    module = types.ModuleType(name)
    module.__file__ = str(folder / f"{name}.py")
    Path(module.__file__).write_text(code, encoding="utf-8")
    sys.modules[name] = module
    try:
        exec(compile(code, f"{where} (quickstart)", "exec"), module.__dict__)
        assert isinstance(module.__dict__.get("app"), Vial), (
            f"{where}: the quickstart defines no Vial app named 'app'."
        )
        exec(
            compile(check_code, f"{where} (quickstart-check)", "exec"), module.__dict__
        )
    finally:
        del sys.modules[name]
    return module.__dict__


@pytest.fixture
def fresh_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty folder as the working directory; garbage collected after."""
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    gc.collect()


def test_the_readme_quickstart_runs(package: Package, fresh_folder: Path) -> None:
    run_quickstart(
        package.folder / "README.md", f"quickstart_{package.slug}", fresh_folder
    )


def test_the_core_readme_quickstart_runs(fresh_folder: Path) -> None:
    run_quickstart(ROOT / "core" / "README.md", "quickstart_core", fresh_folder)


def test_the_readme_config_table_is_the_code(declared: Declared) -> None:
    readme = declared.package.folder / "README.md"
    shown = between(
        readme.read_text(encoding="utf-8"),
        "<!-- config table start -->",
        "<!-- config table end -->",
    )
    where = f"{declared.package.rel}/README.md"
    assert shown is not None, (
        f"{where} has no <!-- config table start --> ... <!-- config table end -->"
        " section."
    )
    assert shown.strip() == markdown_table(declared.options).strip(), (
        f"{where}'s config table differs from the code; paste the output of"
        f" markdown_table({declared.options_path}) (docs/_ext/vial_config_tables.py)."
    )


def test_the_docs_page_renders_the_config_table(declared: Declared) -> None:
    page = ROOT / "docs" / "extensions" / f"{declared.package.slug}.rst"
    assert page.is_file(), f"docs/extensions/{page.name} is missing."
    directive = f".. vial-config-table:: {declared.options_path}"
    assert directive in page.read_text(encoding="utf-8"), (
        f"docs/extensions/{page.name} does not hold '{directive}'."
    )


# -- the sources -------------------------------------------------------------


def _findings(
    package: Package, finder: t.Callable[[str], t.Iterable[tuple[int, str]]]
) -> list[str]:
    """Return ``path:line: text`` for what ``finder`` finds in each module."""
    return [
        f"{path.relative_to(ROOT).as_posix()}:{line}: {text}"
        for path in package.modules().values()
        for line, text in finder(path.read_text(encoding="utf-8"))
    ]


def test_no_private_vial_name(package: Package) -> None:
    found = _findings(package, private_vial_names)
    assert not found, (
        "Private vial names used (take them from vial.ext instead):\n"
        + "\n".join(found)
    )


def test_no_type_ignore_on_a_core_proxy(package: Package) -> None:
    found = _findings(package, ignored_proxy_lines)
    assert not found, (
        "type: ignore on a core proxy (use vial.ext.get_app(), get_request()"
        " or current_app_context()):\n" + "\n".join(found)
    )


def test_no_import_circle(package: Package) -> None:
    graph = import_graph(package.modules())
    circles = import_circles(graph)
    described = [
        " and ".join(
            f"{a} -> {', '.join(sorted(graph[a] & set(group)))}" for a in group
        )
        for group in circles
    ]
    assert not circles, (
        f"Import circles inside {package.import_name} (module-level imports;"
        " a lower module reads the state through its ExtensionKey instead of"
        " importing the extension):\n" + "\n".join(described)
    )
