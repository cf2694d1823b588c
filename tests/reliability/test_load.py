"""A short run of the load test (tests/load/serve_load.py) on loopback: ten clients for eight
seconds over named gap queries, ad-hoc queries and browse pages, plus one client whose query never
ends. No request fails, every endless query is cut at the time limit, memory stays flat. The full
run (50 clients × 30 s, national data) is in the README, with its figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "load" / "serve_load.py"


def test_a_short_load_ends_without_errors_with_the_endless_query_cut() -> None:
    command = [sys.executable, str(SCRIPT), "--clients", "10", "--seconds", "8"]
    command += ["--timeout", "3", "--no-national", "--max-growth-mb", "100"]
    if (ROOT / "viz" / "index.html").is_file():
        command += ["--pages", str(ROOT / "viz")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0, done.stdout + done.stderr
    assert summary["errors"] == 0 and summary["requests"] > 100
    assert summary["endless"] and all(status == 503 for status, _ in summary["endless"])
    assert all(3 <= seconds < 8 for _, seconds in summary["endless"])
    assert summary["rss_mb_after"] - summary["rss_mb_before"] <= 100
