from __future__ import annotations

import copy
import json
import os
import pickle
import sys
import types
import typing as t
from datetime import timedelta
from pathlib import Path

import pytest

from vial import Vial
from vial.config import Config
from vial.config import ConfigAttribute
from vial.config import ConfigOption
from vial.config import ConfigOptions
from vial.config import REQUIRED
from vial.config import UNSET

TEST_KEY = "foo"
SECRET_KEY = "config"


def _assert_common(config: Config) -> None:
    assert config["TEST_KEY"] == "foo"
    assert config["SECRET_KEY"] == "config"
    assert "TestConfig" not in config


class _Owner:
    testing = ConfigAttribute[bool]("TESTING")
    lifetime = ConfigAttribute[timedelta](
        "LIFETIME",
        get_converter=lambda v: v if isinstance(v, timedelta) else timedelta(seconds=v),
    )

    def __init__(self) -> None:
        self.config = Config("/")


def test_config_attribute_reads_and_writes_config() -> None:
    owner = _Owner()
    owner.config["TESTING"] = False
    assert owner.testing is False
    owner.testing = True
    assert owner.config["TESTING"] is True
    assert owner.testing is True


def test_config_attribute_converter_applies_on_read() -> None:
    owner = _Owner()
    owner.lifetime = 90
    assert owner.config["LIFETIME"] == 90
    assert owner.lifetime == timedelta(seconds=90)


def test_config_attribute_on_class_is_descriptor() -> None:
    attr = _Owner.testing
    assert isinstance(attr, ConfigAttribute)
    assert attr.__name__ == "TESTING"


def test_config_attribute_missing_key_raises() -> None:
    owner = _Owner()
    with pytest.raises(KeyError):
        owner.testing  # noqa: B018


def test_defaults_and_root_path(tmp_path: Path) -> None:
    config = Config(tmp_path, {"A": 1})
    assert config.root_path == tmp_path
    assert config == {"A": 1}
    assert Config(tmp_path) == {}


