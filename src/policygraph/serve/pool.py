"""The worker processes that run queries, each with a time limit, and what they open.

:class:`QueryPool` keeps one process per worker, started by a fork server, and stops a query
that passes its time limit or whose client goes away by killing its worker and starting another.
Each worker follows the store to its current version between queries; :func:`source_for` says
what the workers open for a store.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from policygraph.serve.execution import Answer, Job, execute, one_line, text_answer
from policygraph.store import versions
from policygraph.store.base import GraphStore
from policygraph.store.oxigraph import OxigraphStore

__all__ = ["DEFAULT_WORKERS", "LONG", "LONG_NICENESS", "QueryPool", "Source", "source_for"]

log = logging.getLogger("policygraph.serve")


@dataclass(frozen=True)
class Source:
    """What a worker opens: an Oxigraph store directory (read-only) or an N-Quads file that each
    worker loads into memory."""

    path: Path
    kind: str = "oxigraph"  # or "nquads"

    def open(self) -> ox.Store:
        if self.kind == "oxigraph":
            return ox.Store.read_only(str(self.path))
        store = ox.Store()
        store.bulk_load(path=str(self.path), format=ox.RdfFormat.N_QUADS)
        return store

    def current(self) -> Source:
        """The source as it is now: an Oxigraph path through the store's ``current`` pointer
        resolved to the version it names (a few system calls, made before each query)."""
        if self.kind != "oxigraph":
            return self
        return Source(Path(os.path.realpath(self.path)), self.kind)


def _worker_main(source: Source, conn: Connection) -> None:
    """A worker process: open the store once, then answer jobs until the pipe closes."""
    try:
        store = source.open()
    except (OSError, ValueError, SyntaxError) as exc:
        conn.send(("failed", one_line(exc)))
        return
    conn.send(("ready", ""))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(execute(store, job))


#: A query that has run this long is lowered in priority (niceness LONG_NICENESS), so that the
#: short queries of other clients keep their cores while it goes on to its time limit.
LONG = 0.5
LONG_NICENESS = 15


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context: Any, source: Source) -> None:
        self._context = context
        self._source = source
        self.started = 0.0
        self._start()

    def _start(self) -> None:
        self.conn, child = self._context.Pipe()
        self.process = self._context.Process(
            target=_worker_main, args=(self._source, child), daemon=True, name="policygraph-query"
        )
        self.process.start()
        child.close()
        self.ready = False
        self.started = time.monotonic()

    def restart(self, source: Source | None = None) -> None:
        self.stop()
        self._source = source or self._source
        self._start()

    @property
    def source(self) -> Source:
        return self._source

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()

    def _wait_ready(self, limit: float) -> str | None:
        """None once the worker has opened the store, or why it could not."""
        if self.ready:
            return None
        if not self.conn.poll(limit):
            return f"the query worker did not open the store within {limit:.0f} s"
        try:
            state, detail = self.conn.recv()
        except (EOFError, OSError):
            return "the query worker could not start"
        if state != "ready":
            return f"the query worker cannot open the store: {detail}"
        self.ready = True
        return None

    def run(self, job: Job, timeout: float, cancelled: threading.Event) -> Answer:
        problem = self._wait_ready(60.0)
        if problem is not None:
            self.restart()
            return text_answer(503, problem, "error")
        self.conn.send(job)
        started = time.monotonic()
        deadline = started + timeout
        niced = False
        try:
            while True:
                remaining = deadline - time.monotonic()
                if not niced and time.monotonic() - started > LONG:
                    niced = self._nice(LONG_NICENESS)
                answer = self._poll(remaining, timeout, cancelled)
                if answer is not None:
                    return answer
        finally:
            if niced and self.process.is_alive() and not self._nice(0):
                self.restart()  # cannot raise its priority again: a fresh worker instead

    def _nice(self, niceness: int) -> bool:
        """Set the worker's scheduling niceness; False where the system does not allow it."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, niceness)
        except OSError:
            return False
        return True

    def _poll(self, remaining: float, timeout: float, cancelled: threading.Event) -> Answer | None:
        """The worker's answer, an answer for a stopped query, or None to wait on."""
        if remaining <= 0:
            self.restart()
            return text_answer(
                503,
                f"the query ran past the time limit of {timeout:g} s and was stopped "
                "(serve --timeout); narrow it or add a LIMIT",
                "timeout",
            )
        if cancelled.is_set():
            self.restart()
            return text_answer(499, "the client went away; the query was stopped", "cancelled")
        try:
            if self.conn.poll(min(remaining, 0.1)):
                answer: Answer = self.conn.recv()
                return answer
        except (EOFError, OSError):
            pass
        else:
            return None
        self.restart()  # the worker died (out of memory, say); its query with it
        return text_answer(500, "the query worker stopped unexpectedly", "error")


