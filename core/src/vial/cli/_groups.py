"""Command groups that load the application, and the app context for
commands."""

from __future__ import annotations

import os
import platform
import sys
import traceback
import typing as t
from functools import update_wrapper
from importlib.metadata import entry_points
from importlib.metadata import version

import click

from vial import helpers
from vial.ctx import has_app_context
from vial.globals import _cv_app

from ._discovery import FlaskAppException
from ._discovery import locate_app
from ._discovery import NoAppException
from ._discovery import prepare_import
from ._discovery import split_app_import_path
from ._dotenv import _dotenv_installed
from ._dotenv import _require_dotenv_for
from ._dotenv import load_dotenv

if t.TYPE_CHECKING:
    from vial.app import Vial

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

#: Files tried, in order, when no app is named.
_DEFAULT_APP_FILES = ("wsgi.py", "app.py")


class ScriptInfo:
    """What a command needs to load the application, shared through the
    click context (``obj``).

    :param app_import_path: The ``--app`` value: ``module``, ``module:name``,
        ``module:factory(args)`` or a file path.
    :param create_app: A function returning the app; used before
        ``app_import_path``.
    :param set_debug_flag: Set the app's debug mode from ``VIAL_DEBUG`` (and
        ``--debug``) once it is loaded.
    :param load_dotenv_defaults: Load ``.vialenv`` and ``.env``; turned off
        by ``VIAL_SKIP_DOTENV=1``.
    """

    def __init__(
        self,
        app_import_path: str | None = None,
        create_app: t.Callable[..., Vial] | None = None,
        set_debug_flag: bool = True,
        load_dotenv_defaults: bool = True,
    ) -> None:
        self.app_import_path = app_import_path
        self.create_app = create_app
        #: Anything commands want to share.
        self.data: dict[t.Any, t.Any] = {}
        self.set_debug_flag = set_debug_flag
        self.load_dotenv_defaults = helpers.get_load_dotenv(load_dotenv_defaults)
        self._dotenv_loaded = False
        self._loaded_app: Vial | None = None

    def load_app(self) -> Vial:
        """Load the application once and return it; later calls return the
        same app.

        :raises NoAppException: when no app can be found.
        """
        if self._loaded_app is not None:
            return self._loaded_app

        app: Vial | None = None
        if self.create_app is not None:
            app = self.create_app()
        elif self.app_import_path:
            path, name = split_app_import_path(self.app_import_path)
            app = locate_app(prepare_import(path), name)
        else:
            for path in _DEFAULT_APP_FILES:
                if os.path.exists(path):
                    app = locate_app(prepare_import(path), None, False)
                    if app is not None:
                        break

        if app is None:
            raise NoAppException(
                "No application was found. Name it with '--app' or the"
                f" {helpers._env_names('APP')} environment variable, or put it"
                " in a 'wsgi.py' or 'app.py' file in the current directory."
            )

        if self.set_debug_flag:
            app.debug = helpers.get_debug_flag()

        self._loaded_app = app
        return app


#: Pass the :class:`ScriptInfo` to the decorated command callback.
pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def with_appcontext(f: F) -> F:
    """Run the decorated command inside the application's context.

    Commands added with ``app.cli.command()`` or a blueprint's
    ``cli.command()`` get this automatically. If a context is already pushed
    (by a test, or by the group that found the command) it is used as is.
    """

    @click.pass_context
    def decorator(ctx: click.Context, /, *args: t.Any, **kwargs: t.Any) -> t.Any:
        if not has_app_context():
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return update_wrapper(decorator, f)  # type: ignore[return-value]


class AppGroup(click.Group):
    """A click group whose commands run in the app context.

    ``command()`` wraps callbacks with :func:`with_appcontext` unless it is
    given ``with_appcontext=False``; ``group()`` makes another
    :class:`AppGroup`. ``app.cli`` and ``blueprint.cli`` are app groups.
    """

    @t.overload
    def command(self, __func: t.Callable[..., t.Any]) -> click.Command: ...

    @t.overload
    def command(
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], click.Command]: ...

    def command(
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], click.Command] | click.Command:
        """Register the decorated function as a command of this group,
        running in the app context; takes the arguments of
        :func:`click.command`, and ``with_appcontext``."""
        wrap = kwargs.pop("with_appcontext", True)

        def decorator(f: t.Callable[..., t.Any]) -> click.Command:
            if wrap:
                f = with_appcontext(f)
            cmd: click.Command = click.Group.command(self, *args, **kwargs)(f)
            return cmd

        if len(args) == 1 and not kwargs and callable(args[0]):
            # Used without parentheses: @app.cli.command
            f, args = args[0], ()
            return decorator(f)
        return decorator

    @t.overload
    def group(self, __func: t.Callable[..., t.Any]) -> click.Group: ...

    @t.overload
    def group(
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], click.Group]: ...

    def group(
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], click.Group] | click.Group:
        """Register the decorated function as a subgroup, an
        :class:`AppGroup` unless ``cls`` is given."""
        kwargs.setdefault("cls", AppGroup)
        rv: t.Callable[[t.Callable[..., t.Any]], click.Group] = super().group(
            *args, **kwargs
        )
        return rv


