"""Arguments of the app's whitelisted methods: checked against the signature before the method runs.

Frappe v15 validates whitelisted arguments against type hints (frappe.utils.typing_validations), but
it skips every hint written as a string, and under `from __future__ import annotations` (used
throughout this app) every hint is a string; a missing argument is a plain TypeError. Either way the
caller got a 500 with a traceback, or the bad value reached a query and came back as SQL. Every
whitelisted method of the app is therefore decorated:

    @frappe.whitelist(allow_guest=True, methods=["POST"])
    @validate_arguments
    def create_ticket(subject: str, description: str, email: str, name: str | None = None): ...

A missing required argument, or a value of the wrong kind (a list or an object where text is
expected), is refused with InvalidArgument (HTTP 417, a ValidationError) naming the argument, before
the method body runs, so nothing is written. tests/test_whitelisted_methods.py checks that no
whitelisted method of the app goes without it.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Callable

import frappe
from frappe import _


class InvalidArgument(frappe.ValidationError):
    """A whitelisted method was called with an argument missing or of the wrong kind (HTTP 417)."""


def validate_arguments(method: Callable) -> Callable:
    signature = inspect.signature(method)
    required = [
        name
        for name, parameter in signature.parameters.items()
        if parameter.default is inspect.Parameter.empty
        and parameter.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    ]
    hints: dict[str, object] | None = None

    @functools.wraps(method)
    def checked(*args, **kwargs):
        nonlocal hints
        if hints is None:
            hints = _resolved_hints(method, signature)
        try:
            bound = signature.bind_partial(*args, **kwargs)
        except TypeError as error:  # more positional values than parameters: only from Python callers
            raise InvalidArgument(str(error)) from None
        missing = [name for name in required if name not in bound.arguments]
        if missing:
            frappe.throw(
                _("Missing required value: {0}").format(", ".join(missing)), InvalidArgument, title=_("Invalid request")
            )
        for name, value in bound.arguments.items():
            if name in hints:
                bound.arguments[name] = _checked_value(name, value, hints[name])
        return method(*bound.args, **bound.kwargs)

    return checked


def _resolved_hints(method: Callable, signature: inspect.Signature) -> dict[str, object]:
    """The parameters' type hints as types (string hints evaluated in the method's module)."""
    try:
        hints = typing.get_type_hints(method)
    except Exception:  # one hint naming something importable only for type checkers: resolve one by one
        hints = {}
        for name, parameter in signature.parameters.items():
            annotation = parameter.annotation
            if isinstance(annotation, str):
                try:
                    annotation = eval(annotation, method.__globals__)  # noqa: S307 - the app's own source
                except Exception:
                    continue
            if annotation is not inspect.Parameter.empty:
                hints[name] = annotation
    hints.pop("return", None)
    return {name: hint for name, hint in hints.items() if name in signature.parameters and hint is not typing.Any}


def _checked_value(name: str, value, hint):
    from pydantic import ValidationError as PydanticValidationError

    from frappe.utils.typing_validations import TypeAdapter

    try:
        return TypeAdapter(hint).validate_python(value)
    except (PydanticValidationError, TypeError):
        frappe.throw(
            _("{0} must be {1}.").format(name, _describe(hint)), InvalidArgument, title=_("Invalid request")
        )


def _describe(hint) -> str:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        # "str | None": None is what leaving the argument out gives; name only the real kinds.
        return " / ".join(_describe(option) for option in typing.get_args(hint) if option is not type(None))
    hint = typing.get_origin(hint) or hint
    names = {
        str: _("text"),
        int: _("a whole number"),
        float: _("a number"),
        bool: _("true or false"),
        dict: _("an object"),
        list: _("a list"),
    }
    return names.get(hint, getattr(hint, "__name__", str(hint)))