class QueryPool:
    """Worker processes that run queries, at most one each at a time, with a time limit."""

    def __init__(self, source: Source, workers: int = 2, timeout: float = 10.0) -> None:
        if workers < 1:
            raise ValueError("at least one worker")
        self.timeout = timeout
        # Not a plain fork: the server has threads, and a forked copy of them is undefined. A fork
        # server (one clean process with this module imported) starts a replacement worker in
        # milliseconds, where spawning one would import policygraph again (0.6 s of CPU).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._source = source
        self._holds = _Holds()
        opened = source.current()
        self.workers = [_Worker(context, self._holds.take(opened)) for _ in range(workers)]
        for worker in self.workers:
            self._idle.put(worker)
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="policygraph-q")

    def run(
        self, job: Job, cancelled: threading.Event | None = None, ticket: _Ticket | None = None
    ) -> Answer:
        """Run ``job`` on the next free worker (blocking)."""
        cancelled = cancelled or threading.Event()
        worker = self._idle.get()
        try:
            if cancelled.is_set():
                return text_answer(499, "the client went away before the query ran", "cancelled")
            if ticket is not None and not ticket.take():
                return text_answer(503, "the query waited too long for a worker", "busy")
            self._follow(worker)
            answer = worker.run(job, self.timeout, cancelled)
            return dataclasses.replace(answer, version=str(worker.source.path))
        finally:
            self._idle.put(worker)

    def version(self) -> str:
        """The store version a query started now would read."""
        return str(self._source.current().path)

    async def submit(self, job: Job, gone: Callable[[], Awaitable[bool]]) -> Answer:
        """Run ``job`` without blocking the event loop; stop it if ``gone()`` turns true.

        A query that finds no free worker within the time limit is answered 503 then, with
        ``Retry-After``: however many heavy queries arrive at once, every client has an answer
        within two time limits (one waiting, one running)."""
        cancelled, ticket = threading.Event(), _Ticket()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.executor, self.run, job, cancelled, ticket)
        deadline = time.monotonic() + self.timeout
        while True:
            done, _ = await asyncio.wait({future}, timeout=0.25)
            if done:
                return future.result()
            if not cancelled.is_set() and await gone():
                cancelled.set()
            if time.monotonic() > deadline and ticket.abandon():
                workers = len(self.workers)
                return text_answer(
                    503,
                    f"all {workers} query workers stayed busy for the time limit of "
                    f"{self.timeout:g} s; retry in a few seconds",
                    "busy",
                    **{"Retry-After": "5"},
                )

    def _follow(self, worker: _Worker) -> None:
        """Start ``worker`` afresh on the store's current version if a build replaced the one
        it has open."""
        now = self._source.current()
        if now != worker.source:
            previous = worker.source
            worker.restart(self._holds.take(now))
            self._holds.drop(previous)
            log.info("the store was rebuilt: a query worker now reads %s", now.path)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        for worker in self.workers:
            worker.stop()
            self._holds.drop(worker.source)


class _Ticket:
    """A queued query's place: either a worker takes it, or its client is answered 503 for
    waiting too long, never both."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = "queued"

    def _leave(self, state: str) -> bool:
        with self._lock:
            if self._state != "queued":
                return False
            self._state = state
            return True

    def take(self) -> bool:
        return self._leave("taken")

    def abandon(self) -> bool:
        return self._leave("abandoned")


class _Holds:
    """The store versions the workers have open, each held (:func:`versions.hold`) while at
    least one does, so that a build does not remove a version a worker still reads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[Path, tuple[int | None, int]] = {}

    def take(self, source: Source) -> Source:
        if source.kind == "oxigraph":
            version = source.path.parent  # the db's directory: a store version
            with self._lock:
                fd, users = self._held.get(version, (None, 0))
                if users == 0:
                    fd = versions.hold(version)
                self._held[version] = (fd, users + 1)
        return source

    def drop(self, source: Source) -> None:
        if source.kind != "oxigraph":
            return
        version = source.path.parent
        with self._lock:
            fd, users = self._held.pop(version, (None, 0))
            if users > 1:
                self._held[version] = (fd, users - 1)
            else:
                versions.release(fd)


#: Worker processes by default: one more than the cores, so that a query stuck until its time
#: limit leaves every core to the others.
DEFAULT_WORKERS = min(os.cpu_count() or 2, 8) + 1


def source_for(store: GraphStore, scratch: Path) -> Source:
    """What the workers open for ``store``: an Oxigraph store's own files, read-only; any other
    store's quads written once as N-Quads (by rdflib) for each worker to load."""
    if isinstance(store, OxigraphStore):
        return Source(store.location())
    from rdflib import Dataset

    dataset = Dataset()
    dataset.addN((s, p, o, dataset.graph(g)) for s, p, o, g in store.quads())  # type: ignore[arg-type]
    path = scratch / "dataset.nq"
    dataset.serialize(path, format="nquads", encoding="utf-8")
    return Source(path, kind="nquads")
