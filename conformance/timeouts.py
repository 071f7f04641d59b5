"""A per-test time limit without pytest-timeout: a hanging op fails its own test and the run goes on.

On the main thread of a POSIX process (plain pytest and every pytest-xdist worker) a SIGALRM
timer interrupts the test where it hangs: the handler raises CaseTimeout in the hanging frame,
so nothing keeps running in the background and the next test starts clean. CaseTimeout derives
from BaseException, so neither the kit's own `except Exception` (which turns backend errors into
readable failures) nor Hypothesis (which would replay the failing example, hanging again) can
swallow it. Elsewhere (Windows, a non-main thread) the test runs in a daemon thread that is
abandoned after the limit. Neither way can stop a C loop that never releases the GIL; a backend
that does that needs the CI job's own timeout.
"""
from __future__ import annotations

import contextvars
import os
import signal
import sys
import threading
from typing import Callable

_KIT = os.path.dirname(os.path.abspath(__file__))


class CaseTimeout(BaseException):
    """The test ran past --case-timeout; `where` names the backend line it was stuck on."""

    def __init__(self, seconds: float, frame=None):
        super().__init__(f"timed out after {seconds:g} s (--case-timeout)")
        self.seconds = seconds
        self.where = _where(frame)


def _where(frame) -> str:
    """' (stuck at file:line in func)' for the innermost frame outside the kit, or ''."""
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_KIT):
        frame = frame.f_back
    if frame is None:
        return ""
    return f" (stuck at {frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name})"


def run_with_timeout(body: Callable[[], None], seconds: float | None) -> None:
    """Run `body()`; raise CaseTimeout if it takes longer than `seconds` (None or 0: no limit)."""
    if not seconds:
        body()
    elif hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread():
        _with_alarm(body, seconds)
    else:
        _with_thread(body, seconds)


def _with_alarm(body, seconds: float) -> None:
    def expire(signum, frame):
        raise CaseTimeout(seconds, frame)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        body()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _with_thread(body, seconds: float) -> None:
    outcome: list[BaseException] = []
    context = contextvars.copy_context()

    def target():
        try:
            context.run(body)
        except BaseException as exc:  # handed to the waiting thread, which re-raises it
            outcome.append(exc)

    worker = threading.Thread(target=target, name="conformance-case", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise CaseTimeout(seconds, sys._current_frames().get(worker.ident))
    if outcome:
        raise outcome[0]
