"""The built-in commands: ``run``, ``routes`` and ``shell``."""

from __future__ import annotations

import os
import ssl
import sys
import typing as t
from operator import itemgetter

import click
from werkzeug.serving import is_running_from_reloader
from werkzeug.utils import import_string

from vial import helpers
from vial.globals import current_app

from ._discovery import split_app_import_path
from ._groups import pass_script_info
from ._groups import ScriptInfo
from ._groups import with_appcontext

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment


class _EnvOption(click.Option):
    """An option whose automatic environment variable is read under every
    prefix in :data:`vial.helpers.ENV_PREFIXES`.

    Click reads ``VIAL_RUN_PORT`` for ``vial run --port``; with the Flask
    compatibility switch on, ``FLASK_RUN_PORT`` is read too.
    """

    def resolve_envvar_value(self, ctx: click.Context) -> str | None:
        """Return the value from the environment, trying each prefix."""
        rv = super().resolve_envvar_value(ctx)
        if rv is not None or not self.allow_from_autoenv or not self.name:
            return rv
        prefix = ctx.auto_envvar_prefix
        if prefix is None:
            return None
        own, _, rest = prefix.partition("_")
        for other in helpers.ENV_PREFIXES:
            if other == own:
                continue
            name = f"{other}_{rest}_" if rest else f"{other}_"
            value = os.environ.get(f"{name}{self.name.upper()}")
            if value:
                return value
        return None


class CertParamType(click.ParamType):  # type: ignore[type-arg]
    """The ``--cert`` value: a certificate file, ``adhoc`` for a generated
    certificate, or the import name of an :class:`ssl.SSLContext`."""

    name = "path"

    def __init__(self) -> None:
        self.path_type = click.Path(exists=True, dir_okay=False, resolve_path=True)

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """Check the value and return a path, ``"adhoc"`` or a context."""
        try:
            return self.path_type(value, param, ctx)
        except click.BadParameter:
            value = click.STRING(value, param, ctx).lower()
            if value == "adhoc":
                try:
                    import cryptography  # type: ignore[import-not-found, unused-ignore]  # noqa: F401
                except ImportError:
                    raise click.BadParameter(
                        "An ad-hoc certificate is generated with the"
                        " 'cryptography' library, which is not installed."
                        " Install it with 'pip install cryptography'.",
                        ctx,
                        param,
                    ) from None
                return value

            obj = import_string(value, silent=True)
            if isinstance(obj, ssl.SSLContext):
                return obj
            raise


def _validate_key(ctx: click.Context, param: click.Parameter, value: t.Any) -> t.Any:
    """Combine ``--key`` with ``--cert``, which needs it only for a file."""
    cert = ctx.params.get("cert")
    is_adhoc = cert == "adhoc"
    is_context = isinstance(cert, ssl.SSLContext)

    if value is not None:
        if is_adhoc:
            raise click.BadParameter(
                "'--key' cannot be used with an ad-hoc certificate, which"
                " makes its own key. Remove '--key'.",
                ctx,
                param,
            )
        if is_context:
            raise click.BadParameter(
                "'--key' cannot be used when '--cert' is an SSLContext, which"
                " holds the key already. Remove '--key'.",
                ctx,
                param,
            )
        if not cert:
            raise click.BadParameter(
                "'--key' needs '--cert' with the certificate file.", ctx, param
            )
        ctx.params["cert"] = (cert, value)
    elif cert and not is_adhoc and not is_context:
        raise click.BadParameter(
            "A certificate file also needs its private key: add '--key'.",
            ctx,
            param,
        )
    return value


class SeparatedPathType(click.Path):
    """A list of paths in one value, separated like ``PATH`` (``:`` on POSIX,
    ``;`` on Windows); each is checked as a :class:`click.Path`."""

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """Split the value and check every path."""
        paths = []
        for item in self.split_envvar_value(value):
            paths.append(super().convert(item, param, ctx))
        return paths


