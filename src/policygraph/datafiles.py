"""Opening a data file safely: only a regular file is read, and only up to a bound.

A data directory is edited by hand, so anything may sit where a CSV file is expected: a
directory, a FIFO (opening one for reading blocks until a writer comes, so a build would hang),
a device, a dangling or looping symlink, a file the user cannot read, or one far too large to
be data. Each is refused with a :class:`SourceError` naming the file before anything reads it.
The file is opened non-blocking and checked again on the open descriptor, so a file swapped
between the check and the read is caught as well.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from policygraph.errors import SourceError

__all__ = ["MAX_FILE_BYTES", "check_regular", "decode_utf8", "read_bounded", "write_atomic"]

#: The largest data file read (4 GiB). A national RDF file is a few hundred MB (benchmarks/);
#: anything larger is a mistake (a disk image, a log) that would only exhaust memory.
MAX_FILE_BYTES = 4 << 30


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _refuse_os(path: Path, exc: OSError) -> SourceError:
    if exc.errno == errno.ELOOP:
        return SourceError(path, "symlink loop", fix="point the link at a real file or remove it")
    if exc.errno == errno.ENOENT and path.is_symlink():
        target = os.readlink(path)
        return SourceError(
            path, f"dangling symlink (to {target})", fix="point it at a file or remove it"
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return SourceError(path, "cannot read (permission denied)", fix="check its permissions")
    return SourceError(path, f"cannot read ({exc.strerror})", fix="check the file")


def _check_mode(path: Path, info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(
            path,
            f"{_kind(info.st_mode)}, not a data file",
            fix="remove it or rename it so that no reader takes it",
        )
    if info.st_size > limit:
        raise SourceError(
            path,
            f"{info.st_size:,} bytes, more than the {limit:,} a data file may have",
            fix="split the file or remove it",
        )


def check_regular(path: Path, limit: int = MAX_FILE_BYTES) -> None:
    """Refuse ``path`` unless it is (or links to) a readable regular file within ``limit``."""
    try:
        info = path.stat()
    except OSError as exc:
        raise _refuse_os(path, exc) from None
    _check_mode(path, info, limit)
    if not os.access(path, os.R_OK):
        raise SourceError(path, "cannot read (permission denied)", fix="check its permissions")


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``path``; a :class:`SourceError` for anything else."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused on fstat below.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _refuse_os(path, exc) from None
    try:
        _check_mode(path, os.fstat(fd), limit)
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > limit:  # grew while read
                _check_mode(path, os.fstat(fd), limit)
                raise SourceError(path, "grew past the size limit while read", fix="retry")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise _refuse_os(path, exc) from None
    finally:
        os.close(fd)


def decode_utf8(path: Path, data: bytes) -> str:
    """``data`` as text; an invalid byte is reported at its line and column (in characters)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        start = before.rfind(b"\n") + 1
        column = len(before[start:].decode("utf-8", errors="replace")) + 1
        raise SourceError(
            path,
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
            line=line,
            column=column,
            fix="save the file as UTF-8",
        ) from None


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all: readers (and a concurrent build writing
    the same file) see the old content or the new, never a part. Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        scratch.write_text(text, encoding="utf-8")
        scratch.replace(path)
    finally:
        scratch.unlink(missing_ok=True)
