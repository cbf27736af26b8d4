"""The URL map the application uses: werkzeug's, with a faster matcher.

werkzeug matches a path by walking a state machine built from the rules.
Its matcher compiles (through the regex cache) and sorts the regex groups of
every dynamic part on every request; :class:`StateMachineMatcher` here walks
the same machine, in the same order, with that work done once when the map
changes. The result, and every error (404, 405, redirects for a missing
slash, merged slashes or an alias) are the same as werkzeug's.

Successful matches of rules whose converters are werkzeug's own (pure
functions of the text) are also remembered per host, path and method, in a
bounded cache emptied whenever the rules change, so a URL requested again
skips the walk. Only the walk is skipped: the request is handled as usual.
"""

from __future__ import annotations

import re
import typing as t

from werkzeug.routing import Map as _WerkzeugMap
from werkzeug.routing.converters import DEFAULT_CONVERTERS
from werkzeug.routing.converters import ValidationError
from werkzeug.routing.exceptions import NoMatch
from werkzeug.routing.exceptions import RequestAliasRedirect
from werkzeug.routing.exceptions import RequestPath
from werkzeug.routing.matcher import SlashRequired
from werkzeug.routing.matcher import State
from werkzeug.routing.matcher import StateMachineMatcher as _WerkzeugMatcher

if t.TYPE_CHECKING:
    from werkzeug.routing import Rule

#: One dynamic transition, prepared: the compiled pattern's match method,
#: whether it takes the rest of the path, whether it may end in a slash, the
#: names of its converter groups in order, and the state it leads to.
_Transition = tuple[
    t.Callable[[str], "re.Match[str] | None"], bool, bool, tuple[str, ...], State
]


#: Converters whose to_python depends only on the text matched, so a match
#: using only these can be remembered.
_PURE_CONVERTERS = frozenset(DEFAULT_CONVERTERS.values())

#: At most this many matches are remembered; the cache is emptied when full,
#: so requests for ever-new URLs cannot grow it.
_MATCH_CACHE_SIZE = 1024


class _Misses:
    """What the failed branches of one match found: the methods that would
    have matched, and whether only the websocket flag was wrong."""

    __slots__ = ("methods", "websocket")

    def __init__(self) -> None:
        self.methods: set[str] = set()
        self.websocket = False


class StateMachineMatcher(_WerkzeugMatcher):
    """werkzeug's matcher with each dynamic part's pattern compiled and its
    groups ordered once, in :meth:`update`, instead of on every match."""

    def __init__(self, merge_slashes: bool) -> None:
        super().__init__(merge_slashes)
        self._transitions: dict[int, list[_Transition]] = {}
        self._matches: dict[
            tuple[str, str, str, bool], tuple[Rule, dict[str, t.Any]]
        ] = {}

    def update(self) -> None:
        """Sort the transitions (as werkzeug does) and prepare them."""
        super().update()
        transitions: dict[int, list[_Transition]] = {}
        pending = [self._root]
        while pending:
            state = pending.pop()
            transitions[id(state)] = _prepare(state)
            pending.extend(state.static.values())
            pending.extend(next_state for _, next_state in state.dynamic)
        self._transitions = transitions
        self._matches = {}

    def match(
        self, domain: str, path: str, method: str, websocket: bool
    ) -> tuple[Rule, t.MutableMapping[str, t.Any]]:
        """Find the rule for a path; raise werkzeug's routing errors."""
        key = (domain, path, method, websocket)
        known = self._matches.get(key)
        if known is not None:
            return known[0], dict(known[1])

        misses = _Misses()
        rv = self._walk(domain, path, method, websocket, misses)
        if self.merge_slashes and rv is None:
            path = re.sub("/{2,}", "/", path)
            rv = self._walk(domain, path, method, websocket, misses)
            if rv is None or rv[0].merge_slashes is False:
                raise NoMatch(misses.methods, misses.websocket)
            raise RequestPath(f"{path}")

        if rv is None:
            raise NoMatch(misses.methods, misses.websocket)

        rule, values = rv
        result: dict[str, t.Any] = {}
        converters = rule._converters
        pure = True
        for name, value in zip(converters.keys(), values, strict=False):
            converter = converters[name]
            if type(converter) not in _PURE_CONVERTERS:
                pure = False
            try:
                result[str(name)] = converter.to_python(value)
            except ValidationError as e:
                raise NoMatch(misses.methods, misses.websocket) from e
        if rule.defaults:
            result.update(rule.defaults)
        if rule.alias and rule.map.redirect_defaults:
            raise RequestAliasRedirect(result, rule.endpoint)
        if pure and not rule.alias:
            if len(self._matches) >= _MATCH_CACHE_SIZE:
                self._matches.clear()
            self._matches[key] = (rule, dict(result))
        return rule, result

    def _walk(
        self, domain: str, path: str, method: str, websocket: bool, misses: _Misses
    ) -> tuple[Rule, list[str]] | None:
        """Walk the state machine for one path; a rule that matches with a
        trailing slash added means a redirect to that URL."""
        try:
            return _match(
                self._root,
                [domain, *path.split("/")],
                0,
                [],
                method,
                websocket,
                misses,
                self._transitions,
            )
        except SlashRequired:
            raise RequestPath(f"{path}/") from None


