"""`make bench`: how fast the dbt project recomputes a metrics bill, against a hand-written floor.

    .venv/bin/python bench/run.py [--stacks 1000] [--months 1] [--repeat 3] [--seed 42]
        [--variants all|NAME,...] [--pandas auto|yes|no] [--ref GIT_REF]

On a synthetic export (scripts/generate_data.py, cached under target/bench/data/), each step runs
--repeat times in its own subprocess; the median wall time, the CPU time and the peak RSS of the
process tree are recorded (RSS: the kernel's high-water mark of the largest process, from
wait4(), and the sampled sum over the process tree, whichever is larger):

  (1) dbt build --full-refresh (models and data tests, no unit tests) on a throw-away DuckDB file
  (2) dbt build (no --full-refresh) after one more day file lands in the metrics folder
  (3) the floor: the fastest correct de-duplication variant of ONE DuckDB query (bench/floor.py),
      with the dbt profile's DuckDB settings; every variant is timed and its per-minute rows checked
  (4) the same bill in pandas (bench/pandas_bill.py); skipped by default above 2,000 stack-months

It verifies that the floor, pandas and the mart fct_grafana_cloud_invoice_lines (sku
metrics_active_series) agree to the cent per org and month (after (1), and after (2) with the extra
day), prints where dbt spends its time (target/run_results.json of the last full refresh), and
writes everything to bench/results/<timestamp>.json and bench/results/latest.json. It exits
non-zero on a failed command or a mismatch, not on a missed target.

--ref HEAD benchmarks a committed version of the project (git archive) instead of the work tree.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable

import duckdb
import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "target" / "bench"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
DBT = str(Path(sys.executable).with_name("dbt"))
GENERATOR = ROOT / "scripts" / "generate_data.py"
METRICS = "grafana_cloud_metrics_usage"
PROJECT_PARTS = ["dbt_project.yml", "packages.yml", "models", "macros", "seeds", "profiles", "tests", "analyses"]
TARGETS = {  # ratio name -> (limit, "max" or "min")
    "full_refresh_over_floor": (1.5, "max"),
    "incremental_over_full_refresh": (0.2, "max"),
    "pandas_over_full_refresh": (2.0, "min"),
}
RSS_TARGET_MB = 2500.0
MART_SQL = """
select org_slug, billing_month::varchar, cost_usd::decimal(18, 2)::varchar
from fct_grafana_cloud_invoice_lines
where sku = 'metrics_active_series'
"""
BEGAN = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - BEGAN:7.1f}s] {message}", flush=True)


@dataclass
class Measurement:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    largest_process_rss_mb: float
    sampled_tree_rss_mb: float
    other_cpu_s: float  # CPU used by processes outside the measured tree meanwhile (contention)
    returncode: int
    log: str


@dataclass
class Step:
    name: str
    runs: list[Measurement] = field(default_factory=list)

    @property
    def wall_s(self) -> float:
        return statistics.median(run.wall_s for run in self.runs)

    @property
    def cpu_s(self) -> float:
        return statistics.median(run.cpu_s for run in self.runs)

    @property
    def peak_rss_mb(self) -> float:
        return max(run.peak_rss_mb for run in self.runs)

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "median_wall_s": round(self.wall_s, 3), "median_cpu_s": round(self.cpu_s, 3),
                "peak_rss_mb": round(self.peak_rss_mb, 1), "runs": [asdict(run) for run in self.runs]}


class TreeSampler(threading.Thread):
    """Polls the summed RSS of a process and its descendants every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.done.is_set():
            try:
                total = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self.done.wait(0.05)


def busy_cpu_s() -> float:
    times = psutil.cpu_times()
    return times.user + times.system + getattr(times, "nice", 0.0) + getattr(times, "irq", 0.0) + getattr(times, "softirq", 0.0)


