"""Files written whole or not at all, on every system, and no temporary file left behind.

Every workbook xlplan writes (the consolidated workbook, templates, annotated copies, the demo's
examples) is written to a temporary file beside its target and renamed into place, so a reader
never sees half a workbook. What that takes on the systems users have:

* **Temporary names that say who owns them**: ``.xl~<pid>~<random>.tmp`` (and a folder of the
  same form for a workbook's parts). A run killed outright (Task Manager, SIGKILL, a laptop
  closed mid-write) cannot remove its own; the next run that writes into the same folder
  removes those whose process is gone (:func:`sweep`). Names are short, so a long output
  path is not pushed past Windows' 260 characters by its temporary file; a parts folder that
  would be is made in the system's temporary folder instead.
* **A rename that waits a moment**: on Windows a file that OneDrive, an antivirus scan or the
  search indexer has just opened cannot be replaced for a second or two. :func:`replace`
  retries briefly, then raises :class:`HeldFile` with one sentence for the user.
* **A file open in Excel named**: Excel keeps ``~$<name>`` beside a workbook it has open
  (LibreOffice ``.~lock.<name>#``); :func:`open_in` says which program holds a target.
"""
from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

#: What every temporary name xlplan makes starts with.
PREFIX = ".xl~"
#: Windows' classic path limit (MAX_PATH, less the terminating NUL).
MAX_PATH = 259
#: Temporary entries of a process that cannot be checked are removed after this long (s).
STALE_AFTER = 24 * 3600
#: Earlier versions' temporary names (``.xlplan-XXXXXXXX`` folders, ``.<stem>.XXXXXXXX
#: .xlsx.tmp`` files): removed once this old (s), as no run takes that long.
LEGACY_AFTER = 6 * 3600
#: How long a held file is waited for before giving up (s).
RETRY_FOR = 3.0


class HeldFile(OSError):
    """A file another program holds open; the message says which and what to do."""


def _name(suffix: str = "") -> str:
    return f"{PREFIX}{os.getpid()}~{secrets.token_hex(3)}{suffix}"


def _owner(name: str) -> int | None:
    """The process id in one of our temporary names, or None when it is not one."""
    if not name.startswith(PREFIX):
        return None
    pid = name[len(PREFIX):].split("~", 1)[0]
    return int(pid) if pid.isdigit() else None


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    except OSError:
        pass  # still held (another run's, or a scanner's): the next sweep tries again


def _legacy(name: str) -> bool:
    return (name.startswith(".xlplan-") and len(name) == len(".xlplan-") + 8) or (
        name.startswith(".") and name.endswith(".xlsx.tmp"))


def sweep(folder: str | os.PathLike) -> list[Path]:
    """Remove the temporary files and folders that runs killed mid-write left in ``folder``:
    ours whose process has ended (or, where that cannot be told, that are a day old), and
    earlier versions' once six hours old. Returns what was removed."""
    from .procs import pid_alive

    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        pid = _owner(entry.name)
        if pid is None and not _legacy(entry.name):
            continue  # not a temporary name of ours: never looked at further
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        if pid is not None:
            alive = pid_alive(pid) if pid != os.getpid() else True
            stale = alive is False or (alive is None and age > STALE_AFTER)
        else:
            stale = _legacy(entry.name) and age > LEGACY_AFTER
        if stale:
            _remove(Path(entry.path))
            removed.append(Path(entry.path))
    return removed


#: Folders this process has swept already (once is enough: what it leaves, it removes).
_SWEPT: set[str] = set()


def sweep_once(folder: str | os.PathLike) -> None:
    """:func:`sweep` ``folder``, the first time this process writes there."""
    key = os.path.abspath(folder)
    if key not in _SWEPT:
        _SWEPT.add(key)
        sweep(folder)


def temp_file(folder: str | os.PathLike, suffix: str = ".tmp") -> Path:
    """A new empty temporary file in ``folder`` (the folder swept first), named so that a
    later run can tell it was ours."""
    folder = Path(folder)
    sweep_once(folder)
    for _ in range(100):
        path = folder / _name(suffix)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0),
                         0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise FileExistsError(f"no free temporary name in {folder}")


@contextmanager
def temp_dir(near: str | os.PathLike, longest: int = 16) -> Iterator[Path]:
    """A private temporary folder beside ``near`` (a folder), removed on leaving, whatever
    happens. When names of ``longest`` characters in it would make a path longer than
    Windows allows, it is made in the system's temporary folder instead."""
    near = Path(near)
    base = near
    if len(str(near.resolve())) + 1 + len(_name()) + 1 + longest > MAX_PATH:
        base = Path(tempfile.gettempdir())
    sweep_once(base)
    path = base / _name()
    path.mkdir(mode=0o700)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def replace(src: str | os.PathLike, dst: str | os.PathLike) -> None:
    """``os.replace(src, dst)``, retried for up to :data:`RETRY_FOR` seconds while another
    program holds ``dst`` (Windows refuses to replace an open file; OneDrive, antivirus and
    the indexer open new files for a moment). Then :class:`HeldFile`, one sentence."""
    dst = Path(dst)
    delay, waited = 0.05, 0.0
    while True:
        try:
            os.replace(src, dst)
            return
        except PermissionError as exc:
            if waited >= RETRY_FOR:
                app = open_in(dst)
                why = (f"it is open in {app}: close it there" if app else
                       "another program holds it (Excel, OneDrive or an antivirus scan): "
                       "close it or wait a moment")
                raise HeldFile(exc.errno, f"cannot replace {dst.name}: {why}, then run "
                               "again") from None
        time.sleep(delay)
        waited += delay
        delay = min(delay * 2, 0.5)


def open_in(path: str | os.PathLike) -> str | None:
    """The program that has ``path`` open, told by the lock file it keeps beside it: "Excel"
    (``~$name``), "LibreOffice" (``.~lock.name#``), or None."""
    path = Path(path)
    for lock, app in ((path.parent / f"~${path.name}", "Excel"),
                      (path.parent / f".~lock.{path.name}#", "LibreOffice")):
        if lock.exists():
            return app
    return None


def write_bytes(path: str | os.PathLike, data: bytes, *, mode: int | None = None) -> Path:
    """``data`` written to ``path`` whole or not at all (a temporary file renamed into place;
    removed on any failure). ``mode``: the file's permissions (default: as a new file gets)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_file(path.parent)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode if mode is not None else new_file_mode())
        replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise
    return path


def new_file_mode() -> int:
    """The permissions a new file gets here (0666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