def get_version(ctx: click.Context, param: click.Parameter, value: t.Any) -> None:
    """Print the Python, vial and werkzeug versions and exit (``--version``)."""
    if not value or ctx.resilient_parsing:
        return
    from vial import __version__

    lines = [
        f"Python {platform.python_version()}",
        f"Vial {__version__}",
        f"Werkzeug {version('werkzeug')}",
    ]
    compat = sys.modules.get("vial.compat")
    if compat is not None and compat.is_aliased():
        # importlib.metadata reports this version for "flask" too.
        lines.append(
            f"Flask {compat.FLASK_VERSION} (the API vial provides with the"
            " compatibility switch on)"
        )
    click.echo("\n".join(lines))
    ctx.exit()


def _set_env_file(ctx: click.Context, param: click.Parameter, value: t.Any) -> t.Any:
    info = ctx.ensure_object(ScriptInfo)
    if value is not None and not _dotenv_installed():
        _require_dotenv_for(value)
    if value is not None or info.load_dotenv_defaults:
        load_dotenv(value, load_defaults=info.load_dotenv_defaults)
        info._dotenv_loaded = True
    return value


def _set_app(ctx: click.Context, param: click.Parameter, value: t.Any) -> t.Any:
    if value is not None:
        ctx.ensure_object(ScriptInfo).app_import_path = value
    return value


def _set_debug(ctx: click.Context, param: click.Parameter, value: t.Any) -> t.Any:
    if value is not None:
        # Through the environment, so that apps created while loading (in a
        # factory, say) already see debug mode, as with VIAL_DEBUG.
        helpers._setenv("DEBUG", "1" if value else "0")
    return value


class _AppOption(click.Option):
    """``--app``, read from ``VIAL_APP`` (or ``FLASK_APP`` with the Flask
    compatibility switch) when not given."""

    def resolve_envvar_value(self, ctx: click.Context) -> str | None:
        """Return ``VIAL_APP``, or the same variable under another prefix."""
        return helpers._getenv("APP") or None


def _make_options() -> tuple[click.Option, click.Option, click.Option]:
    env_file = click.Option(
        ["-e", "--env-file"],
        type=click.Path(exists=True, dir_okay=False),
        is_eager=True,
        expose_value=False,
        callback=_set_env_file,
        help="Load environment variables from this file; they win over those"
        " of '.vialenv' and '.env', but not over the environment itself."
        " Needs python-dotenv.",
    )
    app = _AppOption(
        ["-A", "--app"],
        metavar="IMPORT",
        is_eager=True,
        expose_value=False,
        callback=_set_app,
        help="The app to load: 'module:name', where the module may be a dotted"
        " name or a file path, and the name may be a factory call with"
        " literal arguments, 'create_app(\"dev\")'. Without a name, 'app',"
        " 'application', 'create_app' and 'make_app' are tried. Defaults to"
        " VIAL_APP.",
    )
    debug = click.Option(
        ["--debug/--no-debug"],
        default=None,
        expose_value=False,
        callback=_set_debug,
        help="Turn debug mode on or off; VIAL_DEBUG=1 also turns it on.",
    )
    return env_file, app, debug


def _version_option() -> click.Option:
    return click.Option(
        ["--version"],
        is_flag=True,
        is_eager=True,
        expose_value=False,
        callback=get_version,
        help="Show the vial, werkzeug and Python versions.",
    )


