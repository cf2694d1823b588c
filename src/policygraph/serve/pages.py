"""The browse pages: static files served from a directory that may still be being written."""

from __future__ import annotations

import subprocess
from pathlib import Path

from starlette.responses import PlainTextResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

__all__ = ["Pages"]


class Pages:
    """The browse pages: a directory that is ready, or being written by a background process."""

    def __init__(self, directory: Path, writer: subprocess.Popen[bytes] | None = None) -> None:
        self.directory = directory
        self.writer = writer
        self._static: StaticFiles | None = None

    def state(self) -> str:
        """ready, writing or failed."""
        if self.writer is not None:
            code = self.writer.poll()
            if code is None:
                return "writing"
            if code != 0:
                return "failed"
        return "ready" if self.directory.is_dir() else "failed"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = self.state()
        if state != "ready":
            message = (
                "the browse pages are still being written; the SPARQL endpoint (/sparql) works "
                "now; retry in a few seconds"
                if state == "writing"
                else "the browse pages could not be written; see the server log"
            )
            response = PlainTextResponse(message + "\n", status_code=503)
            response.headers["Retry-After"] = "5"
            await response(scope, receive, send)
            return
        if self._static is None:
            # No symlink leads out of the directory (Starlette resolves it and answers 404), and
            # a directory without an index page is 404, never a listing.
            self._static = StaticFiles(directory=self.directory, html=True, follow_symlink=False)
        await self._static(scope, receive, send)
