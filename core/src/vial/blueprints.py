"""Blueprints: groups of routes, hooks, templates and static files that are
registered on an application, possibly several times and nested."""

from __future__ import annotations

import os
import typing as t
from collections import defaultdict

from . import typing as ft
from .scaffold import _endpoint_from_view_func
from .scaffold import _name_or_decorate
from .scaffold import Scaffold
from .scaffold import setupmethod

if t.TYPE_CHECKING:
    from .base import AppBase

DeferredSetupFunction = t.Callable[["BlueprintSetupState"], None]
T_after_request = t.TypeVar("T_after_request", bound=ft.AfterRequestCallable[t.Any])
T_before_request = t.TypeVar("T_before_request", bound=ft.BeforeRequestCallable)
T_error_handler = t.TypeVar("T_error_handler", bound=ft.ErrorHandlerCallable)
T_teardown = t.TypeVar("T_teardown", bound=ft.TeardownCallable)
T_template_context_processor = t.TypeVar(
    "T_template_context_processor", bound=ft.TemplateContextProcessorCallable
)
T_template_filter = t.TypeVar("T_template_filter", bound=ft.TemplateFilterCallable)
T_template_global = t.TypeVar("T_template_global", bound=ft.TemplateGlobalCallable)
T_template_test = t.TypeVar("T_template_test", bound=ft.TemplateTestCallable)
T_url_defaults = t.TypeVar("T_url_defaults", bound=ft.URLDefaultCallable)
T_url_value_preprocessor = t.TypeVar(
    "T_url_value_preprocessor", bound=ft.URLValuePreprocessorCallable
)

_sentinel: t.Any = object()


class BlueprintSetupState:
    """One registration of a blueprint on an app: the app, the options, and
    the URL prefix, subdomain and name that apply.

    The blueprint's recorded setup functions are called with it.
    """

    def __init__(
        self,
        blueprint: Blueprint,
        app: AppBase,
        options: t.Any,
        first_registration: bool,
    ) -> None:
        #: The app the blueprint is registered on.
        self.app = app
        #: The blueprint being registered.
        self.blueprint = blueprint
        #: The options passed to ``register_blueprint``.
        self.options = options
        #: Whether this is the first time the blueprint is registered on
        #: this app.
        self.first_registration = first_registration

        subdomain = self.options.get("subdomain")
        if subdomain is None:
            subdomain = self.blueprint.subdomain
        #: The subdomain the blueprint's routes match.
        self.subdomain = subdomain

        url_prefix = self.options.get("url_prefix")
        if url_prefix is None:
            url_prefix = self.blueprint.url_prefix
        #: The prefix of the blueprint's URL rules.
        self.url_prefix = url_prefix

        #: The name of this registration.
        self.name = self.options.get("name", blueprint.name)
        #: The dotted name of the parent blueprints, for nested ones.
        self.name_prefix = self.options.get("name_prefix", "")

        #: Default URL values for every route of this registration.
        self.url_defaults = dict(self.blueprint.url_values_defaults)
        self.url_defaults.update(self.options.get("url_defaults", ()))

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: ft.RouteCallable | None = None,
        **options: t.Any,
    ) -> None:
        """Add a blueprint rule to the app, with the prefix, subdomain,
        defaults and dotted endpoint name of this registration."""
        if self.url_prefix is not None:
            if rule:
                rule = "/".join((self.url_prefix.rstrip("/"), rule.lstrip("/")))
            else:
                rule = self.url_prefix
        options.setdefault("subdomain", self.subdomain)
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)
        defaults = self.url_defaults
        if "defaults" in options:
            defaults = dict(defaults, **options.pop("defaults"))
        self.app.add_url_rule(
            rule,
            f"{self.name_prefix}.{self.name}.{endpoint}".lstrip("."),
            view_func,
            defaults=defaults,
            **options,
        )


