"""Helpers used in views: URLs, redirects, errors, flashing, files, streaming."""

from __future__ import annotations

import importlib.util
import io
import os
import pathlib
import sys
import typing as t
from functools import update_wrapper

import werkzeug.utils
from werkzeug.exceptions import abort as _wz_abort
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join
from werkzeug.utils import redirect as _wz_redirect

from .globals import _cv_app
from .globals import _cv_request
from .globals import current_app
from .globals import request
from .globals import request_ctx
from .globals import session
from .signals import message_flashed

if t.TYPE_CHECKING:
    from werkzeug.wrappers import Response as BaseResponse

    from .wrappers import Response

_P = t.ParamSpec("_P")

#: Prefixes of the environment variables the framework reads, in order of
#: precedence. :func:`vial.compat.alias_flask` adds ``"FLASK"``.
ENV_PREFIXES: list[str] = ["VIAL"]


def _getenv(suffix: str) -> str | None:
    """Read ``<PREFIX>_<suffix>`` for the first prefix that is set."""
    for prefix in ENV_PREFIXES:
        value = os.environ.get(f"{prefix}_{suffix}")
        if value is not None:
            return value
    return None


def _env_names(suffix: str, value: str = "") -> str:
    """Name the variables read for ``suffix`` in a message, the code's own
    first: ``VIAL_APP``, or ``FLASK_APP (or VIAL_APP)`` with the Flask
    compatibility switch on. ``value`` follows each name (``"=1"``)."""
    *others, own = ENV_PREFIXES
    names = f"{own}_{suffix}{value}"
    if others:
        names += f" (or {' or '.join(f'{p}_{suffix}{value}' for p in others)})"
    return names


def _setenv(suffix: str, value: str) -> None:
    """Set ``<PREFIX>_<suffix>`` for the command line's own use.

    The variable is set under the last prefix, that of the code being run
    (``FLASK`` with the Flask compatibility switch on, so Flask code and its
    tests see the names they know), and under any other prefix where it is
    already set, so that every reader agrees.
    """
    *others, own = ENV_PREFIXES
    for prefix in others:
        if f"{prefix}_{suffix}" in os.environ:
            os.environ[f"{prefix}_{suffix}"] = value
    os.environ[f"{own}_{suffix}"] = value


def get_debug_flag() -> bool:
    """Whether debug mode is requested through ``VIAL_DEBUG``."""
    value = _getenv("DEBUG")
    return value is not None and value.lower() not in {"", "0", "false", "no"}


def get_load_dotenv(default: bool = True) -> bool:
    """Whether ``.env`` files should be loaded; ``VIAL_SKIP_DOTENV`` says no."""
    value = _getenv("SKIP_DOTENV")
    if not value:
        return default
    return value.lower() in {"0", "false", "no"}


def get_root_path(import_name: str) -> str:
    """Return the folder a module or package lives in.

    Falls back to the working directory for interactive sessions, where the
    module has no file.
    """
    module = sys.modules.get(import_name)
    if module is not None and getattr(module, "__file__", None):
        return os.path.dirname(os.path.abspath(t.cast(str, module.__file__)))

    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.loader is None:
        return os.getcwd()

    if spec.origin and spec.has_location:
        return os.path.dirname(os.path.abspath(spec.origin))

    __import__(import_name)
    filepath: str | None = getattr(sys.modules[import_name], "__file__", None)
    if filepath is None:
        raise RuntimeError(
            f"Cannot find a folder for the module {import_name!r}; it may be a"
            " namespace package or come from an import hook without file"
            " names. Pass 'root_path' explicitly."
        )
    return os.path.dirname(os.path.abspath(filepath))


def url_for(
    endpoint: str,
    *,
    _anchor: str | None = None,
    _method: str | None = None,
    _scheme: str | None = None,
    _external: bool | None = None,
    **values: t.Any,
) -> str:
    """Build the URL of an endpoint with the current app; see
    :meth:`vial.Vial.url_for`."""
    app_ctx = _cv_app.get(None)
    app = current_app if app_ctx is None else app_ctx.app
    return app.url_for(
        endpoint,
        _anchor=_anchor,
        _method=_method,
        _scheme=_scheme,
        _external=_external,
        **values,
    )


def redirect(
    location: str, code: int = 302, Response: type[BaseResponse] | None = None
) -> BaseResponse:
    """Return a redirect response, through the current app's
    :meth:`~vial.Vial.redirect` when there is one."""
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        return app_ctx.app.redirect(location, code=code)
    return _wz_redirect(location, code=code, Response=Response)


