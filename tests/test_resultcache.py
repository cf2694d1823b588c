"""The answers `serve` keeps per store version (`policygraph.resultcache`)."""

from __future__ import annotations

import asyncio
import datetime
from dataclasses import dataclass

import pytest

from policygraph.resultcache import ResultCache, depends_on, query_form


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    outcome: str = "ok"
    version: str = "v1"


class Engine:
    """Counts computations; each waits for ``release`` so that several can overlap."""

    def __init__(self) -> None:
        self.calls = 0
        self.release = asyncio.Event()

    def run(self, reply: Reply):  # type: ignore[no-untyped-def]
        async def compute() -> Reply:
            self.calls += 1
            await self.release.wait()
            return reply

        return compute


def test_a_question_asked_again_is_answered_from_the_kept_answer() -> None:
    async def scenario() -> list[str]:
        cache: ResultCache[Reply] = ResultCache(1_000)
        engine = Engine()
        engine.release.set()
        hows = [(await cache.answer("v1", "q", engine.run(Reply(200, b"x")))).how for _ in "ab"]
        assert engine.calls == 1
        return hows

    assert asyncio.run(scenario()) == ["miss", "hit"]


def test_clients_asking_at_once_share_one_computation() -> None:
    async def scenario() -> tuple[int, list[str], list[bytes]]:
        cache: ResultCache[Reply] = ResultCache(1_000)
        engine = Engine()
        tasks = [
            asyncio.create_task(cache.answer("v1", "q", engine.run(Reply(200, b"rows"))))
            for _ in range(5)
        ]
        await asyncio.sleep(0.01)
        engine.release.set()
        done = await asyncio.gather(*tasks)
        return engine.calls, sorted(d.how for d in done), [d.answer.body for d in done]

    calls, hows, bodies = asyncio.run(scenario())
    assert calls == 1
    assert hows == ["miss", "shared", "shared", "shared", "shared"]
    assert bodies == [b"rows"] * 5


def test_a_cancelled_computation_is_asked_again_by_those_waiting_on_it() -> None:
    async def scenario() -> tuple[int, str, int]:
        cache: ResultCache[Reply] = ResultCache(1_000)
        engine = Engine()
        leader = asyncio.create_task(
            cache.answer("v1", "q", engine.run(Reply(499, b"gone", outcome="cancelled")))
        )
        await asyncio.sleep(0.01)
        follower = asyncio.create_task(cache.answer("v1", "q", engine.run(Reply(200, b"rows"))))
        await asyncio.sleep(0.01)
        engine.release.set()
        assert (await leader).answer.status == 499
        got = await follower
        return engine.calls, got.how, got.answer.status

    assert asyncio.run(scenario()) == (2, "miss", 200)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(503, b"time limit", outcome="timeout"),
        Reply(400, b"syntax"),
        Reply(200, b"x", version="v0"),
    ],
    ids=["failure", "bad-request", "ran-on-an-older-version"],
)
def test_only_successes_on_the_version_asked_for_are_kept(reply: Reply) -> None:
    async def scenario() -> int:
        cache: ResultCache[Reply] = ResultCache(1_000)
        engine = Engine()
        engine.release.set()
        await cache.answer("v1", "q", engine.run(reply))
        await cache.answer("v1", "q", engine.run(reply))
        return engine.calls

    assert asyncio.run(scenario()) == 2


def test_a_new_store_version_drops_the_old_answers() -> None:
    async def scenario() -> list[str]:
        cache: ResultCache[Reply] = ResultCache(1_000)
        engine = Engine()
        engine.release.set()
        hows = [(await cache.answer("v1", "q", engine.run(Reply(200, b"old")))).how]
        got = await cache.answer("v2", "q", engine.run(Reply(200, b"new", version="v2")))
        assert got.answer.body == b"new" and len(cache) == 1
        return [*hows, got.how]

    assert asyncio.run(scenario()) == ["miss", "miss"]