def _match(
    state: State,
    parts: list[str],
    index: int,
    values: list[str],
    method: str,
    websocket: bool,
    misses: _Misses,
    transitions: dict[int, list[_Transition]],
) -> tuple[Rule, list[str]] | None:
    """Match ``parts[index:]`` from ``state``: static transitions first,
    then dynamic ones by weight, then a trailing slash for rules without
    strict slashes."""
    if index == len(parts):
        rule = _usable_rule(state.rules, method, websocket, misses, False)
        if rule is not None:
            return rule, values
        # A rule matching the path plus a slash means a redirect to it.
        if "" in state.static:
            for rule in state.static[""].rules:
                if websocket == rule.websocket and (
                    rule.methods is None or method in rule.methods
                ):
                    if rule.strict_slashes:
                        raise SlashRequired()
                    return rule, values
        return None

    part = parts[index]
    static = state.static
    if part in static:
        rv = _match(
            static[part],
            parts,
            index + 1,
            values,
            method,
            websocket,
            misses,
            transitions,
        )
        if rv is not None:
            return rv

    prepared = transitions.get(id(state))
    if prepared is None:
        # A state added since the last update(); werkzeug's Map always
        # updates first, so this is only for the matcher used on its own.
        prepared = _prepare(state)
    for match_part, final, suffixed, group_names, next_state in prepared:
        if final:
            target = "/".join(parts[index:])
            rest, rest_index = parts, len(parts)
        else:
            target = part
            rest, rest_index = parts, index + 1
        found = match_part(target)
        if found is not None:
            if suffixed and found.groups()[-1] == "/":
                # A part that may span slashes ended in one: what remains is
                # the trailing-slash check.
                rest, rest_index = [""], 0
            rv = _match(
                next_state,
                rest,
                rest_index,
                values + [found.group(name) for name in group_names],
                method,
                websocket,
                misses,
                transitions,
            )
            if rv is not None:
                return rv

    if index == len(parts) - 1 and part == "":
        # Only a trailing slash is left: rules without strict slashes match.
        rule = _usable_rule(state.rules, method, websocket, misses, True)
        if rule is not None:
            return rule, values
    return None


def _usable_rule(
    rules: list[Rule],
    method: str,
    websocket: bool,
    misses: _Misses,
    loose_slashes_only: bool,
) -> Rule | None:
    """The first rule that takes the method and websocket flag; note why
    the others did not."""
    for rule in rules:
        if loose_slashes_only and rule.strict_slashes:
            continue
        if rule.methods is not None and method not in rule.methods:
            misses.methods.update(rule.methods)
        elif rule.websocket != websocket:
            misses.websocket = True
        else:
            return rule
    return None


def _prepare(state: State) -> list[_Transition]:
    return [
        (
            re.compile(part.content).match,
            part.final,
            part.suffixed,
            _converter_groups(part.content),
            next_state,
        )
        for part, next_state in state.dynamic
    ]


def _converter_groups(pattern: str) -> tuple[str, ...]:
    """The names of a part pattern's converter groups, in converter order."""
    names = [
        name
        for name in re.compile(pattern).groupindex
        if name.startswith("__werkzeug_")
    ]
    return tuple(sorted(names, key=lambda name: int(name[11:])))


class Map(_WerkzeugMap):
    """werkzeug's :class:`~werkzeug.routing.Map`, matching with
    :class:`StateMachineMatcher`."""

    def __init__(self, rules: t.Any = None, **kwargs: t.Any) -> None:
        super().__init__(None, **kwargs)
        self._matcher = StateMachineMatcher(self._matcher.merge_slashes)
        for rule_factory in rules or ():
            self.add(rule_factory)
