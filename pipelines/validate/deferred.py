"""Modules Great Expectations imports at start-up but Tartip's suites never call, loaded on first use.

GX 1.x imports every core expectation when it starts, and two of them bring in `scipy.stats`
(KS tests, KL divergence) and `altair` (the KL divergence's chart): about 1.1 s of a ~2.6 s import
on this machine, paid by every run that checks a record. Tartip's suites use neither expectation,
so these modules are put in `sys.modules` as placeholders that import the real module the first
time one of its attributes is read: GX imports them by name only and touches them inside its
functions, so a suite that did use them would still get the real module, just later.

The standard `importlib.util.LazyLoader` cannot do this: Python's import machinery reads a module's
`__spec__` when it finds it in `sys.modules`, and a lazy module loads itself on that first read.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import types

# the modules GX imports but Tartip's expectation types never call (checked by tests/test_validate_deferred.py)
UNUSED_BY_SUITES = ("scipy.stats", "altair")


class Deferred(types.ModuleType):
    """A placeholder in sys.modules that becomes the real module at the first attribute it lacks."""

    def __getattr__(self, attr: str):
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        real = importlib.import_module(name)
        self.__dict__.update(real.__dict__)
        return getattr(real, attr)


def defer(names: tuple[str, ...] = UNUSED_BY_SUITES) -> list[str]:
    """Put a placeholder in sys.modules for each module not imported yet; return those deferred."""
    done = []
    for name in names:
        if name not in sys.modules:
            module = Deferred(name)
            module.__spec__ = importlib.machinery.ModuleSpec(name, None)
            sys.modules[name] = module
            done.append(name)
    return done


def is_deferred(name: str) -> bool:
    """True while a module is still a placeholder (nothing has used it yet)."""
    return isinstance(sys.modules.get(name), Deferred)