def _gunicorn_target(app_import_path: str | None) -> str:
    """The app as gunicorn names it, ``module:name``, for the hint."""
    if not app_import_path:
        return "module:app"
    path, name = split_app_import_path(app_import_path)
    if path.endswith(".py") or os.sep in path or "/" in path:
        base = os.path.splitext(os.path.normpath(path))[0]
        path = ".".join(part for part in base.split(os.sep) if part not in ("", "."))
        path = path.removesuffix(".__init__")
    return f"{path}:{name or 'app'}"


def show_server_banner(debug: bool | None, app_import_path: str | None) -> None:
    """Print what is being served and that the server is for development
    only; nothing in the reloader's child process, which would repeat it."""
    if is_running_from_reloader():
        return
    if app_import_path is not None:
        click.echo(f" * Serving Vial app '{app_import_path}'")
    if debug is not None:
        click.echo(f" * Debug mode: {'on' if debug else 'off'}")
    click.secho(
        " * This is the development server: it is not secure or fast enough"
        " for production. Serve the app with a production WSGI server"
        f" instead, for example: gunicorn -w 4 '{_gunicorn_target(app_import_path)}'",
        fg="yellow",
        err=True,
    )


def _deferred_error_app(error: BaseException) -> t.Callable[..., t.Any]:
    """A WSGI app that raises ``error`` on every request.

    Under the reloader, an app that fails to load is served this way so the
    reloader keeps watching files and picks up the fix.
    """

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> t.Any:
        raise error from None

    return app


@click.command("run", short_help="Run the development server.")
@click.option(
    "--host",
    "-h",
    cls=_EnvOption,
    default="127.0.0.1",
    help="The interface to listen on.",
)
@click.option(
    "--port", "-p", cls=_EnvOption, default=5000, help="The port to listen on."
)
@click.option(
    "--cert",
    cls=_EnvOption,
    type=CertParamType(),
    is_eager=True,
    help="Serve HTTPS with this certificate file, 'adhoc' for a generated one,"
    " or the import name of an ssl.SSLContext.",
)
@click.option(
    "--key",
    cls=_EnvOption,
    type=click.Path(exists=True, dir_okay=False, resolve_path=True),
    callback=_validate_key,
    expose_value=False,
    help="The private key of the '--cert' file.",
)
@click.option(
    "--reload/--no-reload",
    cls=_EnvOption,
    default=None,
    help="Restart the server when code changes. On in debug mode by default.",
)
@click.option(
    "--debugger/--no-debugger",
    cls=_EnvOption,
    default=None,
    help="Show werkzeug's interactive debugger (PIN-protected) on errors."
    " Only allowed in debug mode, where it is on by default.",
)
@click.option(
    "--with-threads/--without-threads",
    cls=_EnvOption,
    default=True,
    help="Handle each request in its own thread.",
)
@click.option(
    "--extra-files",
    cls=_EnvOption,
    default=None,
    type=SeparatedPathType(),
    help="More files whose changes restart the server, separated by"
    f" {os.path.pathsep!r}.",
)
@click.option(
    "--exclude-patterns",
    cls=_EnvOption,
    default=None,
    type=SeparatedPathType(),
    help="fnmatch patterns of files whose changes do not restart the server,"
    f" separated by {os.path.pathsep!r}.",
)
@pass_script_info
def run_command(
    info: ScriptInfo,
    host: str,
    port: int,
    reload: bool | None,
    debugger: bool | None,
    with_threads: bool,
    cert: ssl.SSLContext | tuple[str, str] | t.Literal["adhoc"] | None,
    extra_files: list[str] | None,
    exclude_patterns: list[str] | None,
) -> None:
    """Run the development server.

    It reloads the code and shows an interactive debugger in debug mode
    ('--debug' or VIAL_DEBUG=1). It is not meant for production: use a WSGI
    server such as gunicorn there.
    """
    app: t.Any
    try:
        app = info.load_app()
    except Exception as e:
        if not is_running_from_reloader():
            raise
        # Keep the reloader alive so it notices when the error is fixed.
        import traceback

        traceback.print_exc()
        app = _deferred_error_app(e)

    debug = helpers.get_debug_flag()
    if reload is None:
        reload = debug
    if debugger is None:
        debugger = debug
    elif debugger and not debug:
        raise click.UsageError(
            "The interactive debugger lets anyone who can open a page run code"
            " on the server, so it is only available in debug mode. Add"
            f" '--debug' (or set {helpers._env_names('DEBUG', '=1')}) to use it."
        )

    show_server_banner(debug, info.app_import_path)

    from werkzeug.serving import run_simple

    run_simple(
        host,
        port,
        app,
        use_reloader=reload,
        use_debugger=debugger,
        threaded=with_threads,
        ssl_context=cert,
        extra_files=extra_files,
        exclude_patterns=exclude_patterns,
    )