def abort(code: int | BaseResponse, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Raise an HTTP error, through the current app's
    :attr:`~vial.Vial.aborter` when there is one."""
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        app_ctx.app.aborter(code, *args, **kwargs)
    _wz_abort(code, *args, **kwargs)


def make_response(*args: t.Any) -> Response:
    """Turn a view's return value into a response object, to add headers
    before returning it.

    Takes the same values a view may return, including tuples given as
    separate arguments. Without arguments, returns an empty response.
    """
    if not args:
        return current_app.response_class()
    if len(args) == 1:
        args = args[0]
    return current_app.make_response(args)


def flash(message: str, category: str = "message") -> None:
    """Store a message in the session, to show on the next page.

    :param message: The text to show.
    :param category: A label such as ``"error"`` or ``"info"``.
    """
    flashes = session.get("_flashes", [])
    flashes.append((category, message))
    session["_flashes"] = flashes
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if message_flashed.receivers:
        message_flashed.send(
            app, _async_wrapper=app.ensure_sync, message=message, category=category
        )


def get_flashed_messages(
    with_categories: bool = False, category_filter: t.Iterable[str] = ()
) -> list[str] | list[tuple[str, str]]:
    """Take the flashed messages out of the session.

    Calls within one request return the same messages.

    :param with_categories: Return ``(category, message)`` pairs.
    :param category_filter: Only return messages of these categories.
    """
    ctx = request_ctx._get_current_object()  # type: ignore[attr-defined]
    flashes = ctx.flashes
    if flashes is None:
        flashes = session.pop("_flashes") if "_flashes" in session else []
        ctx.flashes = flashes
    if category_filter:
        wanted = set(category_filter)
        flashes = [item for item in flashes if item[0] in wanted]
    if with_categories:
        return [(item[0], item[1]) for item in flashes]
    return [item[1] for item in flashes]


@t.overload
def stream_with_context(
    generator_or_function: t.Iterator[t.AnyStr],
) -> t.Iterator[t.AnyStr]: ...


@t.overload
def stream_with_context(
    generator_or_function: t.Callable[_P, t.Iterator[t.AnyStr]],
) -> t.Callable[_P, t.Iterator[t.AnyStr]]: ...


def stream_with_context(
    generator_or_function: t.Iterator[t.AnyStr] | t.Callable[..., t.Iterator[t.AnyStr]],
) -> t.Iterator[t.AnyStr] | t.Callable[..., t.Iterator[t.AnyStr]]:
    """Keep the request context active while a streamed response is sent.

    Wrap a generator, or use as a decorator on a generator function, so that
    ``request`` and ``session`` stay usable after the view has returned.
    """
    try:
        gen = iter(generator_or_function)  # type: ignore[arg-type]
    except TypeError:
        func = t.cast(t.Callable[..., t.Iterator[t.AnyStr]], generator_or_function)

        def decorator(*args: t.Any, **kwargs: t.Any) -> t.Any:
            return stream_with_context(func(*args, **kwargs))

        return update_wrapper(decorator, func)

    def run_in_context() -> t.Iterator[t.AnyStr]:
        req_ctx = _cv_request.get(None)
        if req_ctx is None:
            raise RuntimeError(
                "'stream_with_context' can only be used while a request is"
                " being handled; call it inside the view function."
            )
        app_ctx = _cv_app.get()
        # Until the body has been sent, the end of the request runs no
        # teardown: the contexts are torn down once, after the last chunk.
        app_ctx._holds += 1
        req_ctx._holds += 1
        held = True

        def release() -> None:
            nonlocal held
            if held:
                held = False
                app_ctx._holds -= 1
                req_ctx._holds -= 1

        try:
            # The first, empty yield happens while the view runs. The contexts
            # are pushed only when the body is read, in the thread or task
            # that reads it (an async view runs in another one), so their
            # context variables are set and reset in the same place.
            yield None  # type: ignore[misc]
            with app_ctx, req_ctx:
                try:
                    yield from gen
                finally:
                    try:
                        close = getattr(gen, "close", None)
                        if close is not None:
                            close()
                    finally:
                        # Popping the contexts below runs the teardown now.
                        release()
        finally:
            if held:
                # Closed before the body was read.
                release()
                if not req_ctx._cv_tokens:
                    # The request has ended without its teardown, left for
                    # this stream: run it now.
                    app_ctx.push()
                    req_ctx.push()
                    try:
                        req_ctx.pop(None)
                    finally:
                        app_ctx.pop(None)

    wrapped = run_in_context()
    next(wrapped)
    return wrapped


def get_template_attribute(template_name: str, attribute: str) -> t.Any:
    """Return a macro or variable defined in a template, to call from
    Python."""
    return getattr(current_app.jinja_env.get_template(template_name).module, attribute)


def _prepare_send_file_kwargs(**kwargs: t.Any) -> dict[str, t.Any]:
    if kwargs.get("max_age") is None:
        kwargs["max_age"] = current_app.get_send_file_max_age
    kwargs.update(
        environ=request.environ,
        use_x_sendfile=current_app.config["USE_X_SENDFILE"],
        response_class=current_app.response_class,
        _root_path=current_app.root_path,
    )
    return kwargs


def send_file(
    path_or_file: os.PathLike[t.AnyStr] | str | t.BinaryIO,
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: t.Any = None,
    max_age: int | t.Callable[[str | None], int | None] | None = None,
) -> Response:
    """Send a file's contents to the client, with caching and range support.

    :param path_or_file: A path, relative to the app's root path, or a
        binary file object.
    :param mimetype: Detected from the file name when not given.
    :param as_attachment: Ask the browser to save the file instead of
        showing it.
    :param download_name: The file name the browser sees.
    :param conditional: Answer conditional and range requests.
    :param etag: Compute an ETag, or use this one.
    :param last_modified: The time the file changed.
    :param max_age: Seconds a browser may cache the file; defaults to
        :meth:`~vial.Vial.get_send_file_max_age`.
    """
    if isinstance(path_or_file, io.TextIOBase):
        raise ValueError(
            "send_file() needs a binary file, but the file was opened in text"
            " mode. Open it with mode 'rb', or pass io.BytesIO(text.encode())."
        )
    return werkzeug.utils.send_file(  # type: ignore[return-value]
        **_prepare_send_file_kwargs(
            path_or_file=path_or_file,
            mimetype=mimetype,
            as_attachment=as_attachment,
            download_name=download_name,
            conditional=conditional,
            etag=etag,
            last_modified=last_modified,
            max_age=max_age,
        )
    )


def send_from_directory(
    directory: os.PathLike[str] | str,
    path: os.PathLike[str] | str,
    **kwargs: t.Any,
) -> Response:
    """Send a file from inside ``directory``; a path that would leave the
    directory, or a missing file, is a 404.

    :param directory: The folder files may be sent from.
    :param path: The file's path inside ``directory``, as the client sent it.
    :param kwargs: Passed to :func:`send_file`.
    """
    kwargs = _prepare_send_file_kwargs(**kwargs)
    base = os.path.join(kwargs["_root_path"], os.fspath(directory))
    target = safe_join(base, os.fspath(path))
    # safe_join only looks at the path's text; a symlink inside the folder
    # may still point outside it, so compare the resolved paths too.
    if target is None or not _resolves_inside(base, target):
        raise NotFound()
    return werkzeug.utils.send_from_directory(  # type: ignore[return-value]
        directory, path, **kwargs
    )


def _resolves_inside(base: str, target: str) -> bool:
    """Whether ``target`` (``base`` joined with a safe relative path) is still
    inside ``base`` once symlinks are resolved."""
    # Only a link below base can lead outside it. One lstat per path part is
    # much cheaper than resolving both paths on every request, so resolve
    # only when a link is found.
    current = base
    for part in target[len(base) :].split("/"):
        if part:
            current = os.path.join(current, part)
            if os.path.islink(current):
                break
    else:
        return True
    try:
        real_base = os.path.realpath(base)
        real_target = os.path.realpath(target)
        return os.path.commonpath((real_base, real_target)) == real_base
    except (OSError, ValueError):
        # A NUL byte, or paths on different drives on Windows.
        return False


def _find_package_path(import_name: str) -> str:
    """The folder that contains the top-level package or module of
    ``import_name``."""
    root_name = import_name.partition(".")[0]
    try:
        root_spec = importlib.util.find_spec(root_name)
    except (ImportError, ValueError):
        root_spec = None
    if root_spec is None:
        return os.getcwd()

    locations = root_spec.submodule_search_locations
    if locations:
        if root_spec.origin in (None, "namespace"):
            # A namespace package: use the portion that holds the submodule.
            spec = importlib.util.find_spec(import_name)
            sub = spec.submodule_search_locations if spec else None
            if sub:
                for location in locations:
                    if _is_relative_to(sub[0], location):
                        return os.path.dirname(location)
            return os.path.dirname(next(iter(locations)))
        return os.path.dirname(os.path.dirname(root_spec.origin or ""))
    return os.path.dirname(root_spec.origin or "")


def _is_relative_to(path: str, base: str) -> bool:
    try:
        pathlib.PurePath(path).relative_to(base)
    except ValueError:
        return False
    return True


def _find_package(import_name: str) -> tuple[str | None, str]:
    """Return ``(install prefix or None, package folder)``.

    A package anywhere under ``sys.prefix`` is installed there; one in a
    ``site-packages`` folder elsewhere (a user or a virtualenv's) is installed
    in that folder's prefix.
    """
    package_path = _find_package_path(import_name)
    prefix = os.path.abspath(sys.prefix)
    if _is_relative_to(package_path, prefix):
        return prefix, package_path

    site_parent, site_folder = os.path.split(package_path)
    if site_folder.lower() == "site-packages":
        parent, folder = os.path.split(site_parent)
        if folder.lower() == "lib":  # Windows: <prefix>/Lib/site-packages
            return parent, package_path
        if os.path.basename(parent).lower() == "lib":  # <prefix>/lib/pythonX.Y
            return os.path.dirname(parent), package_path
        return site_parent, package_path
    return None, package_path
