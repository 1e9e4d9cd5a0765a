"""The stand-in server with a small dataset, and a helper that runs `grafana-cloud-costs extract`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dataset import FROM, TO, TOKEN, dataset  # noqa: E402
from standin import FIXTURES, StandIn, serve  # noqa: E402

from grafana_cloud_costs import cli  # noqa: E402


@pytest.fixture
def standin():
    stand = StandIn(token=TOKEN, series=dataset())
    stand.instance_pages = [(FIXTURES / f"instances_acme_page{n}.json").read_bytes() for n in (1, 2)]
    stand.billed_usage[(2024, 9)] = (FIXTURES / "billed_usage_acme_2024-09.json").read_bytes()
    server = serve(stand)
    yield stand
    server.shutdown()
    server.server_close()


@pytest.fixture
def extract(standin, monkeypatch, capsys):
    """extract(out, *extra) runs the command in-process; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("GRAFANA_CLOUD_TOKEN", TOKEN)

    def run(out: Path, *extra: str, org: str = "acme", start: str = FROM, end: str | None = TO):
        args = ["extract", "--org", org, "--from", start, "--out", str(out), "--api-url", standin.url,
                "--prom-url", f"{standin.url}/prom", "--backoff", "0.001", "--max-backoff", "2", "--quiet"]
        if end:
            args += ["--to", end]
        code = cli.main([*args, *extra])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
