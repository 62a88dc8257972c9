"""Logging, set up in one place for gunicorn, the workers and the all-in-one: JSON lines (or text)
carrying the service, the process, and what is being worked on — the queue, the message id, the
correlation id (the wish id) and the request id — from a context each edge binds.

MICROWISH_LOG_FORMAT=json|text (json by default; `microwish run` defaults to text, which reads
better in a terminal); MICROWISH_LOG_LEVEL (INFO). Messages never carry personal data: what is
logged is ids, kinds and counts, and the no-leaks test scans both formats."""
from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

FIELDS = ("service", "process", "queue", "message_id", "correlation_id", "request_id")
# A LogRecord has a `process` of its own (the pid): ours travels as mw_process, shown as process.
_ATTR = {name: name for name in FIELDS} | {"process": "mw_process"}
_context: ContextVar[dict] = ContextVar("microwish_log_context", default={})
_process: dict[str, str | None] = {"service": None, "process": None}


_SCOPE = "_scope"  # set by bind and begin: a unit of work inside may note its wish


def bind(**fields):
    """Add `fields` to the log context of this thread (or request); a token for `unbind`."""
    return _context.set({**_context.get(), _SCOPE: True,
                         **{k: v for k, v in fields.items() if v}})


def begin(**fields):
    """Start a fresh context (a request: nothing from before it applies); a token for `unbind`."""
    return _context.set({_SCOPE: True, **{k: v for k, v in fields.items() if v}})


def unbind(token) -> None:
    _context.reset(token)


@contextmanager
def bound(**fields):
    token = bind(**fields)
    try:
        yield
    finally:
        unbind(token)


def note_correlation(correlation_id: str | None) -> None:
    """The wish this work is about, once it is known (the first one named wins) — only inside a
    request, a message or a job, whose end forgets it; never for a thread as a whole."""
    context = _context.get()
    if correlation_id and context.get(_SCOPE) and "correlation_id" not in context:
        bind(correlation_id=correlation_id)


def current() -> dict:
    return {k: v for k, v in _context.get().items() if k != _SCOPE}


class ContextFilter(logging.Filter):
    """Put the context's fields on every record a handler formats (empty ones as None)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get()
        for name in FIELDS:
            if not hasattr(record, _ATTR[name]):
                setattr(record, _ATTR[name], context.get(name) or _process.get(name))
        return True


class TextFormatter(logging.Formatter):
    """One readable line: time, level, logger, message, then the context as key=value."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = " ".join(f"{name}={getattr(record, name)}" for name in FIELDS[2:]
                         if getattr(record, name, None))
        return f"{line} [{extra}]" if extra else line


def formatter(fmt: str) -> logging.Formatter:
    if fmt == "text":
        return TextFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    return JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                         datefmt="%Y-%m-%dT%H:%M:%S%z",
                         rename_fields={"asctime": "time", "levelname": "level",
                                        "name": "logger", "mw_process": "process"},
                         json_ensure_ascii=False, reserved_attrs=_RESERVED)


# Everything a LogRecord has by itself stays out of the JSON line unless named in the format.
_RESERVED = ["args", "created", "exc_info", "exc_text", "filename", "funcName", "levelno",
             "lineno", "module", "msecs", "msg", "pathname", "process", "processName",
             "relativeCreated", "stack_info", "thread", "threadName", "taskName"]


def handler(fmt: str, stream=None) -> logging.Handler:
    """A handler writing `fmt` lines with the context's fields."""
    out = logging.StreamHandler(stream or sys.stderr)
    out.setFormatter(formatter(fmt))
    out.addFilter(ContextFilter())
    return out


def configure(service: str | None, process: str, fmt: str | None = None,
              level: str | None = None, env=None) -> None:
    """Send every log record (gunicorn's own included) through one handler of `fmt`."""
    env = os.environ if env is None else env
    fmt = fmt or env.get("MICROWISH_LOG_FORMAT", "json")
    if fmt not in ("json", "text"):
        raise SystemExit(f"MICROWISH_LOG_FORMAT must be json or text, not {fmt!r}")
    _process.update(service=service, process=f"{process}:{os.getpid()}")
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler(fmt))
    root.setLevel(level or env.get("MICROWISH_LOG_LEVEL", "INFO").upper())
    for name in ("gunicorn.error", "gunicorn.access"):  # they keep their own streams
        for own in logging.getLogger(name).handlers:
            own.setFormatter(formatter(fmt))
            own.addFilter(ContextFilter())


def set_process(process: str) -> None:
    """After a fork (a gunicorn worker), name this process again."""
    _process["process"] = f"{process}:{os.getpid()}"
