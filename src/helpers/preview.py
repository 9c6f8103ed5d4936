"""`wellbeing preview`: serve a built edition on 127.0.0.1 and rebuild it when its files change.

The edition's YAML file and its section notebooks and pages are watched by modification time
and size. A change rebuilds the edition through the ordinary build, so only the changed
sections are executed again; a build that fails is reported and the last good site is served.
"""

from __future__ import annotations

import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from helpers.build import build_edition
from helpers.config import output_dir
from helpers.editions import load_edition
from helpers.errors import InputError

HOST = "127.0.0.1"


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serve files without a log line per request."""

    def log_message(self, *args: object) -> None:
        """Keep the terminal for build messages."""


class Preview:
    """A local server over the output folder plus a watcher that rebuilds the edition."""

    def __init__(
        self,
        name: str,
        *,
        port: int = 8000,
        editions: Path | None = None,
        output: Path | None = None,
        interval: float = 1.0,
    ) -> None:
        self.name, self.editions, self.interval = name, editions, interval
        self.output = (output or output_dir()).resolve()
        self.port = port
        self.server: ThreadingHTTPServer | None = None
        self.seen: dict[Path, tuple[int, int]] = {}

    def watched(self) -> list[Path]:
        """The edition file and every section file it names."""
        edition = load_edition(self.name, self.editions)
        return [edition.path, *(s.path for s in edition.sections)]

    def _state(self) -> dict[Path, tuple[int, int]]:
        """Modification time and size of every watched file (missing files count too)."""
        state = {}
        for path in self.watched():
            stat = path.stat() if path.exists() else None
            state[path] = (stat.st_mtime_ns, stat.st_size) if stat else (0, -1)
        return state

    def build(self) -> bool:
        """Rebuild the edition; report a failure and keep serving the last good site."""
        try:
            build_edition(self.name, editions=self.editions, output=self.output)
        except InputError as err:
            print(f"error: {err}", flush=True)
            return False
        finally:
            self.seen = self._state()
        return True

    def start(self) -> str:
        """Build once, start serving in a thread, and return the edition's address."""
        self.build()
        handler = functools.partial(_QuietHandler, directory=str(self.output))
        self.server = ThreadingHTTPServer((HOST, self.port), handler)
        threading.Thread(target=self.server.serve_forever, args=(0.1,), daemon=True).start()
        url = f"http://{HOST}:{self.server.server_address[1]}/{self.name}/index.html"
        print(f"serving {url} (Ctrl+C to stop)", flush=True)
        return url

    def poll(self) -> bool:
        """Rebuild if any watched file changed since the last build; say whether it did."""
        if self._state() == self.seen:
            return False
        return self.build()

    def stop(self) -> None:
        """Stop the server."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def run(self) -> None:
        """Serve and watch until interrupted."""
        self.start()
        try:
            while True:
                time.sleep(self.interval)
                self.poll()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