_SORT_CHOICES = ("endpoint", "methods", "domain", "rule", "match")


@click.command("routes", short_help="Show the app's URL rules.")
@click.option(
    "--sort",
    "-s",
    cls=_EnvOption,
    type=click.Choice(_SORT_CHOICES),
    default="endpoint",
    help="Sort by this column; 'match' keeps the order the rules were added in.",
)
@click.option(
    "--all-methods",
    cls=_EnvOption,
    is_flag=True,
    help="Also list HEAD and OPTIONS, which most rules get automatically.",
)
@with_appcontext
def routes_command(sort: str, all_methods: bool) -> None:
    """Show the app's URL rules, with their endpoints and methods."""
    rules = list(current_app.url_map.iter_rules())
    if not rules:
        click.echo("The app has no URL rules.")
        return

    ignored = set() if all_methods else {"HEAD", "OPTIONS"}
    host_matching = current_app.url_map.host_matching

    def domain(rule: t.Any) -> str:
        return (rule.host if host_matching else rule.subdomain) or ""

    has_domain = any(domain(rule) for rule in rules)
    headers = ["Endpoint", "Methods"]
    keys = ["endpoint", "methods"]
    if has_domain:
        headers.append("Host" if host_matching else "Subdomain")
        keys.append("domain")
    headers.append("Rule")
    keys.append("rule")

    rows = []
    for rule in rules:
        row = [rule.endpoint, ", ".join(sorted((rule.methods or set()) - ignored))]
        if has_domain:
            row.append(domain(rule))
        row.append(rule.rule)
        rows.append(row)

    if sort == "domain" and not has_domain:
        sort = "match"
    if sort != "match":
        rows.sort(key=itemgetter(keys.index(sort)))

    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    template = "  ".join(f"{{{i}:<{w}}}" for i, w in enumerate(widths))
    click.echo(template.format(*headers).rstrip())
    click.echo(template.format(*("-" * w for w in widths)).rstrip())
    for row in rows:
        click.echo(template.format(*row).rstrip())


@click.command("shell", short_help="Open a Python shell in the app's context.")
@with_appcontext
def shell_command() -> None:
    """Open an interactive Python shell with the app's context pushed.

    ``app`` and ``g`` are defined, with the names the app's shell context
    processors add. ``PYTHONSTARTUP`` is run first, as in Python's own
    shell.
    """
    import code

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    banner = (
        f"Python {sys.version} on {sys.platform}\n"
        f"App: {app.import_name}\n"
        f"Instance: {app.instance_path}"
    )
    namespace: dict[str, t.Any] = {}

    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):
        with open(startup, encoding="utf-8") as f:
            exec(compile(f.read(), startup, "exec"), namespace)

    namespace.update(app.make_shell_context())

    # Python's own shell sets up tab completion and history through this
    # hook; completion is pointed at the shell's names.
    hook = getattr(sys, "__interactivehook__", None)
    if hook is not None:
        try:
            import readline
            from rlcompleter import Completer
        except ImportError:
            pass
        else:
            readline.set_completer(Completer(namespace).complete)
        hook()

    code.interact(banner=banner, local=namespace)
