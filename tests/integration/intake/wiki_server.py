"""A wiki's action API on loopback, answering with recorded responses (the fixtures
``mediawiki_*.json``) and remembering what it was asked."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.unit.intake.forge_requests import PAYLOADS


@dataclass
class RecordedWiki:
    """The served API's address and the requests it received."""

    url: str
    requests: list[dict[str, str]] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)


def _answer(query: dict[str, str]) -> Any:
    if query.get("meta") == "siteinfo":
        name = "mediawiki_siteinfo"
    elif query.get("list") == "recentchanges":
        name = "mediawiki_recentchanges_2" if "rccontinue" in query else "mediawiki_recentchanges_1"
    else:
        return {"error": {"code": "badvalue", "info": "Unrecognized value"}}
    return json.loads((PAYLOADS / f"{name}.json").read_text())


@contextmanager
def recorded_wiki() -> Iterator[RecordedWiki]:
    """Serve the recorded API on 127.0.0.1 for the duration of the block."""
    served: RecordedWiki

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = dict(parse_qsl(urlsplit(self.path).query))
            served.requests.append(query)
            served.agents.append(self.headers.get("User-Agent", ""))
            body = json.dumps(_answer(query)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served = RecordedWiki(f"http://127.0.0.1:{server.server_address[1]}/w/api.php")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