def test_the_bytes_kept_stay_within_the_bound_least_recently_used_out_first() -> None:
    async def scenario() -> tuple[list[str], int]:
        cache: ResultCache[Reply] = ResultCache(250)
        engine = Engine()
        engine.release.set()
        for key in "abc":  # 100 bytes each: c pushes out a, the least recently used
            if key == "c":
                await cache.answer("v1", "b", engine.run(Reply(200, b"")))  # b used again
            await cache.answer("v1", key, engine.run(Reply(200, b"x" * 100)))
        hows = [
            (await cache.answer("v1", k, engine.run(Reply(200, b"x" * 100)))).how for k in "bca"
        ]
        too_big = await cache.answer("v1", "big", engine.run(Reply(200, b"x" * 300)))
        assert too_big.how == "miss" and cache.bytes <= 250
        return hows, cache.bytes

    hows, kept = asyncio.run(scenario())
    assert hows == ["hit", "hit", "miss"]
    assert kept <= 250


def test_no_answer_is_kept_with_a_bound_of_zero() -> None:
    async def scenario() -> list[str]:
        cache: ResultCache[Reply] = ResultCache(0)
        engine = Engine()
        engine.release.set()
        return [(await cache.answer("v1", "q", engine.run(Reply(200, b"x")))).how for _ in "ab"]

    assert asyncio.run(scenario()) == ["uncached", "uncached"]


@pytest.mark.parametrize(
    ("query", "depends"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", ()),
        ("SELECT ?year WHERE { BIND(YEAR( NOW()) AS ?year) }", "year"),
        ("SELECT (NOW() AS ?t) WHERE {}", None),
        ("SELECT (RAND() AS ?r) WHERE {}", None),
        ("SELECT (struuid() AS ?r) WHERE {}", None),
        ("CONSTRUCT { _:b ?p ?o } WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }", None),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", None),
        ("SELECT (YEAR(NOW()) AS ?y) (RAND() AS ?r) WHERE {}", None),
    ],
)
def test_what_an_answer_depends_on_besides_the_store(query: str, depends: object) -> None:
    if depends == "year":
        depends = (datetime.datetime.now(datetime.UTC).year,)
    assert depends_on(query) == depends


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * {}", "SELECT"),
        ("# a comment\nPREFIX pg: <https://w3id.org/policygraph/def#>\nask { }", "ASK"),
        ("BASE <http://x/> PREFIX : <y> CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("PREFIX a:<x>PREFIX b:<y>DESCRIBE <z>", "DESCRIBE"),
        ("PREFIX # SELECT\n", None),
        ("INSERT DATA {}", None),
    ],
)
def test_the_form_of_a_query_is_read_from_after_its_prologue(query: str, form: str | None) -> None:
    assert query_form(query) == form


def test_the_text_of_a_question_counts_towards_the_bound() -> None:
    async def scenario() -> list[str]:
        cache: ResultCache[Reply] = ResultCache(150)
        engine = Engine()
        engine.release.set()
        long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 200  # a short answer, a long key
        return [
            (await cache.answer("v1", (long_query, "json"), engine.run(Reply(200, b"1")))).how
            for _ in "ab"
        ]

    assert asyncio.run(scenario()) == ["miss", "miss"]


def test_a_computation_cancelled_with_its_request_is_run_again_for_those_waiting() -> None:
    async def scenario() -> tuple[int, str, bytes]:
        cache: ResultCache[Reply] = ResultCache(1_000)
        engine = Engine()
        leader = asyncio.create_task(cache.answer("v1", "q", engine.run(Reply(200, b"rows"))))
        await asyncio.sleep(0.01)
        follower = asyncio.create_task(cache.answer("v1", "q", engine.run(Reply(200, b"rows"))))
        await asyncio.sleep(0.01)
        leader.cancel()  # the server cancels the first request's task
        await asyncio.sleep(0.01)
        engine.release.set()
        got = await follower
        assert leader.cancelled()
        return engine.calls, got.how, got.answer.body

    assert asyncio.run(scenario()) == (2, "miss", b"rows")