class Blueprint(Scaffold):
    """A set of routes and hooks that is registered on an application.

    :param name: The blueprint's name, the prefix of its endpoints.
    :param import_name: The blueprint's module, usually ``__name__``.
    :param static_folder: Folder of static files served at
        ``static_url_path``, with the endpoint ``<name>.static``.
    :param static_url_path: URL of the static files, under ``url_prefix``.
    :param template_folder: Folder of templates, searched after the app's.
    :param url_prefix: Prefix of every route of the blueprint.
    :param subdomain: Subdomain every route matches.
    :param url_defaults: Default values of every route's URL variables.
    :param root_path: The blueprint's folder, when it cannot be found from
        ``import_name``.
    :param cli_group: The name of the group the blueprint's commands appear
        in under ``vial``; ``None`` puts them at the top level. Defaults to
        the blueprint's name.
    """

    _got_registered_once = False

    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None,
        subdomain: str | None = None,
        url_defaults: dict[str, t.Any] | None = None,
        root_path: str | None = None,
        cli_group: str | None = _sentinel,
    ) -> None:
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if not name:
            raise ValueError("A blueprint needs a non-empty name.")
        if "." in name:
            raise ValueError(
                f"The blueprint name {name!r} contains a dot. Dots separate"
                " nested blueprint names in endpoints; choose a name without"
                " one."
            )
        self.name = name
        self.url_prefix = url_prefix
        self.subdomain = subdomain
        self.deferred_functions: list[DeferredSetupFunction] = []
        if url_defaults is None:
            url_defaults = {}
        self.url_values_defaults = url_defaults
        self.cli_group = cli_group
        self._blueprints: list[tuple[Blueprint, dict[str, t.Any]]] = []

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_registered_once:
            raise AssertionError(
                f"'{f_name}' was called on the blueprint {self.name!r} after it"
                " was registered on an app, so the change would not apply"
                " consistently. Finish setting up the blueprint (routes,"
                " hooks, nested blueprints) before registering it."
            )

    @setupmethod
    def record(self, func: DeferredSetupFunction) -> None:
        """Call ``func`` with the setup state each time the blueprint is
        registered on an app."""
        self.deferred_functions.append(func)

    @setupmethod
    def record_once(self, func: DeferredSetupFunction) -> None:
        """Call ``func`` only the first time the blueprint is registered on
        each app."""

        def wrapper(state: BlueprintSetupState) -> None:
            if state.first_registration:
                func(state)

        self.record(wrapper)

    def make_setup_state(
        self, app: AppBase, options: dict[str, t.Any], first_registration: bool = False
    ) -> BlueprintSetupState:
        """Create the state passed to the recorded setup functions."""
        return BlueprintSetupState(self, app, options, first_registration)

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Nest a blueprint in this one; its endpoints become
        ``<this>.<nested>.<endpoint>`` and its URL prefix and subdomain are
        added to this one's."""
        if blueprint is self:
            raise ValueError("A blueprint cannot be registered on itself.")
        self._blueprints.append((blueprint, options))

    def register(self, app: AppBase, options: dict[str, t.Any]) -> None:
        """Register the blueprint on an app; called by
        :meth:`vial.Vial.register_blueprint`."""
        name_prefix = options.get("name_prefix", "")
        self_name = options.get("name", self.name)
        name = f"{name_prefix}.{self_name}".lstrip(".")

        if name in app.blueprints:
            which = "this" if app.blueprints[name] is self else "a different"
            raise ValueError(
                f"The name {name!r} is already registered for {which}"
                " blueprint. Pass 'name=' to register_blueprint to give this"
                " registration a unique name."
            )

        first_bp_registration = not any(bp is self for bp in app.blueprints.values())
        first_name_registration = name not in app.blueprints

        app.blueprints[name] = self
        self._got_registered_once = True
        state = self.make_setup_state(app, options, first_bp_registration)

        if self.has_static_folder:
            state.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                view_func=self.send_static_file,
                endpoint="static",
            )

        if first_bp_registration or first_name_registration:
            self._merge_blueprint_funcs(app, name)

        for deferred in self.deferred_functions:
            deferred(state)

        self._register_cli(app, options, name)

        for blueprint, bp_options in self._blueprints:
            app_options = self._nested_options(state, blueprint, bp_options)
            app_options["name_prefix"] = name
            blueprint.register(app, app_options)

    def _register_cli(self, app: AppBase, options: dict[str, t.Any], name: str) -> None:
        if not self._has_cli_commands():
            return
        cli_group = options.get("cli_group", self.cli_group)
        if cli_group is None:
            app.cli.commands.update(self.cli.commands)
        else:
            # By default the group is named after this registration (its
            # dotted name), as endpoints are.
            self.cli.name = name if cli_group is _sentinel else cli_group
            app.cli.add_command(self.cli)

    @staticmethod
    def _nested_options(
        state: BlueprintSetupState, blueprint: Blueprint, options: dict[str, t.Any]
    ) -> dict[str, t.Any]:
        """Combine a nested blueprint's subdomain and URL prefix with its
        parent's."""
        options = options.copy()

        subdomain = options.get("subdomain")
        if subdomain is None:
            subdomain = blueprint.subdomain
        if state.subdomain is not None and subdomain is not None:
            options["subdomain"] = f"{subdomain}.{state.subdomain}"
        elif subdomain is not None:
            options["subdomain"] = subdomain
        elif state.subdomain is not None:
            options["subdomain"] = state.subdomain

        url_prefix = options.get("url_prefix")
        if url_prefix is None:
            url_prefix = blueprint.url_prefix
        if state.url_prefix is not None and url_prefix is not None:
            options["url_prefix"] = (
                state.url_prefix.rstrip("/") + "/" + url_prefix.lstrip("/")
            )
        elif url_prefix is not None:
            options["url_prefix"] = url_prefix
        elif state.url_prefix is not None:
            options["url_prefix"] = state.url_prefix
        return options

    def _merge_blueprint_funcs(self, app: AppBase, name: str) -> None:
        """Copy this blueprint's hook registries into the app's, keyed by the
        registration's dotted name."""

        def scoped(key: str | None) -> str:
            return name if key is None else f"{name}.{key}"

        # Views registered with the endpoint decorator are copied as they
        # are, so they must be named with the full dotted endpoint.
        app.view_functions.update(self.view_functions)

        for key, by_code in self.error_handler_spec.items():
            app.error_handler_spec[scoped(key)] = defaultdict(
                dict,
                {code: dict(handlers) for code, handlers in by_code.items()},
            )

        for registry_name in (
            "before_request_funcs",
            "after_request_funcs",
            "teardown_request_funcs",
            "url_default_functions",
            "url_value_preprocessors",
            "template_context_processors",
        ):
            ours: dict[str | None, list[t.Any]] = getattr(self, registry_name)
            theirs: dict[str | None, list[t.Any]] = getattr(app, registry_name)
            for key, funcs in ours.items():
                theirs.setdefault(scoped(key), []).extend(funcs)

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: ft.RouteCallable | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Record a URL rule, added to the app with the blueprint's prefix
        and name when the blueprint is registered."""
        if endpoint and "." in endpoint:
            raise ValueError(
                f"The endpoint {endpoint!r} contains a dot; blueprint"
                " endpoints are prefixed with the blueprint name"
                " automatically. Use a name without dots."
            )
        if view_func and hasattr(view_func, "__name__") and "." in view_func.__name__:
            raise ValueError(
                f"The view function name {view_func.__name__!r} contains a"
                " dot; pass an 'endpoint' without dots."
            )
        self.record(
            lambda s: s.add_url_rule(
                rule,
                endpoint,
                view_func,
                provide_automatic_options=provide_automatic_options,
                **options,
            )
        )

    # Hooks that apply to the whole app

    @t.overload
    def app_template_filter(self, name: T_template_filter) -> T_template_filter: ...

    @t.overload
    def app_template_filter(
        self, name: str | None = None
    ) -> t.Callable[[T_template_filter], T_template_filter]: ...

    @setupmethod
    def app_template_filter(
        self, name: T_template_filter | str | None = None
    ) -> T_template_filter | t.Callable[[T_template_filter], T_template_filter]:
        """Register a Jinja filter on the app the blueprint is registered on.

        Usable with or without arguments: ``@app_template_filter``,
        ``@app_template_filter()`` or ``@app_template_filter("name")``.
        """
        return _name_or_decorate(self.add_app_template_filter, name)

    @setupmethod
    def add_app_template_filter(
        self, f: ft.TemplateFilterCallable, name: str | None = None
    ) -> None:
        """Register a Jinja filter on the app."""
        self.record_once(lambda s: s.app.add_template_filter(f, name=name))

    @t.overload
    def app_template_test(self, name: T_template_test) -> T_template_test: ...

    @t.overload
    def app_template_test(
        self, name: str | None = None
    ) -> t.Callable[[T_template_test], T_template_test]: ...

    @setupmethod
    def app_template_test(
        self, name: T_template_test | str | None = None
    ) -> T_template_test | t.Callable[[T_template_test], T_template_test]:
        """Register a Jinja test on the app the blueprint is registered on.

        Usable with or without arguments: ``@app_template_test``,
        ``@app_template_test()`` or ``@app_template_test("name")``.
        """
        return _name_or_decorate(self.add_app_template_test, name)

    @setupmethod
    def add_app_template_test(
        self, f: ft.TemplateTestCallable, name: str | None = None
    ) -> None:
        """Register a Jinja test on the app."""
        self.record_once(lambda s: s.app.add_template_test(f, name=name))

    @t.overload
    def app_template_global(self, name: T_template_global) -> T_template_global: ...

    @t.overload
    def app_template_global(
        self, name: str | None = None
    ) -> t.Callable[[T_template_global], T_template_global]: ...

    @setupmethod
    def app_template_global(
        self, name: T_template_global | str | None = None
    ) -> T_template_global | t.Callable[[T_template_global], T_template_global]:
        """Register a Jinja global on the app the blueprint is registered on.

        Usable with or without arguments: ``@app_template_global``,
        ``@app_template_global()`` or ``@app_template_global("name")``.
        """
        return _name_or_decorate(self.add_app_template_global, name)

    @setupmethod
    def add_app_template_global(
        self, f: ft.TemplateGlobalCallable, name: str | None = None
    ) -> None:
        """Register a Jinja global on the app."""
        self.record_once(lambda s: s.app.add_template_global(f, name=name))

    # Templates share one environment per app, so the blueprint forms of
    # these register on the app too.
    template_filter = app_template_filter
    add_template_filter = add_app_template_filter
    template_test = app_template_test
    add_template_test = add_app_template_test
    template_global = app_template_global
    add_template_global = add_app_template_global

    @setupmethod
    def before_app_request(self, f: T_before_request) -> T_before_request:
        """Run ``f`` before every request of the app, not only this
        blueprint's."""
        self.record_once(
            lambda s: s.app.before_request_funcs.setdefault(None, []).append(f)
        )
        return f

    @setupmethod
    def after_app_request(self, f: T_after_request) -> T_after_request:
        """Run ``f`` on every response of the app."""
        self.record_once(
            lambda s: s.app.after_request_funcs.setdefault(None, []).append(f)
        )
        return f

    @setupmethod
    def teardown_app_request(self, f: T_teardown) -> T_teardown:
        """Run ``f`` when every request of the app ends."""
        self.record_once(
            lambda s: s.app.teardown_request_funcs.setdefault(None, []).append(f)
        )
        return f

    @setupmethod
    def app_context_processor(
        self, f: T_template_context_processor
    ) -> T_template_context_processor:
        """Add ``f``'s values to every template context of the app."""
        self.record_once(
            lambda s: s.app.template_context_processors.setdefault(None, []).append(f)
        )
        return f

    @setupmethod
    def app_errorhandler(
        self, code: type[Exception] | int
    ) -> t.Callable[[T_error_handler], T_error_handler]:
        """Register an error handler for every request of the app."""

        def decorator(f: T_error_handler) -> T_error_handler:
            def register(state: BlueprintSetupState) -> None:
                state.app.errorhandler(code)(f)

            self.record_once(register)
            return f

        return decorator

    @setupmethod
    def app_url_value_preprocessor(
        self, f: T_url_value_preprocessor
    ) -> T_url_value_preprocessor:
        """Register a URL value preprocessor for every request of the app."""
        self.record_once(
            lambda s: s.app.url_value_preprocessors.setdefault(None, []).append(f)
        )
        return f

    @setupmethod
    def app_url_defaults(self, f: T_url_defaults) -> T_url_defaults:
        """Register a URL defaults function for every endpoint of the app."""
        self.record_once(
            lambda s: s.app.url_default_functions.setdefault(None, []).append(f)
        )
        return f