def measure(command: list[str], *, log: Path, env: dict[str, str] | None = None, cwd: Path = ROOT,
            show: Callable[[str], bool] = lambda line: True) -> Measurement:
    """Run a command in its own process, stream (some of) its output, and measure it."""
    log.parent.mkdir(parents=True, exist_ok=True)
    busy_before, began = busy_cpu_s(), time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, bufsize=1)
    sampler = TreeSampler(process.pid)
    sampler.start()
    assert process.stdout is not None
    with log.open("w") as handle:
        for line in process.stdout:
            handle.write(line)
            if show(line):
                print("        " + line.rstrip()[:160], flush=True)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    sampler.done.set()
    sampler.join()
    cpu = usage.ru_utime + usage.ru_stime
    largest = usage.ru_maxrss / 1024  # KiB on Linux
    sampled = sampler.peak / 2**20
    return Measurement(wall_s=round(wall, 3), cpu_s=round(cpu, 3), peak_rss_mb=round(max(largest, sampled), 1),
                       largest_process_rss_mb=round(largest, 1), sampled_tree_rss_mb=round(sampled, 1),
                       other_cpu_s=round(max(busy_cpu_s() - busy_before - cpu, 0.0), 2),
                       returncode=process.returncode, log=str(log.relative_to(ROOT)))


def check_ok(run: Measurement, what: str) -> None:
    if run.returncode != 0:
        tail = "".join((ROOT / run.log).read_text().splitlines(keepends=True)[-40:])
        say(f"FAILED: {what} exited {run.returncode}; last lines of {run.log}:\n{tail}")
        sys.exit(2)


def describe(run: Measurement) -> str:
    note = f", other processes used {run.other_cpu_s:.1f} CPU s meanwhile" if run.other_cpu_s > 0.1 * run.wall_s else ""
    return f"{run.wall_s:.1f} s wall, {run.cpu_s:.1f} s CPU, peak RSS {run.peak_rss_mb:,.0f} MB{note}"


# -- data and project ---------------------------------------------------------------------------

def period_days(start: str, months: int) -> int:
    first = date.fromisoformat(start + "-01")
    index = first.year * 12 + first.month - 1 + months
    return (date(index // 12, index % 12 + 1, 1) - first).days


def ensure_data(args: argparse.Namespace) -> tuple[Path, Path]:
    """The cached export folder, and a folder holding only the next day's metrics file."""
    digest = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:10]
    stem = f"s{args.stacks}-m{args.months}-seed{args.seed}-{args.start}"
    data, extra = BENCH / "data" / f"{stem}-{digest}", BENCH / "data" / f"{stem}-{digest}-next-day"
    for stale in (BENCH / "data").glob(f"{stem}-*"):
        if stale not in (data, extra):
            shutil.rmtree(stale)
    days = period_days(args.start, args.months)
    base = [PYTHON, str(GENERATOR), "--stacks", str(args.stacks), "--months", str(args.months),
            "--seed", str(args.seed), "--start", args.start]
    for folder, options in ((data, []), (extra, ["--tables", METRICS, "--days-from", str(days + 1),
                                                  "--days-to", str(days + 1)])):
        if (folder / ".complete").exists():
            say(f"reusing {folder.relative_to(ROOT)}")
            continue
        shutil.rmtree(folder, ignore_errors=True)
        say(f"generating {folder.relative_to(ROOT)}")
        run = measure([*base, "--out", str(folder), *options], log=BENCH / "logs" / f"generate-{folder.name}.log")
        check_ok(run, "generate_data.py")
        say(f"generated in {describe(run)}")
        (folder / ".complete").touch()
    return data, extra


def snapshot_project(ref: str | None) -> Path:
    """A copy of the dbt project (work tree, or a git ref) that the benchmark can build freely."""
    project = BENCH / "project"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    if ref:
        parts = subprocess.run(["git", "ls-tree", "--name-only", ref], cwd=ROOT, check=True, capture_output=True,
                               text=True).stdout.split()
        archive = subprocess.run(["git", "archive", ref, *[p for p in PROJECT_PARTS if p in parts]], cwd=ROOT,
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(project)], input=archive, check=True)
    else:
        for part in PROJECT_PARTS:
            source = ROOT / part
            if source.is_dir():
                shutil.copytree(source, project / part, ignore=shutil.ignore_patterns("e2e", "__pycache__", "*.pyc"))
            elif source.exists():
                shutil.copy2(source, project / part)
    return project


