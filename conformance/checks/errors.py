"""The errors and warnings checks: torch's exception type for bad input, torch's warning category."""
from __future__ import annotations

import builtins
import re

from ..compare import Mismatch, assert_same_values, describe
from ..runner import Context, SpecDisagrees


def errors(ctx: Context, drawn: dict) -> None:
    """Bad input raises the exception type torch raises (its message matching `match`, if given); named inputs
    stay unchanged."""
    wanted = getattr(builtins, ctx.case.raises)
    expected = ctx.run(ctx.oracle, drawn)
    if not isinstance(expected.error, wanted):
        raise SpecDisagrees(f"spec error: torch {describe(expected.error) if expected.error else 'returns normally'}"
                            f", the spec expects {ctx.case.raises}")
    actual = ctx.run(ctx.impl, drawn)
    if actual.error is None:
        raise Mismatch(f"returned {describe(actual.result)} where torch raises {type(expected.error).__name__}: "
                       f"{expected.error}", describe(expected.error), describe(actual.result))
    if not isinstance(actual.error, wanted):
        raise Mismatch(f"raised {type(actual.error).__name__}: {actual.error}; torch raises {ctx.case.raises} "
                       f"({expected.error})", describe(expected.error), describe(actual.error))
    if ctx.case.match is not None:  # the message matters too (say, one that tells the user what to do)
        pattern = re.compile(ctx.case.match)
        if not pattern.search(str(expected.error)):
            raise SpecDisagrees(f"spec error: torch's message {str(expected.error)!r} does not match "
                                f"{pattern.pattern!r}")
        if not pattern.search(str(actual.error)):
            raise Mismatch(f"the message {str(actual.error)!r} does not match {pattern.pattern!r} "
                           f"(torch: {expected.error})", describe(expected.error), describe(actual.error))
    for name in ctx.case.unchanged:
        assert_same_values(actual.namespace[name], expected.namespace[name],
                           f"input {name} after the failed call (must be unchanged)")


def warnings(ctx: Context, drawn: dict) -> None:
    """The call warns with torch's category and a message matching the spec's pattern."""
    category = getattr(builtins, ctx.case.warns)
    pattern = re.compile(ctx.case.match or "")
    expected, actual = ctx.pair(drawn)

    def matching(side):
        return [w for w in side.warnings if issubclass(w.category, category) and pattern.search(str(w.message))]

    if not matching(expected):
        raise SpecDisagrees(f"spec error: torch gives no {ctx.case.warns} matching {pattern.pattern!r} "
                            f"(it gives {[str(w.message)[:80] for w in expected.warnings]})")
    if not matching(actual):
        got = [f"{w.category.__name__}: {w.message}" for w in actual.warnings]
        raise Mismatch(f"no {ctx.case.warns} matching {pattern.pattern!r}; the implementation warned {got or 'nothing'}",
                       f"{ctx.case.warns}: {matching(expected)[0].message}", "\n".join(got) or "no warning")
    assert_same_values(actual.result, expected.result, "result")