def test_from_pyfile(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(
        "TEST_KEY = 'foo'\nSECRET_KEY = 'config'\nlower = 'ignored'\n"
        "class TestConfig: pass\n"
    )
    config = Config(tmp_path)
    assert config.from_pyfile("settings.py") is True
    _assert_common(config)
    assert "lower" not in config


def test_from_pyfile_absolute_path_and_pathlike(tmp_path: Path) -> None:
    path = tmp_path / "abs.py"
    path.write_text("X = __file__\n")
    config = Config("/somewhere/else")
    config.from_pyfile(path)
    assert config["X"] == str(path)


def test_from_pyfile_missing_names_file(tmp_path: Path) -> None:
    config = Config(tmp_path)
    with pytest.raises(OSError, match="Unable to load configuration file") as exc:
        config.from_pyfile("missing.cfg")
    assert "missing.cfg" in str(exc.value)
    assert exc.value.filename == str(tmp_path / "missing.cfg")


def test_from_pyfile_silent(tmp_path: Path) -> None:
    config = Config(tmp_path)
    assert config.from_pyfile("missing.cfg", silent=True) is False
    # A directory and a path through a file are "not there" as well.
    assert config.from_pyfile(str(tmp_path), silent=True) is False
    (tmp_path / "file").write_text("")
    assert config.from_pyfile("file/sub.py", silent=True) is False
    assert config == {}


def test_from_pyfile_syntax_error_propagates(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("X = (\n")
    with pytest.raises(SyntaxError):
        Config(tmp_path).from_pyfile("bad.py", silent=True)


def test_from_object_module_and_class() -> None:
    module = types.ModuleType("settings")
    module.TEST_KEY = "foo"  # type: ignore[attr-defined]
    module.SECRET_KEY = "config"  # type: ignore[attr-defined]
    module.lowercase = "no"  # type: ignore[attr-defined]
    config = Config("/")
    config.from_object(module)
    _assert_common(config)
    assert "lowercase" not in config

    class Base:
        TEST_KEY = "foo"
        DEBUG = False

    class Dev(Base):
        SECRET_KEY = "config"
        DEBUG = True
        hidden = 1

    config = Config("/")
    config.from_object(Dev)
    _assert_common(config)
    assert config["DEBUG"] is True
    assert "hidden" not in config


def test_from_object_import_string() -> None:
    config = Config("/")
    config.from_object(__name__)
    _assert_common(config)


def test_from_object_bad_import_string() -> None:
    with pytest.raises(ImportError):
        Config("/").from_object("vial_no_such_module_xyz.settings")


def test_from_envvar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIAL_TEST_SETTINGS", raising=False)
    config = Config(tmp_path)

    with pytest.raises(RuntimeError, match="'VIAL_TEST_SETTINGS' is not set"):
        config.from_envvar("VIAL_TEST_SETTINGS")

    assert config.from_envvar("VIAL_TEST_SETTINGS", silent=True) is False

    path = tmp_path / "env_settings.py"
    path.write_text("TEST_KEY = 'foo'\nSECRET_KEY = 'config'\n")
    monkeypatch.setenv("VIAL_TEST_SETTINGS", str(path))
    assert config.from_envvar("VIAL_TEST_SETTINGS") is True
    _assert_common(config)


def test_from_envvar_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIAL_TEST_SETTINGS", "missing.py")
    config = Config(tmp_path)

    with pytest.raises(OSError, match=r"missing\.py"):
        config.from_envvar("VIAL_TEST_SETTINGS")

    assert config.from_envvar("VIAL_TEST_SETTINGS", silent=True) is False


def test_from_prefixed_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIAL_STRING", "text")
    monkeypatch.setenv("VIAL_BOOL", "true")
    monkeypatch.setenv("VIAL_INT", "1")
    monkeypatch.setenv("VIAL_FLOAT", "1.5")
    monkeypatch.setenv("VIAL_LIST", "[1, 2]")
    monkeypatch.setenv("VIAL_DICT", '{"k": "v"}')
    monkeypatch.setenv("VIAL_NOT_JSON", "{broken")
    monkeypatch.setenv("NOT_VIAL_OTHER", "1")

    config = Config("/")
    assert config.from_prefixed_env() is True

    assert config["STRING"] == "text"
    assert config["BOOL"] is True
    assert config["INT"] == 1
    assert config["FLOAT"] == 1.5
    assert config["LIST"] == [1, 2]
    assert config["DICT"] == {"k": "v"}
    assert config["NOT_JSON"] == "{broken"
    assert "OTHER" not in config
    assert "NOT_VIAL_OTHER" not in config


def test_from_prefixed_env_custom_prefix_and_loads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("APP_A", "1")
    monkeypatch.setenv("VIAL_B", "2")

    config = Config("/")
    config.from_prefixed_env("APP", loads=lambda s: f"<{s}>")
    assert config == {"A": "<1>"}


def test_from_prefixed_env_nested(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIAL_EXIST__ok", "other")
    monkeypatch.setenv("VIAL_EXIST__inner__ik", "2")
    monkeypatch.setenv("VIAL_EXIST__new__more", '{"k": false}')
    monkeypatch.setenv("VIAL_NEW__K", "v")

    config = Config("/")
    config["EXIST"] = {"ok": "value", "flag": True, "inner": {"ik": 1}}
    config.from_prefixed_env()

    assert config["EXIST"] == {
        "ok": "other",
        "flag": True,
        "inner": {"ik": 2},
        "new": {"more": {"k": False}},
    }
    assert config["NEW"] == {"K": "v"}


def test_from_prefixed_env_nested_into_non_dict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VIAL_PORT__NUMBER", "1")
    config = Config("/", {"PORT": 8000})

    with pytest.raises(TypeError, match=r"'VIAL_PORT__NUMBER'.*type int, not dict"):
        config.from_prefixed_env()


def test_from_prefixed_env_sorted_order(monkeypatch: pytest.MonkeyPatch) -> None:
    # The whole-dict key sorts before the nested one, so the nested value is
    # applied last and wins, whatever order os.environ has.
    monkeypatch.setenv("VIAL_X__Y", "2")
    monkeypatch.setenv("VIAL_X", '{"Y": 1, "Z": 3}')

    config = Config("/")
    config.from_prefixed_env()
    assert config["X"] == {"Y": 2, "Z": 3}


def test_from_file_json(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(
        json.dumps({"TEST_KEY": "foo", "SECRET_KEY": "config", "lower": 1})
    )
    config = Config(tmp_path)
    assert config.from_file("config.json", load=json.load) is True
    _assert_common(config)
    assert "lower" not in config


def test_from_file_toml(tmp_path: Path) -> None:
    toml: t.Any
    if sys.version_info >= (3, 11):
        import tomllib as toml
    else:
        toml = pytest.importorskip("tomli")

    (tmp_path / "config.toml").write_text(
        'TEST_KEY = "foo"\nSECRET_KEY = "config"\n\n[DB]\nPORT = 5432\n'
    )
    config = Config(tmp_path)
    assert config.from_file("config.toml", load=toml.load, text=False) is True
    _assert_common(config)
    assert config["DB"] == {"PORT": 5432}


def test_from_file_missing(tmp_path: Path) -> None:
    config = Config(tmp_path)

    with pytest.raises(OSError, match="Unable to load configuration file") as exc:
        config.from_file("nope.json", load=json.load)

    assert "nope.json" in str(exc.value)
    assert config.from_file("nope.json", load=json.load, silent=True) is False


def test_from_file_other_os_error_not_silenced(tmp_path: Path) -> None:
    def fail(f: t.IO[t.Any]) -> dict[str, t.Any]:
        raise PermissionError(13, "Permission denied")

    (tmp_path / "c.json").write_text("{}")
    with pytest.raises(PermissionError, match="Unable to load configuration file"):
        Config(tmp_path).from_file("c.json", load=fail, silent=True)


def test_from_mapping() -> None:
    config = Config("/")
    assert config.from_mapping({"TEST_KEY": "foo", "lower": 1}, SECRET_KEY="config")
    _assert_common(config)
    assert "lower" not in config

    config = Config("/")
    config.from_mapping([("TEST_KEY", "foo"), ("SECRET_KEY", "config")])  # type: ignore[arg-type]
    _assert_common(config)

    config = Config("/")
    config.from_mapping(TEST_KEY="foo", SECRET_KEY="config", lower=2)
    _assert_common(config)

    config = Config("/")
    config.from_mapping(None)
    assert config == {}


def test_from_mapping_kwargs_override_mapping() -> None:
    config = Config("/")
    config.from_mapping({"A": 1}, A=2)
    assert config["A"] == 2


def test_get_namespace() -> None:
    config = Config("/")
    config["FOO_OPTION_1"] = "foo option 1"
    config["FOO_OPTION_2"] = "foo option 2"
    config["BAR_STUFF_1"] = "bar stuff 1"

    assert config.get_namespace("FOO_") == {
        "option_1": "foo option 1",
        "option_2": "foo option 2",
    }
    assert config.get_namespace("FOO_", lowercase=False) == {
        "OPTION_1": "foo option 1",
        "OPTION_2": "foo option 2",
    }
    assert config.get_namespace("BAR_", trim_namespace=False) == {
        "bar_stuff_1": "bar stuff 1"
    }
    assert config.get_namespace("BAR_", lowercase=False, trim_namespace=False) == {
        "BAR_STUFF_1": "bar stuff 1"
    }
    assert config.get_namespace("BAZ_") == {}


def test_repr() -> None:
    config = Config("/", {"A": 1})
    assert repr(config) == "<Config {'A': 1}>"

    class Sub(Config):
        pass

    assert repr(Sub("/")) == "<Sub {}>"


def test_is_a_dict() -> None:
    config = Config(os.getcwd())
    config.update(A=1)
    assert dict(config) == {"A": 1}
    assert isinstance(config, dict)


def test_app_config_is_config(app: Vial) -> None:
    assert isinstance(app.config, Config)
    assert app.config.root_path == app.root_path


def test_app_config_attributes(app: Vial) -> None:
    app.testing = False
    assert app.config["TESTING"] is False
    app.config["TESTING"] = True
    assert app.testing is True

    app.secret_key = "s3cret"
    assert app.config["SECRET_KEY"] == "s3cret"

    app.config["PERMANENT_SESSION_LIFETIME"] = 120
    assert app.permanent_session_lifetime == timedelta(minutes=2)
    app.permanent_session_lifetime = timedelta(hours=1)
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=1)


def test_app_config_from_pyfile_relative_to_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "settings.py").write_text("TEST_KEY = 'foo'\nSECRET_KEY = 'config'\n")
    app = Vial("configapp", root_path=str(tmp_path))
    # The working directory does not matter, only the app's root path.
    monkeypatch.chdir("/")
    app.config.from_pyfile("settings.py")
    _assert_common(app.config)
    assert app.secret_key == "config"


def _options() -> ConfigOptions:
    return ConfigOptions(
        ConfigOption("EXT_NAME", "ext", "Name of the thing."),
        ConfigOption("EXT_HOSTS", ["a", "b"], "Hosts, tried in order."),
        ConfigOption("EXT_LIFETIME", timedelta(days=7), "How long it lasts."),
        ConfigOption("EXT_FALLBACK", UNSET, "Overrides the object's attribute."),
    )


def test_config_option_is_read_only() -> None:
    option = ConfigOption("EXT_NAME", "ext", "Name of the thing.")
    with pytest.raises(AttributeError, match="read-only, so 'default' cannot"):
        option.default = "other"
    with pytest.raises(AttributeError, match="read-only, so 'doc' cannot"):
        del option.doc
    with pytest.raises(AttributeError):
        option.other = 1
    assert option.default == "ext"


def test_config_option_equality_copies_and_repr() -> None:
    option = ConfigOption("EXT_HOSTS", ["a"], "Hosts.", shown_default="a host")
    same = ConfigOption("EXT_HOSTS", ["a"], "Hosts.", shown_default="a host")
    assert option == same
    assert option != ConfigOption("EXT_HOSTS", ["b"], "Hosts.")
    assert option != ("EXT_HOSTS", ["a"], "Hosts.", "a host")
    hashable = ConfigOption("EXT_NAME", "ext", "Name.")
    assert hash(hashable) == hash(ConfigOption("EXT_NAME", "ext", "Name."))
    deep = copy.deepcopy(option)
    assert deep == option
    assert deep.default is not option.default
    assert pickle.loads(pickle.dumps(option)) == option
    assert copy.copy(option) == option
    assert repr(option) == (
        "ConfigOption('EXT_HOSTS', ['a'], 'Hosts.', shown_default='a host')"
    )
    assert repr(hashable) == "ConfigOption('EXT_NAME', 'ext', 'Name.')"
    assert repr(UNSET) == "UNSET"
    assert copy.deepcopy(UNSET) is UNSET


@pytest.mark.parametrize(
    "name", ["ext_name", "Ext_Name", " EXT_NAME", "EXT NAME", "EXT-NAME", "_", ""]
)
def test_config_option_name_must_be_upper_case(name: str) -> None:
    with pytest.raises(ValueError, match="is not UPPER_CASE"):
        ConfigOption(name, 1, "A documented key.")


def test_config_option_needs_a_doc() -> None:
    with pytest.raises(ValueError, match="'EXT_NAME' has no documentation"):
        ConfigOption("EXT_NAME", 1, "  ")


def test_config_options_refuse_a_key_twice() -> None:
    with pytest.raises(ValueError, match="'EXT_NAME' is listed twice"):
        ConfigOptions(
            ConfigOption("EXT_NAME", 1, "First."),
            ConfigOption("EXT_NAME", 2, "Second."),
        )


def test_config_options_iterate_in_order_and_look_up_by_name() -> None:
    options = _options()
    assert [option.name for option in options] == [
        "EXT_NAME",
        "EXT_HOSTS",
        "EXT_LIFETIME",
        "EXT_FALLBACK",
    ]
    assert len(options) == 4
    assert "EXT_HOSTS" in options
    assert "EXT_OTHER" not in options
    assert options["EXT_HOSTS"].default == ["a", "b"]
    assert repr(options) == (
        "<ConfigOptions ['EXT_NAME', 'EXT_HOSTS', 'EXT_LIFETIME', 'EXT_FALLBACK']>"
    )


def test_config_options_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="'EXT_OTHER' is not one of these") as info:
        _options()["EXT_OTHER"]
    assert "EXT_NAME, EXT_HOSTS, EXT_LIFETIME, EXT_FALLBACK" in str(info.value)


def test_apply_sets_missing_keys_and_keeps_the_apps_values(app: Vial) -> None:
    app.config["EXT_NAME"] = "mine"
    _options().apply(app)
    assert app.config["EXT_NAME"] == "mine"
    assert app.config["EXT_HOSTS"] == ["a", "b"]
    assert app.config["EXT_LIFETIME"] == timedelta(days=7)
    # A key documented as UNSET stays out of the config.
    assert "EXT_FALLBACK" not in app.config


def test_apply_gives_each_app_its_own_copy(app: Vial) -> None:
    options = _options()
    other = Vial("other")
    options.apply(app)
    options.apply(other)
    app.config["EXT_HOSTS"].append("c")
    assert other.config["EXT_HOSTS"] == ["a", "b"]
    assert options["EXT_HOSTS"].default == ["a", "b"]


def test_read_returns_the_apps_value_or_a_copy_of_the_default(app: Vial) -> None:
    options = _options()
    hosts = options.read(app, "EXT_HOSTS")
    assert hosts == ["a", "b"]
    hosts.append("c")
    assert options.read(app, "EXT_HOSTS") == ["a", "b"]
    assert "EXT_HOSTS" not in app.config
    app.config["EXT_HOSTS"] = ["z"]
    assert options.read(app, "EXT_HOSTS") == ["z"]
    app.config["EXT_FALLBACK"] = "set"
    assert options.read(app, "EXT_FALLBACK") == "set"


def test_read_refuses_unknown_and_unset_keys(app: Vial) -> None:
    options = _options()
    app.config["EXT_OTHER"] = 1
    with pytest.raises(KeyError, match="'EXT_OTHER' is not one of these"):
        options.read(app, "EXT_OTHER")
    with pytest.raises(KeyError, match="'EXT_FALLBACK' has no default"):
        options.read(app, "EXT_FALLBACK")


def test_apply_refuses_an_app_without_a_required_key(app: Vial) -> None:
    options = ConfigOptions(
        ConfigOption("EXT_SERVER", REQUIRED, "Host of the server."),
        ConfigOption("EXT_TOKEN", REQUIRED, "The API token."),
        ConfigOption("EXT_PORT", 25, "Port of the server."),
    )
    with pytest.raises(RuntimeError) as info:
        options.apply(app)
    message = str(info.value)
    assert "app.config['EXT_SERVER'], app.config['EXT_TOKEN']" in message
    assert "Set it before calling init_app." in message
    app.config["EXT_SERVER"] = "mail.example"
    with pytest.raises(RuntimeError, match="EXT_TOKEN"):
        options.apply(app)
    app.config["EXT_TOKEN"] = "secret"
    options.apply(app)
    assert app.config["EXT_PORT"] == 25
    assert app.config["EXT_SERVER"] == "mail.example"


def test_read_refuses_a_required_key_the_app_does_not_set(app: Vial) -> None:
    options = ConfigOptions(ConfigOption("EXT_SERVER", REQUIRED, "Host."))
    with pytest.raises(KeyError, match="'EXT_SERVER' has no default"):
        options.read(app, "EXT_SERVER")
    app.config["EXT_SERVER"] = "mail.example"
    assert options.read(app, "EXT_SERVER") == "mail.example"
    assert repr(REQUIRED) == "REQUIRED"
