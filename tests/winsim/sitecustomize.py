"""A Python that behaves like Windows' where xlplan can tell the difference.

On ``PYTHONPATH`` with ``XLPLAN_SIMULATE_WINDOWS=1`` set, every interpreter started (the test
process, the commands the tests run, the processes those start) has, as on Windows:

* no ``resource`` module (``import resource`` raises ImportError);
* no ``fork``: ``os.fork`` is gone and multiprocessing offers only the ``spawn`` start method
  (``get_context("fork")`` raises ValueError, as there);
* no ``os.sched_getaffinity``;
* standard output and error encoded as cp1252 (set with ``PYTHONIOENCODING`` by the caller,
  as a console redirected to a file or a pipe is).

Without the variable this file does nothing. It changes the interpreter, never xlplan.
"""
import os

if os.environ.get("XLPLAN_SIMULATE_WINDOWS") == "1":
    import sys

    sys.modules["resource"] = None  # type: ignore[assignment]  # import raises ImportError
    for _name in ("fork", "forkpty", "sched_getaffinity", "register_at_fork"):
        if hasattr(os, _name):
            delattr(os, _name)

    import multiprocessing.context as _ctx

    for _method in ("fork", "forkserver"):
        _ctx._concrete_contexts.pop(_method, None)
    _spawn = _ctx._concrete_contexts["spawn"]
    _ctx._default_context = _ctx.DefaultContext(_spawn)
    _ctx.DefaultContext.get_all_start_methods = lambda self: ["spawn"]

    import multiprocessing as _mp

    # The module-level functions were bound to the old default context at import.
    for _attr in [a for a in dir(_ctx._default_context) if not a.startswith("_")]:
        if hasattr(_mp, _attr):
            setattr(_mp, _attr, getattr(_ctx._default_context, _attr))
