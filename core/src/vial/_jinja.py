"""The jinja2-dependent half of the templating layer.

This module imports :mod:`jinja2` at the top, so nothing imports it when
``vial`` is imported: :mod:`vial.templating` exposes its classes through a
module-level ``__getattr__`` and the application builds its environment
lazily, the first time ``app.jinja_env`` is used.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable
from collections.abc import Iterator

from jinja2 import BaseLoader
from jinja2 import Environment as _BaseEnvironment
from jinja2 import TemplateNotFound

if t.TYPE_CHECKING:
    from .app import Vial
    from .scaffold import Scaffold

#: The attribute names of a plain dict (its methods and dunders).
_DICT_ATTRIBUTES = frozenset(dir(dict))

#: What a jinja2 loader's ``get_source`` returns: source, filename, uptodate.
_TemplateSource = tuple[str, str | None, Callable[[], bool] | None]


class Environment(_BaseEnvironment):
    """A jinja2 environment that knows the application it renders for.

    Unless a ``loader`` option is given, templates are looked up through
    :meth:`~vial.Vial.create_global_jinja_loader`, which searches the
    application's template folder first and then every blueprint's.
    """

    def __init__(self, app: Vial, **options: t.Any) -> None:
        if "loader" not in options:
            options["loader"] = app.create_global_jinja_loader()
        super().__init__(**options)
        self.app = app

    def getattr(self, obj: t.Any, attribute: str) -> t.Any:
        """Look up ``obj.attribute`` in a template, as jinja does.

        jinja tries the attribute first and then the item, so every
        ``row.name`` on a dict raises and catches an AttributeError. A plain
        dict's only attributes are its methods, so any other name can go
        straight to the item; the result is the same.
        """
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


class DispatchingJinjaLoader(BaseLoader):
    """Find templates in the application's loader, then in each blueprint's.

    The application's own templates win, so any template shipped by a
    blueprint (an extension's, for instance) can be overridden by putting a
    file with the same name in the application's template folder. Blueprints
    are searched in the order they were registered.
    """

    def __init__(self, app: Vial) -> None:
        self.app = app

    def get_source(
        self, environment: _BaseEnvironment, template: str
    ) -> _TemplateSource:
        """Return the source of the first loader that has ``template``."""
        if self.app.config["EXPLAIN_TEMPLATE_LOADING"]:
            return self._get_source_explained(environment, template)
        return self._get_source_fast(environment, template)

    def _get_source_fast(
        self, environment: _BaseEnvironment, template: str
    ) -> _TemplateSource:
        for _scaffold, loader in self._iter_loaders():
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)

    def _get_source_explained(
        self, environment: _BaseEnvironment, template: str
    ) -> _TemplateSource:
        # Every loader is asked, even after a match, so the explanation can
        # point out templates that shadow one another.
        attempts: list[tuple[BaseLoader, Scaffold, _TemplateSource | None]] = []
        found: _TemplateSource | None = None

        for scaffold, loader in self._iter_loaders():
            try:
                result: _TemplateSource | None = loader.get_source(
                    environment, template
                )
            except TemplateNotFound:
                result = None
            else:
                if found is None:
                    found = result
            attempts.append((loader, scaffold, result))

        from .debughelpers import explain_template_loading_attempts

        explain_template_loading_attempts(self.app, template, attempts)

        if found is None:
            raise TemplateNotFound(template)
        return found

    def _iter_loaders(self) -> Iterator[tuple[Scaffold, BaseLoader]]:
        loader = self.app.jinja_loader
        if loader is not None:
            yield self.app, loader

        for blueprint in self.app.iter_blueprints():
            loader = blueprint.jinja_loader
            if loader is not None:
                yield blueprint, loader

    def list_templates(self) -> list[str]:
        """Return the names of all templates of the application and blueprints."""
        names: set[str] = set()
        for _scaffold, loader in self._iter_loaders():
            names.update(loader.list_templates())
        return sorted(names)