def patch_profile(project: Path) -> list[str]:
    """Move DuckDB's temp_directory from `settings` to `config_options` in the copy's profile.

    dbt-duckdb runs every `settings` entry as SET on each new cursor, and DuckDB 2.0 refuses
    `SET temp_directory` (even to the same value) once a query has spilled to it: the first build
    that spills then fails on the next node with "Cannot switch temporary directory after the
    current one has been used". `config_options` is applied once, when the database opens.
    """
    path = project / "profiles" / "profiles.yml"
    if not path.exists():
        return []
    profiles = yaml.safe_load(path.read_text())
    notes = []
    for name, profile in profiles.items():
        for target, output in (profile.get("outputs") or {}).items() if isinstance(profile, dict) else []:
            settings = output.get("settings") or {}
            if output.get("type") == "duckdb" and "temp_directory" in settings:
                output["config_options"] = {**(output.get("config_options") or {}),
                                            "temp_directory": settings.pop("temp_directory")}
                notes.append(f"{name}.{target}: settings.temp_directory moved to config_options")
    if notes:
        path.write_text(yaml.safe_dump(profiles, sort_keys=False, width=1000))
    return notes


# -- dbt ----------------------------------------------------------------------------------------

class Dbt:
    def __init__(self, project: Path, raw: Path) -> None:
        self.project, self.raw = project, raw
        self.work = BENCH / "work"
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self.database = self.work / "warehouse.duckdb"
        # the raw export, and no invoice to reconcile with (the sample invoices name other orgs)
        (self.work / "no_invoices").mkdir()
        self.vars = {"grafana_cloud_raw_path": str(raw), "grafana_cloud_billed_usage_path": str(self.work / "no_invoices")}
        self.env = {
            **os.environ,
            "DBT_PROFILES_DIR": str(project / "profiles"),
            "GRAFANA_CLOUD_COSTS_DUCKDB_PATH": str(self.database),
            "GRAFANA_CLOUD_COSTS_DUCKDB_TEMP_DIRECTORY": str(self.work / "duckdb_tmp"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DBT_USE_COLORS": "false",
            "DO_NOT_TRACK": "1",
        }

    def build(self, label: str, *extra: str) -> Measurement:
        (self.project / "target" / "run_results.json").unlink(missing_ok=True)
        command = [DBT, "build", "--exclude", "resource_type:unit_test", *extra,
                   "--vars", json.dumps(self.vars),
                   "--target-path", str(self.project / "target"), "--log-path", str(self.project / "logs")]
        node_line = re.compile(r"\d+ of \d+ (OK|PASS|ERROR|FAIL|WARN|SKIP)|Completed|Done\.|Error|error")
        return measure(command, cwd=self.project, env=self.env, log=BENCH / "logs" / f"{label}.log",
                       show=lambda line: bool(node_line.search(line)))

    def mart_costs(self) -> dict[str, str]:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return {f"{org}|{month}": cost for org, month, cost in con.execute(MART_SQL).fetchall()}

    def node_timings(self) -> dict[str, Any]:
        path = self.project / "target" / "run_results.json"
        if not path.exists():  # dbt stopped before running any node
            return {"elapsed_s": 0.0, "by_resource_type": {}, "failures": ["no run_results.json: see the log"], "nodes": []}
        results = json.loads(path.read_text())
        nodes = []
        for result in results["results"]:
            phases = {t["name"]: (datetime.fromisoformat(t["completed_at"].replace("Z", "+00:00"))
                                  - datetime.fromisoformat(t["started_at"].replace("Z", "+00:00"))).total_seconds()
                      for t in result.get("timing", []) if t.get("started_at") and t.get("completed_at")}
            nodes.append({"node": result["unique_id"], "status": result["status"],
                          "seconds": round(result["execution_time"], 3),
                          "compile_s": round(phases.get("compile", 0.0), 3),
                          "execute_s": round(phases.get("execute", 0.0), 3)})
        nodes.sort(key=lambda node: -node["seconds"])
        by_type: dict[str, float] = {}
        for node in nodes:
            kind = node["node"].split(".")[0]
            by_type[kind] = round(by_type.get(kind, 0.0) + node["seconds"], 3)
        failures = [f"{r['unique_id']}: " + " ".join(line.strip() for line in (r.get("message") or r["status"]).splitlines()[:3])[:300]
                    for r in results["results"] if r["status"] in ("error", "fail")]
        return {"elapsed_s": round(results.get("elapsed_time", 0.0), 3), "by_resource_type": by_type,
                "failures": failures, "nodes": nodes}


# -- comparisons --------------------------------------------------------------------------------

def mismatches(name: str, costs: dict[str, str], reference_name: str, reference: dict[str, str]) -> list[str]:
    lines = []
    for key in sorted(set(costs) | set(reference)):
        if costs.get(key) != reference.get(key):
            org, month = key.split("|")
            lines.append(f"  {org} {month}: {name} {costs.get(key, '<missing>')} != {reference_name} "
                         f"{reference.get(key, '<missing>')}")
    return lines


def verify(label: str, candidates: dict[str, dict[str, str]], reference_name: str, reference: dict[str, str]) -> bool:
    ok = True
    for name, costs in candidates.items():
        lines = mismatches(name, costs, reference_name, reference)
        if lines:
            ok = False
            say(f"MISMATCH ({label}): {name} vs {reference_name}, {len(lines)} org-month(s):\n" + "\n".join(lines[:30]))
        else:
            total = sum(float(cost) for cost in costs.values())
            say(f"verified ({label}): {name} == {reference_name}: {len(costs)} org-months, ${total:,.2f}")
    return ok


def floor_costs(raw: Path, variant: str, out: Path, env: dict[str, str]) -> dict[str, str]:
    run = measure([PYTHON, str(ROOT / "bench" / "floor.py"), "--raw", str(raw), "--variant", variant,
                   "--out", str(out)], env=env, log=out.with_suffix(".log"))
    check_ok(run, f"floor {variant}")
    return json.loads(out.read_text())["costs"]


# -- main ---------------------------------------------------------------------------------------

def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stacks", type=int, default=1000)
    parser.add_argument("--months", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start", default="2024-09")
    parser.add_argument("--variants", default="auto",
                        help="floor variants to time: all, auto (all up to 2,000 stack-months, else the fast ones), or a comma list")
    parser.add_argument("--pandas", choices=["auto", "yes", "no"], default="auto")
    parser.add_argument("--memory-limit", help="DuckDB memory limit for dbt and the floor alike "
                        "(GRAFANA_CLOUD_COSTS_DUCKDB_MEMORY_LIMIT; default: the profile's, 2GB)")
    parser.add_argument("--ref", help="benchmark this git ref of the project instead of the work tree")
    parser.add_argument("--keep-profile", action="store_true",
                        help="do not move temp_directory from settings to config_options in the copy's profile")
    return parser.parse_args()


def time_floor_variants(variants: list[str], data: Path, dbt: Dbt, repeat: int) -> tuple[dict[str, Step], dict[str, str]]:
    """Every variant `repeat` times; a variant that fails (out of memory, say) is recorded, not fatal."""
    steps: dict[str, Step] = {}
    failed: dict[str, str] = {}
    for variant in variants:
        step = steps[variant] = Step(variant)
        for rep in range(1, repeat + 1):
            out = dbt.work / f"floor-{variant}-{rep}.json"
            run = measure([PYTHON, str(ROOT / "bench" / "floor.py"), "--raw", str(data), "--variant", variant,
                           "--out", str(out)], env=dbt.env, log=BENCH / "logs" / f"floor-{variant}-{rep}.log")
            step.runs.append(run)
            if run.returncode != 0:
                failed[variant] = (ROOT / run.log).read_text().strip().splitlines()[-1][:200]
                break
        if variant in failed:
            say(f"(3) floor variant {variant:30s} FAILED after {step.runs[-1].wall_s:.1f} s: {failed[variant]}")
        else:
            say(f"(3) floor variant {variant:30s} median {step.wall_s:6.1f} s wall, {step.cpu_s:6.1f} s CPU, "
                f"peak RSS {step.peak_rss_mb:,.0f} MB")
    return steps, failed


def main() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import floor  # the variants' names

    args = parse_args()
    small = args.stacks * args.months <= 2000
    if args.variants in ("all", "auto"):
        variants = list(floor.VARIANTS) if args.variants == "all" or small else list(floor.FAST_VARIANTS)
    else:
        variants = [name.strip() for name in args.variants.split(",")]
        unknown = set(variants) - set(floor.VARIANTS)
        if unknown:
            sys.exit(f"unknown variants {sorted(unknown)}; known: {', '.join(floor.VARIANTS)}")
    run_pandas = args.pandas == "yes" or (args.pandas == "auto" and small)
    if args.memory_limit:
        os.environ["GRAFANA_CLOUD_COSTS_DUCKDB_MEMORY_LIMIT"] = args.memory_limit
    memory_limit = os.environ.get("GRAFANA_CLOUD_COSTS_DUCKDB_MEMORY_LIMIT", "2GB (profile default)")
    # rough need: data ~8 B/row, the DuckDB file and its baseline copy ~25 B/row each, spill room
    need_gb = args.stacks * args.months * 43_200 * 80 / 1e9
    free_gb = shutil.disk_usage(ROOT).free / 1e9
    say(f"benchmark: {args.stacks} stacks x {args.months} month(s), {args.repeat} repetition(s), "
        f"{os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, duckdb {duckdb.__version__}, "
        f"DuckDB memory limit {memory_limit}; disk: ~{need_gb:.0f} GB needed, {free_gb:.0f} GB free")
    if free_gb < need_gb:
        sys.exit(f"not enough disk space under {ROOT}: ~{need_gb:.0f} GB needed, {free_gb:.0f} GB free")

    data, extra = ensure_data(args)
    extra_day = next((extra / METRICS).glob("*.parquet"))
    appended = data / METRICS / extra_day.name
    appended.unlink(missing_ok=True)  # a run that was killed may have left it
    with duckdb.connect() as con:
        rows = con.execute(f"select count(*) from read_parquet('{data / METRICS}/*.parquet')").fetchone()[0]
    size_mb = sum(f.stat().st_size for f in data.rglob("*") if f.is_file()) / 2**20
    say(f"data: {rows:,} metric rows, {size_mb:,.0f} MB on disk")
    project = snapshot_project(args.ref)
    commit = subprocess.run(["git", "rev-parse", "--short", args.ref or "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    profile_patches = [] if args.keep_profile else patch_profile(project)
    for note in profile_patches:
        say(f"NOTE: patched the project copy's profile so that a build that spills can finish: {note}")
    dbt = Dbt(project, data)
    steps = {key: Step(name) for key, name in [
        ("full_refresh", "(1) dbt build --full-refresh"), ("incremental", "(2) dbt build after +1 day"),
        ("floor", "(3) floor: one DuckDB query"), ("floor_unlimited", "(3b) floor, no memory limit"),
        ("pandas", "(4) pandas")]}
    problems: list[str] = []

    # (1) full refresh, each on a fresh DuckDB file
    timings: dict[str, Any] = {}
    mart_full: dict[str, str] | None = None
    for rep in range(1, args.repeat + 1):
        for leftover in dbt.work.glob("warehouse.duckdb*"):
            leftover.unlink()
        say(f"(1) dbt build --full-refresh, repetition {rep}/{args.repeat}")
        run = dbt.build(f"full-refresh-{rep}", "--full-refresh")
        steps["full_refresh"].runs.append(run)
        timings = dbt.node_timings()
        if run.returncode != 0:
            problems.append(f"dbt build --full-refresh failed after {run.wall_s:.0f} s: " + "; ".join(timings["failures"]))
            say(f"FAILED: {problems[-1]}")
            break
        say(f"(1) repetition {rep}: {describe(run)}")
    else:
        mart_full = dbt.mart_costs()
    baseline = dbt.work / "baseline.duckdb"
    if mart_full is not None:
        shutil.copy2(dbt.database, baseline)

    # (3) the floor: every variant, then a row-by-row check of their per-minute tables
    variant_steps, failed = time_floor_variants(variants, data, dbt, args.repeat)
    say("(3) checking every variant's per-minute rows against the reference (untimed)")
    check_out = dbt.work / "variant-check.json"
    check_run = measure([PYTHON, str(ROOT / "bench" / "floor.py"), "--raw", str(data), "--check", ",".join(variants),
                         "--out", str(check_out)], env=dbt.env, log=BENCH / "logs" / "floor-check.log")
    check_ok(check_run, "floor --check")
    differing: dict[str, int] = json.loads(check_out.read_text())
    correct = [v for v in variants if differing.get(v) == 0 and v not in failed]
    if not correct:
        sys.exit("no correct floor variant finished")
    best = min(correct, key=lambda v: variant_steps[v].wall_s)
    steps["floor"] = Step(f"(3) floor: one DuckDB query ({best})", variant_steps[best].runs)
    floor_full = json.loads((dbt.work / f"floor-{best}-1.json").read_text())["costs"]
    say(f"(3) fastest correct variant: {best}")
    # the same query under DuckDB's default memory limit (80 % of RAM): how much the limit costs
    unlimited = steps["floor_unlimited"] = Step(f"(3b) floor, DuckDB default memory limit ({best})")
    for rep in range(1, args.repeat + 1):
        run = measure([PYTHON, str(ROOT / "bench" / "floor.py"), "--raw", str(data), "--variant", best,
                       "--out", str(dbt.work / f"floor-unlimited-{rep}.json")],
                      env={**dbt.env, "GRAFANA_CLOUD_COSTS_DUCKDB_MEMORY_LIMIT": "80%"},
                      log=BENCH / "logs" / f"floor-unlimited-{rep}.log")
        check_ok(run, "floor without memory limit")
        unlimited.runs.append(run)
    say(f"(3b) floor under DuckDB's default memory limit: median {unlimited.wall_s:.1f} s wall, "
        f"peak RSS {unlimited.peak_rss_mb:,.0f} MB")

    # (4) pandas
    pandas_full: dict[str, str] | None = None
    if run_pandas:
        for rep in range(1, args.repeat + 1):
            out = dbt.work / f"pandas-{rep}.json"
            say(f"(4) pandas, repetition {rep}/{args.repeat}")
            run = measure([PYTHON, str(ROOT / "bench" / "pandas_bill.py"), "--raw", str(data), "--out", str(out)],
                          log=BENCH / "logs" / f"pandas-{rep}.log")
            check_ok(run, "pandas_bill.py")
            steps["pandas"].runs.append(run)
            say(f"(4) repetition {rep}: {describe(run)}")
        pandas_full = json.loads((dbt.work / "pandas-1.json").read_text())["costs"]
    else:
        say("(4) pandas skipped (over 2,000 stack-months it needs more memory than this machine has; --pandas yes forces it)")

    # the bills must agree to the cent
    others = {"pandas": pandas_full} if pandas_full is not None else {}
    if mart_full is not None:
        if not verify("full refresh", {"floor": floor_full, **others}, "dbt mart", mart_full):
            problems.append("the floor or pandas disagree with the dbt mart (full refresh)")
    elif others and not verify("full refresh", others, "floor", floor_full):
        problems.append("pandas disagrees with the floor")

    # (2) incremental: the full-refresh state plus one more day file
    incremental_timings: dict[str, Any] = {}
    if mart_full is not None:
        try:
            os.link(extra_day, appended)
            for rep in range(1, args.repeat + 1):
                shutil.copy2(baseline, dbt.database)
                say(f"(2) dbt build after adding {appended.name}, repetition {rep}/{args.repeat}")
                run = dbt.build(f"incremental-{rep}")
                steps["incremental"].runs.append(run)
                incremental_timings = dbt.node_timings()
                if run.returncode != 0:
                    problems.append("dbt build after +1 day failed: " + "; ".join(incremental_timings["failures"]))
                    say(f"FAILED: {problems[-1]}")
                    break
                say(f"(2) repetition {rep}: {describe(run)}")
            else:
                mart_incremental = dbt.mart_costs()
                # untimed, a correctness check only: under DuckDB's default limit, as (3b), because at
                # 10,000 stacks the query over one more day needs more than the profile's 2 GB
                floor_incremental = floor_costs(data, best, dbt.work / "floor-incremental.json",
                                                {**dbt.env, "GRAFANA_CLOUD_COSTS_DUCKDB_MEMORY_LIMIT": "80%"})
                if not verify("after +1 day", {"floor": floor_incremental}, "dbt mart", mart_incremental):
                    problems.append("the floor disagrees with the dbt mart after the incremental build")
        finally:
            appended.unlink(missing_ok=True)

    report(args, steps, variant_steps, failed, differing, best, timings, incremental_timings, problems,
           {"metric_rows": rows, "data_mb": round(size_mb, 1), "appended_day": appended.name,
            "project": f"{args.ref or 'work tree'} ({commit})", "memory_limit": memory_limit,
            "profile_patches": profile_patches})


def report(args: argparse.Namespace, steps: dict[str, Step], variant_steps: dict[str, Step], failed: dict[str, str],
           differing: dict[str, int], best: str, timings: dict[str, Any], incremental_timings: dict[str, Any],
           problems: list[str], facts: dict[str, Any]) -> None:
    full, incremental, best_floor, pandas_step = steps["full_refresh"], steps["incremental"], steps["floor"], steps["pandas"]
    full_ok = bool(full.runs) and all(run.returncode == 0 for run in full.runs)
    incremental_ok = bool(incremental.runs) and all(run.returncode == 0 for run in incremental.runs)

    def ratio(numerator: Step, denominator: Step, ok: bool, attribute: str) -> float | None:
        if not ok or not numerator.runs or not denominator.runs:
            return None
        return getattr(numerator, attribute) / getattr(denominator, attribute)

    pairs = {
        "full_refresh_over_floor": ("(1)/(3) dbt full refresh / floor", full, best_floor, full_ok),
        "incremental_over_full_refresh": ("(2)/(1) incremental / full refresh", incremental, full, incremental_ok),
        "pandas_over_full_refresh": ("(4)/(1) pandas / dbt full refresh", pandas_step, full, full_ok),
    }
    print()
    print(f"{'step':58s} {'median wall s':>13s} {'median CPU s':>13s} {'peak RSS MB':>12s}")
    for step in steps.values():
        if step.runs:
            failed_note = "  FAILED" if any(run.returncode for run in step.runs) else ""
            print(f"{step.name:58s} {step.wall_s:13.2f} {step.cpu_s:13.2f} {step.peak_rss_mb:12,.0f}{failed_note}")
    print()
    targets: dict[str, Any] = {}
    for key, (label, numerator, denominator, ok) in pairs.items():
        limit, kind = TARGETS[key]
        value, cpu = ratio(numerator, denominator, ok, "wall_s"), ratio(numerator, denominator, ok, "cpu_s")
        met = None if value is None else (value <= limit if kind == "max" else value >= limit)
        targets[key] = {"value": None if value is None else round(value, 3),
                        "cpu_value": None if cpu is None else round(cpu, 3),
                        "target": f"{'<=' if kind == 'max' else '>='} {limit}", "met": met}
        shown = "n/a" if value is None else f"{value:6.2f}"
        shown_cpu = "" if cpu is None else f"(CPU {cpu:.2f})"
        print(f"{label:40s} {shown:>8s} {shown_cpu:12s} target {targets[key]['target']:8s} "
              f"{'' if met is None else ('met' if met else 'MISSED')}")
    rss_met = full_ok and full.peak_rss_mb <= RSS_TARGET_MB
    targets["full_refresh_peak_rss_mb"] = {"value": full.peak_rss_mb if full.runs else None,
                                           "target": f"<= {RSS_TARGET_MB:.0f}", "met": rss_met}
    if full.runs:
        print(f"{'(1) peak RSS MB':40s} {full.peak_rss_mb:8,.0f} {'':12s} target <= {RSS_TARGET_MB:.0f}  "
              f"{'met' if rss_met else 'MISSED'}")

    print(f"\nfloor de-duplication variants (median of {args.repeat}):")
    for variant in sorted(variant_steps, key=lambda v: (v in failed, variant_steps[v].wall_s)):
        step = variant_steps[variant]
        outcome = (f"FAILED: {failed[variant][:70]}" if variant in failed
                   else "same per-minute rows as the reference" if differing.get(variant) == 0 else "WRONG per-minute rows")
        print(f"  {variant:32s} {step.wall_s:7.2f} s wall {step.cpu_s:7.2f} s CPU {step.peak_rss_mb:7,.0f} MB   {outcome}")

    for label, step, node_timings in (("full refresh", full, timings), ("build after +1 day", incremental, incremental_timings)):
        if not node_timings:
            continue
        last = step.runs[-1]
        print(f"\nwhere dbt spends its time ({label}, last repetition: {last.wall_s:.1f} s wall, dbt's elapsed "
              f"{node_timings['elapsed_s']:.1f} s; seconds by resource type {node_timings['by_resource_type']}):")
        for node in node_timings["nodes"][:15]:
            print(f"  {node['seconds']:8.2f} s  {node['status']:7s} {node['node']}")
        node_total = sum(node["seconds"] for node in node_timings["nodes"])
        print(f"  {last.wall_s - node_total:8.2f} s  outside nodes (start-up, parsing, hooks, metadata queries)")

    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    result = {
        "created_at": stamp, "ok": not problems, "problems": problems,
        "machine": {"cores": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
                    "python": platform.python_version(), "duckdb": duckdb.__version__},
        "parameters": {"stacks": args.stacks, "months": args.months, "repeat": args.repeat, "seed": args.seed,
                       "start": args.start, **facts},
        "steps": {key: step.summary() for key, step in steps.items() if step.runs},
        "ratios": targets,
        "floor_variants": {v: {**variant_steps[v].summary(), "differing_per_minute_rows": differing.get(v),
                               "failed": failed.get(v)} for v in variant_steps},
        "fastest_correct_variant": best,
        "dbt_full_refresh_nodes": timings,
        "dbt_incremental_nodes": incremental_timings,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"{stamp}-s{args.stacks}-m{args.months}.json"
    for target in (name, "latest.json"):
        tmp = RESULTS / (target + ".tmp")
        tmp.write_text(json.dumps(result, indent=2) + "\n")
        tmp.replace(RESULTS / target)
    say(f"results: bench/results/{name} and bench/results/latest.json")
    if problems:
        say("FAILED:\n  " + "\n  ".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
