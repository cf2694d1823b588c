"""The versions of an on-disk store directory, the pointer to the current one, and its locks.

Layout::

    DIR/current -> store-…   a relative symlink: the one name readers resolve, once
    DIR/store-…/             a complete store (its db, manifest and gap table)
    DIR/build-…/             a store being written (a build killed midway leaves one behind)
    DIR/build.lock           held (flock) by the one build that may write; holds its pid
    DIR/store-…/readers.lock held shared by every process reading that version

A build writes ``build-X``, renames it ``store-X`` and replaces ``current`` by one
``os.replace`` of a new symlink: a kill at any moment leaves ``current`` pointing at either the
previous complete store or the new one. What a killed build leaves is removed by the next one,
under the build lock; a version some process still reads (its readers lock is held) is kept
until a later build finds it free.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from pathlib import Path

from policygraph.errors import StoreError

__all__ = [
    "CURRENT",
    "BuildLock",
    "clean",
    "hold",
    "release",
    "resolve",
    "switch",
]

CURRENT = "current"
LOCK = "build.lock"
READERS = "readers.lock"
BUILD_PREFIX = "build-"
VERSION_PREFIX = "store-"
#: Names that only a build makes, none of them the store in use: ``retired-`` is what the
#: two-rename swap of earlier versions left when killed between its renames.
_LEFTOVERS = (BUILD_PREFIX, VERSION_PREFIX, "retired-", f"{CURRENT}.tmp-")


def resolve(directory: Path) -> Path:
    """The version directory ``DIR/current`` points to (``DIR/current`` itself for a store
    written before versions, or when there is none)."""
    current = directory / CURRENT
    try:
        target = os.readlink(current)
    except OSError:  # missing, or a plain directory
        return current
    return directory / target


def hold(version: Path) -> int | None:
    """Take a shared hold on ``version`` so that no build removes it while it is read; the
    descriptor to :func:`release`, or None when the version has no readers lock (an older
    layout) or is gone (re-resolve and try again)."""
    try:
        fd = os.open(version / READERS, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a build is removing this very version
    if not version.is_dir():  # removed before the hold: the caller resolves again
        os.close(fd)
        return None
    return fd


def release(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch(directory: Path, staging: Path) -> Path:
    """Make the complete store at ``staging`` (``DIR/build-X``) the current one; its new path.

    One rename to ``store-X`` (a kill after it leaves an unused version for the next build to
    remove), then one ``os.replace`` of a symlink over ``current``."""
    token = staging.name.removeprefix(BUILD_PREFIX)
    version = directory / (VERSION_PREFIX + token)
    (staging / READERS).touch()
    os.rename(staging, version)
    link = directory / f"{CURRENT}.tmp-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    os.symlink(version.name, link)
    current = directory / CURRENT
    if current.is_dir() and not current.is_symlink():
        # A store written before versions: a symlink cannot replace a directory, so it is moved
        # aside first. The one moment with no `current`, once in the life of such a store.
        os.rename(current, directory / f"{VERSION_PREFIX}legacy-{token}")
    os.replace(link, current)
    _fsync_dir(directory)
    return version


def clean(directory: Path) -> list[str]:
    """Remove what killed or finished builds left (under the build lock): every ``build-``
    directory and every version that ``current`` does not point at and no process reads. The
    names removed."""
    keep = resolve(directory).name
    removed: list[str] = []
    try:
        entries = sorted(directory.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if entry.name == keep or not entry.name.startswith(_LEFTOVERS):
            continue
        if entry.is_symlink() or not entry.is_dir():
            with contextlib.suppress(OSError):
                entry.unlink()
            removed.append(entry.name)
        elif _remove_unread(entry):
            removed.append(entry.name)
    return removed


def _remove_unread(version: Path) -> bool:
    """Remove ``version`` unless a reader holds it; whether it was removed."""
    try:
        fd: int | None = os.open(version / READERS, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        fd = None  # a build directory, or a version from before readers locks
    try:
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
        shutil.rmtree(version, ignore_errors=True)
        return not version.exists()
    finally:
        release(fd)


class BuildLock:
    """The lock that lets one build at a time write a store directory (``fcntl.flock``: the
    kernel releases it when its process ends, however it ends)."""

    def __init__(self, directory: Path) -> None:
        path = directory / LOCK
        try:
            self.fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise StoreError(f"{directory}: cannot lock the store ({exc.strerror})") from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.pread(self.fd, 32, 0).decode("ascii", "replace").strip()
            self.close()
            who = f"pid {owner}" if owner.isdigit() else "another process"
            raise StoreError(
                f"{directory}: another build ({who}) is writing this store; "
                "wait for it to finish, or stop it",
                exit_code=2,
            ) from None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"{os.getpid()}\n".encode(), 0)

    def close(self) -> None:
        fd, self.fd = self.fd, None
        release(fd)
