"""A local stand-in for grafana.com and the billing Prometheus endpoint, on 127.0.0.1 (port 0).

It serves Grafana's documented formats: the org and the paginated instance list from fixture files
(modelled on the Cloud API doc and FormattedApiInstance), billed usage from a fixture modelled on
the doc's example, and Prometheus `query_range` matrices with string values generated from a
dataset given by the test. Like Prometheus it refuses a range of more than 11,000 points per
series (HTTP 400, errorType bad_data). It checks the auth: Bearer <token> on the API, Basic
<org id>:<token> on Prometheus, 401 otherwise. It can be told to fail: `fail_next(status, n,
headers)` answers the next n requests with that status, `die_after = N` answers 500 to every
request after the N-th. Every request is recorded in `requests`.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"
TOO_MANY_POINTS = (
    "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"
)


@dataclass
class Series:
    metric: str
    labels: dict[str, str]
    value: Callable[[int], str | None]  # unix seconds -> the sample's string value, None = no sample


@dataclass
class Request:
    path: str
    params: dict[str, str]
    auth: str
    at: float


@dataclass
class StandIn:
    token: str
    org_id: str = "652992"
    org_slug: str = "acme"
    series: list[Series] = field(default_factory=list)
    billed_usage: dict[tuple[int, int], bytes] = field(default_factory=dict)
    instance_pages: list[bytes] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    die_after: int | None = None
    _failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def fail_next(self, status: int, n: int = 1, headers: dict[str, str] | None = None) -> None:
        self._failures.extend([(status, headers or {})] * n)

    def query_ranges(self, metric: str | None = None) -> list[Request]:
        return [r for r in self.requests if r.path == "/prom/api/v1/query_range"
                and (metric is None or r.params.get("query") == metric)]

    # -- answering -------------------------------------------------------------------------------

    def answer(self, path: str, params: dict[str, str], authorization: str) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.requests.append(Request(path, params, authorization, time.monotonic()))
            count = len(self.requests)
            failure = self._failures.pop(0) if self._failures else None
        if self.die_after is not None and count > self.die_after:
            return 500, {}, b"stand-in is down"
        if failure:
            status, headers = failure
            body = b'{"status":"error","errorType":"unavailable","error":"try later"}' if status >= 500 else b""
            return status, headers, body
        if path.startswith("/prom/"):
            expected = "Basic " + base64.b64encode(f"{self.org_id}:{self.token}".encode()).decode()
            if authorization != expected:
                return 401, {}, b"Unauthorized"
            if path == "/prom/api/v1/query_range":
                return self.query_range(params)
            return 404, {}, b'{"status":"error","errorType":"not_found","error":"no such path"}'
        if authorization != f"Bearer {self.token}":
            return 401, {}, b'{"code":"Unauthorized","message":"Unauthorized"}'
        if path == f"/api/orgs/{self.org_slug}":
            return 200, {}, (FIXTURES / f"org_{self.org_slug}.json").read_bytes()
        if path == "/api/instances":
            if params.get("orgSlug") != self.org_slug or params.get("includeDeleted") != "true":
                return 400, {}, b'{"message":"expected orgSlug and includeDeleted=true"}'
            page = int(params.get("page", "1"))
            if not 1 <= page <= len(self.instance_pages):
                return 400, {}, b'{"message":"no such page"}'
            return 200, {}, self.instance_pages[page - 1]
        if path == f"/api/orgs/{self.org_slug}/billed-usage":
            try:
                key = (int(params["year"]), int(params["month"]))
            except (KeyError, ValueError):
                return 409, {}, b'{"message":"Wrong or missing parameters"}'
            if key not in self.billed_usage:
                return 404, {}, b'{"message":"Not found"}'
            return 200, {}, self.billed_usage[key]
        return 404, {}, b'{"message":"Not found"}'

    def query_range(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        try:
            start, end = int(float(params["start"])), int(float(params["end"]))
            step = int(params["step"].rstrip("s"))
            query = params["query"]
        except (KeyError, ValueError):
            return 400, {}, json.dumps({"status": "error", "errorType": "bad_data", "error": "bad parameters"}).encode()
        if end < start:
            return 400, {}, json.dumps({"status": "error", "errorType": "bad_data",
                                        "error": "end timestamp must not be before start time"}).encode()
        if (end - start) // step + 1 > 11_000:
            return 400, {}, json.dumps({"status": "error", "errorType": "bad_data", "error": TOO_MANY_POINTS}).encode()
        result = []
        for series in self.series:
            if series.metric != query:
                continue
            values = []
            for ts in range(start, end + 1, step):
                value = series.value(ts)
                if value is not None:
                    values.append([ts, value])
            if values:
                result.append({"metric": {"__name__": query, **series.labels}, "values": values})
        body = {"status": "success", "data": {"resultType": "matrix", "result": result}}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()


def serve(standin: StandIn) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            status, headers, body = standin.answer(parts.path, params, self.headers.get("Authorization", ""))
            self.send_response(status)
            headers = {"Content-Type": "application/json", **headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    standin.url = f"http://127.0.0.1:{server.server_address[1]}"
    return server
