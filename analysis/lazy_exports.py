"""Public names of a package imported on first use (PEP 562), so that importing the package, or
one module of it, does not load every module and the libraries they need."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module


def lazy_exports(
    namespace: dict[str, object], where: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of the package whose globals are ``namespace``:
    ``where`` maps each public name to the module that defines it. A name is imported when first
    asked for, then kept as a plain attribute of the package."""
    package = namespace["__name__"]

    def __getattr__(name: str) -> object:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(where[name]), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*namespace, *where])

    return __getattr__, __dir__