class VialGroup(AppGroup):
    """A command group that loads the application and adds its commands.

    Adds ``--env-file``, ``--app``, ``--debug`` and ``--version``, and the
    ``run``, ``shell`` and ``routes`` commands. Use it as the entry point of
    a project's own command when ``vial`` is not enough.

    :param add_default_commands: Add ``run``, ``shell`` and ``routes``.
    :param create_app: A function that returns the app, instead of
        ``--app``.
    :param add_version_option: Add ``--version``.
    :param load_dotenv: Load ``.vialenv`` and ``.env``.
    :param set_debug_flag: Set the app's debug mode from ``--debug`` and
        ``VIAL_DEBUG``.
    """

    #: The prefix of the environment variables read for options of the
    #: commands: ``VIAL_RUN_PORT`` for ``run --port``.
    envvar_prefix = "VIAL"

    def __init__(
        self,
        add_default_commands: bool = True,
        create_app: t.Callable[..., Vial] | None = None,
        add_version_option: bool = True,
        load_dotenv: bool = True,
        set_debug_flag: bool = True,
        **extra: t.Any,
    ) -> None:
        params = list(extra.pop("params", None) or ())
        self._env_file_option, self._app_option, debug_option = _make_options()
        params += [self._env_file_option, self._app_option, debug_option]
        if add_version_option:
            params.append(_version_option())
        settings = dict(extra.pop("context_settings", None) or {})
        settings.setdefault("auto_envvar_prefix", self.envvar_prefix)
        super().__init__(params=params, context_settings=settings, **extra)

        self.create_app = create_app
        self.load_dotenv = load_dotenv
        self.set_debug_flag = set_debug_flag

        if add_default_commands:
            from ._commands import routes_command
            from ._commands import run_command
            from ._commands import shell_command

            self.add_command(run_command)
            self.add_command(shell_command)
            self.add_command(routes_command)

        self._loaded_plugin_commands = False

    def _load_plugin_commands(self) -> None:
        """Add the commands installed packages declare as ``vial.commands``
        entry points (and ``flask.commands`` with the Flask switch on)."""
        if self._loaded_plugin_commands:
            return
        for prefix in helpers.ENV_PREFIXES:
            for ep in entry_points(group=f"{prefix.lower()}.commands"):
                self.add_command(ep.load(), ep.name)
        self._loaded_plugin_commands = True

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return a built-in or plugin command, or else one of the app's."""
        self._load_plugin_commands()
        rv = super().get_command(ctx, cmd_name)
        if rv is not None:
            return rv

        info = ctx.ensure_object(ScriptInfo)
        try:
            app = info.load_app()
        except FlaskAppException:
            # "No such command" would hide the fix: the compatibility switch.
            raise
        except NoAppException as e:
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
            return None
        return app.cli.get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """Find the command to invoke; the app's commands (even plain click
        commands added to ``app.cli``) run with the app's context pushed."""
        name, cmd, rest = super().resolve_command(ctx, args)
        if cmd is not None and name not in self.commands:
            app = ctx.ensure_object(ScriptInfo).load_app()
            current = _cv_app.get(None)
            if current is None or current.app is not app:
                # Pushed here, when the command is about to run, rather than
                # when it is looked up, which listing the help also does.
                ctx.with_resource(app.app_context())
        return name, cmd, rest

    def list_commands(self, ctx: click.Context) -> list[str]:
        """List the built-in, plugin and app commands; a failure to load the
        app is shown, and only the other commands are listed."""
        self._load_plugin_commands()
        names = set(super().list_commands(ctx))
        info = ctx.ensure_object(ScriptInfo)
        try:
            names.update(info.load_app().cli.list_commands(ctx))
        except NoAppException as e:
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
        except Exception:
            click.secho(f"{traceback.format_exc()}\n", err=True, fg="red")
        return sorted(names)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: t.Any,
    ) -> click.Context:
        """Create the context, with a :class:`ScriptInfo` as its object."""
        # app.run() reads this, to do nothing when 'vial run' serves the app.
        helpers._setenv("RUN_FROM_CLI", "true")
        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(
                create_app=self.create_app,
                set_debug_flag=self.set_debug_flag,
                load_dotenv_defaults=self.load_dotenv,
            )
        return super().make_context(info_name, args, parent=parent, **extra)

    def _prepare_for_help(self, ctx: click.Context) -> None:
        """Load the env files and read ``VIAL_APP`` if that has not happened
        yet, so the help lists the app's commands."""
        info = ctx.ensure_object(ScriptInfo)
        if not info._dotenv_loaded:
            self._env_file_option.handle_parse_result(ctx, {}, [])
        if info.app_import_path is None:
            self._app_option.handle_parse_result(ctx, {}, [])

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """The ``--help`` option, which prepares the app before showing the
        help, since it is processed before the other options."""
        option = super().get_help_option(ctx)
        if option is None or getattr(option.callback, "_vial_prepares", False):
            return option
        show_help = option.callback

        def callback(ctx: click.Context, param: click.Parameter, value: t.Any) -> t.Any:
            if value and not ctx.resilient_parsing:
                self._prepare_for_help(ctx)
            return show_help(ctx, param, value) if show_help else value

        callback._vial_prepares = True  # type: ignore[attr-defined]
        option.callback = callback
        return option

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse the arguments; without any, still load the env files and
        ``--app`` so the help lists the app's commands."""
        if not args and self.no_args_is_help:
            self._prepare_for_help(ctx)
        return super().parse_args(ctx, args)
