"""Extract an export folder from Grafana Cloud: organizations, stacks, usage and billed usage.

    grafana-cloud-costs extract --org acme [--org globex ...] --from 2024-09-01 [--to 2024-10-01] --out DIR
    make extract ORG=acme FROM=2024-09-01 OUT=DIR [TO=...] [CONFIG=...]

The folder it writes is the one `make build RAW_PATH=DIR` reads.

Range and time
    --from and --to are UTC dates (YYYY-MM-DD) or datetimes (YYYY-MM-DDTHH:MM[:SS], a Z or an offset
    is converted to UTC, none means UTC). The range is [from, to); --to defaults to now. Usage is
    sampled every minute (step=60s) at the minutes inside the range.

Credentials
    The token is read from $GRAFANA_CLOUD_TOKEN, or per organization from the variable named by
    `token_env` in the --config file. It needs the scopes billing-metrics:read, orgs:read and
    stacks:read. The API takes it as Bearer; the billing Prometheus endpoint as HTTP Basic with the
    organization's numeric id as user (inferred, not verified against a live org: --prom-user or the
    config key prom_user sets another, e.g. the basicAuthUser of the stack's grafanacloud-usage data
    source). It is never printed, logged, written or put in an error.

Config (--config FILE, TOML)
    api_url = "https://grafana.com"                   # optional, like --api-url
    prom_url = "https://billing.grafana.net/api/prom" # optional, like --prom-url
    [[orgs]]
    slug = "acme"
    token_env = "ACME_TOKEN"   # optional, default GRAFANA_CLOUD_TOKEN
    plan = "pro"               # optional, overrides the derived plan (like --plan)
    prom_user = "652992"       # optional, the billing Prometheus' Basic user (like --prom-user)
    Without --org every organization of the config is extracted; --org selects among them.

Requests
    GET {api}/api/orgs/<slug>                                  numeric id, name, plan fields
    GET {api}/api/instances?orgSlug=<slug>&includeDeleted=true the stacks, deleted ones too; pages
        are followed in every documented form: page/pages (the documented answer of this endpoint:
        page+1 while page < pages), metadata.pagination.nextPage (the newer endpoints' cursor URL)
        and a nextCursor value (sent back as cursor=)
    GET {prom}/api/v1/query_range?query=<metric>&start&end&step=60s, in chunks of at most
        --chunk-days (default and maximum 7) UTC days: 7 x 1440 = 10,080 points per series, under
        Prometheus' 11,000. Start and end are inclusive, so a chunk [D, D+7d) asks start=D,
        end=D+7d-60s and no minute is asked twice.
    GET {api}/api/orgs/<slug>/billed-usage?month=M&year=Y      every closed month of the range

Plan (organizations.plan), first that applies
    1. --plan, else the config key `plan` of the organization;
    2. trial: trialStartDate <= --to < trialEndDate;
    3. the first plan code found in `subscriptions` (its `current` entry first, then any string in
       it), then in `wpPlan`, then in `contractType`: a code containing "trial" -> trial,
       "advanced" (also ss-advanced) -> advanced, "pro" -> pro, "free" -> free
       (grafana-cloud-free, -free-trial, -pro, -advanced, -ss-advanced);
    4. otherwise pro, with a warning asking for --plan.
    These org fields are not verified against a live org: check the plan once and set --plan.

What each table holds
    metrics_usage: grafanacloud_instance_active_series and grafanacloud_instance_samples_per_second,
        whose label `id` is a Prometheus or Graphite instance id (hmInstancePromId,
        hmInstanceGraphiteId): the series of a stack's instances are summed per minute. A minute
        without a sample has no row (gaps are not filled); a minute with only one of the two
        metrics leaves the other column empty.
    ingestion_usage: the bytes/s gauges grafanacloud_{logs,traces,profiles}_instance_bytes_received_per_second
        (--logs-metric/--traces-metric/--profiles-metric choose e.g. the billable_ variants), `id` =
        hlInstanceId/htInstanceId/hpInstanceId. Bytes of a stack, signal and UTC hour = the sum over
        the per-minute samples in [hour, hour+1h) of value x 60 s, exactly (decimal), rounded half
        up to whole bytes. A missing minute counts 0 bytes (no interpolation); an hour with no
        sample at all has no row. So a constant 1000 B/s for a full hour is 3,600,000 bytes, and
        with 30 minutes missing 1,800,000.
    usage_counts: month-to-date counts, one row per (stack or org, month, meter) = the latest sample
        inside [month start, next month start) and [from, to) (series of one key are summed at
        that minute). Org level (stack_id empty): grafanacloud_org_grafana_billable_users
        (grafana_active_users), grafanacloud_org_irm_users (irm_active_users),
        grafanacloud_org_grafana_plugin_users (enterprise_plugin_active_users),
        grafanacloud_org_k6_virtual_user_hours_usage (k6_vuh). Stack level:
        grafanacloud_grafana_instance_billable_users (grafana_active_users),
        grafanacloud_irm_billable_users (irm_active_users), grafanacloud_k6_stack_virtual_user_hours_usage
        (k6_vuh); the stack is the label `stack_id` (when it is a stack of the organization), else
        the label `id` when it is a stack id or one of a stack's instance ids.
    organizations.included_dpm_per_series: the latest sample of
        grafanacloud_org_metrics_included_dpm_per_series in the last chunk of the range, else
        orgRates.includedDPM of the hm item of the latest billed-usage file in the folder, else empty.
    A sample whose `id` maps to no stack is not dropped silently: the ids are counted and named in
    a warning. NaN/Inf samples are skipped.

Resuming
    Organizations and stacks are always refetched. A day's usage files are kept and not asked again
    when both exist, the day lies wholly inside the range, its month has ended (before now) and
    the day ends at least --refetch-days (default 2) days before --to; every other day of the range
    is fetched and rewritten. The same rule holds for a month's usage_counts file (the whole month
    inside the range, ended, and ending --refetch-days before --to) and a billed-usage file is kept
    once it exists and its month ended --refetch-days before now. Files are written atomically
    (a temporary file in the same folder, then os.replace), so an interrupted run leaves only
    whole files, and rerunning gives the same bytes as an uninterrupted run. A day file once
    written whole is not checked again: after widening --from inside a day already written
    (a partial first day), delete that day's files.
    --dry-run fetches nothing at all (not even the organization): it prints every request it would
    make, after the resume rule, one a line on stdout; the Prometheus user is shown as <org id>.

Export folder layout (CSV: header always, comma, standard quoting, LF line ends, UTF-8,
timestamps YYYY-MM-DD HH:MM:SS UTC, an empty field is missing; rows sorted; numbers written as
given by the source in shortest decimal form, whole numbers without .0):

    <out>/
      grafana_cloud_organizations/<org>.csv         org_slug,org_name,plan,included_dpm_per_series
      grafana_cloud_stacks/<org>.csv                stack_id,stack_slug,org_slug,status,created_at,deleted_at,
                                                    hm_instance_prom_id,hm_instance_graphite_id,hl_instance_id,
                                                    ht_instance_id,hp_instance_id
      grafana_cloud_metrics_usage/<org>/<YYYY-MM-DD>.csv    stack_id,sampled_at,active_series,samples_per_second
      grafana_cloud_ingestion_usage/<org>/<YYYY-MM-DD>.csv  stack_id,signal,usage_start,ingested_bytes
      grafana_cloud_usage_counts/<org>/<YYYY-MM>.csv        org_slug,stack_id,billing_month,meter,quantity,observed_at
      grafana_cloud_user_activity/<org>.csv         stack_id,user_id,activity_at,activity_type      (header only)
      grafana_cloud_enterprise_plugins/<org>.csv    stack_id,plugin_id,installed_at,uninstalled_at  (header only)
      grafana_cloud_k6_test_runs/<org>.csv          stack_id,test_run_id,started_at,ended_at,vus,browser_vus (header only)
      billed_usage/<org>/<YYYY-MM>.json             GET billed-usage, byte for byte as returned

    stacks.deleted_at is billingEndDate when set; for a deleted stack without one, statusUpdatedAt.
    Instance ids that are null or 0 are written empty. billing_month is YYYY-MM-01. One file per
    UTC day is written for every day of the range fetched, header only when there was no usage.
    The last three tables are header only: a billing token cannot see users, plugins or k6 runs.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import sys
import tempfile
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from grafana_cloud_costs.client import (
    AuthError,
    Client,
    ExtractError,
    HttpStatusError,
    RetryPolicy,
)

log = logging.getLogger("grafana_cloud_costs.extract")

UTC = timezone.utc
STEP = 60
MAX_POINTS = 11_000
MAX_CHUNK_DAYS = (MAX_POINTS * STEP) // 86_400  # 7
DEFAULT_API_URL = "https://grafana.com"
DEFAULT_PROM_URL = "https://billing.grafana.net/api/prom"
DEFAULT_TOKEN_ENV = "GRAFANA_CLOUD_TOKEN"
PLANS = ("free", "trial", "pro", "advanced")

ACTIVE_SERIES = "grafanacloud_instance_active_series"
SAMPLES_PER_SECOND = "grafanacloud_instance_samples_per_second"
INCLUDED_DPM = "grafanacloud_org_metrics_included_dpm_per_series"
SIGNAL_METRICS = {
    "logs": "grafanacloud_logs_instance_bytes_received_per_second",
    "traces": "grafanacloud_traces_instance_bytes_received_per_second",
    "profiles": "grafanacloud_profiles_instance_bytes_received_per_second",
}
SIGNAL_INSTANCE_FIELD = {"logs": "hlInstanceId", "traces": "htInstanceId", "profiles": "hpInstanceId"}
# (metric, meter, level)
COUNT_METRICS = (
    ("grafanacloud_org_grafana_billable_users", "grafana_active_users", "org"),
    ("grafanacloud_org_irm_users", "irm_active_users", "org"),
    ("grafanacloud_org_grafana_plugin_users", "enterprise_plugin_active_users", "org"),
    ("grafanacloud_org_k6_virtual_user_hours_usage", "k6_vuh", "org"),
    ("grafanacloud_grafana_instance_billable_users", "grafana_active_users", "stack"),
    ("grafanacloud_irm_billable_users", "irm_active_users", "stack"),
    ("grafanacloud_k6_stack_virtual_user_hours_usage", "k6_vuh", "stack"),
)

HEADERS = {
    "grafana_cloud_organizations": ["org_slug", "org_name", "plan", "included_dpm_per_series"],
    "grafana_cloud_stacks": [
        "stack_id", "stack_slug", "org_slug", "status", "created_at", "deleted_at", "hm_instance_prom_id",
        "hm_instance_graphite_id", "hl_instance_id", "ht_instance_id", "hp_instance_id",
    ],
    "grafana_cloud_metrics_usage": ["stack_id", "sampled_at", "active_series", "samples_per_second"],
    "grafana_cloud_ingestion_usage": ["stack_id", "signal", "usage_start", "ingested_bytes"],
    "grafana_cloud_usage_counts": ["org_slug", "stack_id", "billing_month", "meter", "quantity", "observed_at"],
    "grafana_cloud_user_activity": ["stack_id", "user_id", "activity_at", "activity_type"],
    "grafana_cloud_enterprise_plugins": ["stack_id", "plugin_id", "installed_at", "uninstalled_at"],
    "grafana_cloud_k6_test_runs": ["stack_id", "test_run_id", "started_at", "ended_at", "vus", "browser_vus"],
}
HEADER_ONLY_TABLES = ("grafana_cloud_user_activity", "grafana_cloud_enterprise_plugins", "grafana_cloud_k6_test_runs")


# -- command line ----------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--org", action="append", default=[], metavar="SLUG",
                        help="organization slug (repeat for several); default: every org of --config")
    parser.add_argument("--from", dest="start", required=True, metavar="WHEN",
                        help="UTC start, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (inclusive)")
    parser.add_argument("--to", dest="end", metavar="WHEN", help="UTC end (exclusive); default: now")
    parser.add_argument("--out", required=True, type=Path, help="the export folder to write")
    parser.add_argument("--config", type=Path, help="TOML file with [[orgs]] slug, token_env, plan")
    parser.add_argument("--api-url", help=f"Grafana Cloud API (env GRAFANA_CLOUD_API_URL, default {DEFAULT_API_URL})")
    parser.add_argument("--prom-url",
                        help=f"billing Prometheus (env GRAFANA_CLOUD_PROM_URL, default {DEFAULT_PROM_URL})")
    parser.add_argument("--plan", choices=PLANS,
                        help="the organizations' plan, instead of deriving it (see the plan rule above)")
    parser.add_argument("--refetch-days", type=int, default=2,
                        help="days before --to always fetched again (default 2)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print every request it would make and fetch nothing")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per HTTP request (default 60)")
    parser.add_argument("--max-retries", type=int, default=5,
                        help="retries of a request on 429, 5xx or a connection error (default 5)")
    parser.add_argument("--backoff", type=float, default=1.0,
                        help="seconds before the first retry, doubled at each retry (default 1)")
    parser.add_argument("--max-backoff", type=float, default=60.0,
                        help="longest wait between two tries, also caps Retry-After (default 60)")
    parser.add_argument("--chunk-days", type=int, default=MAX_CHUNK_DAYS,
                        help=f"UTC days per query_range request, at most {MAX_CHUNK_DAYS} (default)")
    parser.add_argument("--page-size", type=int, default=None,
                        help="pageSize sent to GET /api/instances (default: none, the API's own)")
    for signal, metric in SIGNAL_METRICS.items():
        parser.add_argument(f"--{signal}-metric", default=metric,
                            help=f"bytes/s gauge of {signal} ingestion (default {metric})")
    parser.add_argument("--prom-user", metavar="USER",
                        help="HTTP Basic user name on the billing Prometheus (config key prom_user); default:"
                             " the organization's numeric id, which the data-sources doc infers but has not"
                             " verified against a live org (Grafana's own data source shows a basicAuthUser)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


@dataclass
class OrgConfig:
    slug: str
    token_env: str = DEFAULT_TOKEN_ENV
    plan: str | None = None
    prom_user: str | None = None


@dataclass
class Options:
    orgs: list[OrgConfig]
    start: datetime
    end: datetime
    out: Path
    api_url: str
    prom_url: str
    plan: str | None
    prom_user: str | None
    refetch_days: int
    dry_run: bool
    timeout: float
    retry: RetryPolicy
    chunk_days: int
    page_size: int | None
    signal_metrics: dict[str, str]
    quiet: bool
    now: datetime


def run(args: argparse.Namespace) -> int:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    secrets: list[str] = []
    handler.addFilter(_Redact(secrets))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        options = parse_options(args)
        tokens = {}
        for org in options.orgs:
            token = os.environ.get(org.token_env, "")
            if not token and not options.dry_run:
                raise ExtractError(
                    f"no token for the organization {org.slug!r}: set the environment variable {org.token_env}"
                    " to a cloud access policy token with the scopes billing-metrics:read, orgs:read, stacks:read"
                )
            if token:
                secrets.append(token)
            tokens[org.slug] = token
        # log lines go through tqdm.write, above the progress bar instead of through it
        with logging_redirect_tqdm(loggers=[log]):
            for org in options.orgs:
                if options.dry_run:
                    dry_run(org, options)
                else:
                    extract_org(org, tokens[org.slug], options)
        return 0
    except ExtractError as exc:
        log.error("%s", _redact(str(exc), secrets))
        return 1
    finally:
        log.removeHandler(handler)


class _Redact(logging.Filter):
    """Defence in depth: no log line carries a token, whatever formatted it."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = _redact(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def _redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def parse_options(args: argparse.Namespace) -> Options:
    config: dict[str, Any] = {}
    if args.config:
        try:
            config = tomllib.loads(args.config.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ExtractError(f"cannot read the config {args.config}: {exc}") from None
    configured = [
        OrgConfig(str(o["slug"]), str(o.get("token_env") or DEFAULT_TOKEN_ENV), o.get("plan"),
                  str(o["prom_user"]) if o.get("prom_user") not in (None, "") else None)
        for o in config.get("orgs", [])
        if isinstance(o, dict) and o.get("slug")
    ]
    wanted = [slug for value in args.org for slug in value.replace(",", " ").split()]
    if configured:
        by_slug = {o.slug: o for o in configured}
        unknown = [slug for slug in wanted if slug not in by_slug]
        if unknown:
            raise ExtractError(f"--org {', '.join(unknown)} not in the config {args.config}")
        orgs = [by_slug[slug] for slug in dict.fromkeys(wanted)] if wanted else configured
    elif wanted:
        orgs = [OrgConfig(slug) for slug in dict.fromkeys(wanted)]
    else:
        raise ExtractError("no organization: give --org SLUG or a --config with [[orgs]]")
    for org in orgs:
        if org.plan is not None and org.plan not in PLANS:
            raise ExtractError(f"config plan {org.plan!r} of {org.slug!r} is not one of {', '.join(PLANS)}")

    now = datetime.now(UTC).replace(microsecond=0)
    start = parse_when(args.start, "--from")
    end = parse_when(args.end, "--to") if args.end else now
    if end <= start:
        raise ExtractError(f"--to ({fmt_ts(end)}) must be after --from ({fmt_ts(start)})")
    if not 1 <= args.chunk_days <= MAX_CHUNK_DAYS:
        raise ExtractError(f"--chunk-days must be 1 to {MAX_CHUNK_DAYS} (11,000 points per series at step 60s)")
    if args.refetch_days < 0 or args.max_retries < 0:
        raise ExtractError("--refetch-days and --max-retries cannot be negative")
    return Options(
        orgs=orgs,
        start=start,
        end=end,
        out=args.out,
        api_url=args.api_url or config.get("api_url") or os.environ.get("GRAFANA_CLOUD_API_URL") or DEFAULT_API_URL,
        prom_url=args.prom_url or config.get("prom_url") or os.environ.get("GRAFANA_CLOUD_PROM_URL")
        or DEFAULT_PROM_URL,
        plan=args.plan,
        prom_user=args.prom_user,
        refetch_days=args.refetch_days,
        dry_run=args.dry_run,
        timeout=args.timeout,
        retry=RetryPolicy(args.max_retries, args.backoff, args.max_backoff),
        chunk_days=args.chunk_days,
        page_size=args.page_size,
        signal_metrics={s: getattr(args, f"{s}_metric") for s in SIGNAL_METRICS},
        quiet=args.quiet,
        now=now,
    )


# -- time ------------------------------------------------------------------------------------------


def parse_when(text: str, option: str) -> datetime:
    try:
        if len(text) == 10:
            value = datetime.combine(date.fromisoformat(text), datetime.min.time())
        else:
            value = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise ExtractError(f"{option} {text!r}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (UTC)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def fmt_ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def from_unix(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def unix(value: datetime) -> int:
    return int(value.timestamp())


def ceil_minute(value: datetime) -> datetime:
    floor = value.replace(second=0, microsecond=0)
    return floor if floor == value else floor + timedelta(minutes=1)


def day_start(value: datetime) -> datetime:
    return value.replace(hour=0, minute=0, second=0, microsecond=0)


def month_start(value: datetime) -> datetime:
    return day_start(value).replace(day=1)


def next_month(value: datetime) -> datetime:
    return (value.replace(day=28) + timedelta(days=4)).replace(day=1)


def days_of(start: datetime, end: datetime) -> list[datetime]:
    days, day = [], day_start(start)
    while day < end:
        days.append(day)
        day += timedelta(days=1)
    return days


def months_of(start: datetime, end: datetime) -> list[datetime]:
    months, month = [], month_start(start)
    while month < end:
        months.append(month)
        month = next_month(month)
    return months


def parse_api_time(value: Any) -> str:
    if not value:
        return ""
    try:
        return fmt_ts(parse_when(str(value).replace("Z", "+00:00"), "timestamp"))
    except ExtractError:
        log.warning("unparseable timestamp %r left empty", value)
        return ""


# -- numbers ---------------------------------------------------------------------------------------


def parse_value(text: Any) -> Decimal | None:
    try:
        value = Decimal(str(text))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def fmt_decimal(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def fmt_id(value: Any) -> str:
    if value is None or value == "" or value == 0 or value == "0":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def sort_id(value: str) -> tuple[int, int, str]:
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


# -- files -----------------------------------------------------------------------------------------


def csv_bytes(header: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_atomic(path: Path, content: bytes) -> None:
    """Write through a temporary file in the same folder, then os.replace; unchanged files stay."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.read_bytes() == content:
            return
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_table(out: Path, table: str, relative: str, rows: Iterable[Iterable[Any]]) -> None:
    write_atomic(out / table / relative, csv_bytes(HEADERS[table], rows))


# -- planning (shared by the run and --dry-run) ----------------------------------------------------


@dataclass
class Chunk:
    start: datetime  # first minute asked (inclusive)
    end: datetime  # exclusive: the last minute asked is end - 60 s
    days: list[datetime]

    @property
    def query_end(self) -> int:
        return unix(ceil_minute(self.end)) - STEP

    def points(self) -> int:
        return (self.query_end - unix(self.start)) // STEP + 1


@dataclass
class Plan:
    days: list[datetime]  # the days to fetch
    count_months: list[datetime]
    billed_months: list[datetime]
    dpm_chunk: Chunk | None
    day_chunks: list[Chunk] = field(default_factory=list)
    count_chunks_by_month: dict[datetime, list[Chunk]] = field(default_factory=dict)

    def requests(self, signals: int) -> int:
        """The number of calls planned after the org and instances lookups (retries not counted)."""
        count_chunks = sum(len(chunks) for chunks in self.count_chunks_by_month.values())
        return ((2 + signals) * len(self.day_chunks) + len(COUNT_METRICS) * count_chunks
                + int(self.dpm_chunk is not None) + len(self.billed_months))


def day_path(org: str, day: datetime) -> str:
    return f"{org}/{day:%Y-%m-%d}.csv"


def make_chunks(days: list[datetime], options: Options) -> list[Chunk]:
    """Runs of consecutive days, cut into chunks of at most --chunk-days, clipped to the range."""
    chunks: list[Chunk] = []
    run: list[datetime] = []

    def close() -> None:
        for i in range(0, len(run), options.chunk_days):
            part = run[i:i + options.chunk_days]
            start = ceil_minute(max(part[0], options.start))
            end = min(part[-1] + timedelta(days=1), options.end)
            chunk = Chunk(start, end, part)
            if chunk.query_end >= unix(start):
                assert chunk.points() <= MAX_POINTS, chunk
                chunks.append(chunk)
        run.clear()

    for day in days:
        if run and day != run[-1] + timedelta(days=1):
            close()
        run.append(day)
    if run:
        close()
    return chunks


def make_plan(org: str, options: Options) -> Plan:
    out, start, end, now = options.out, options.start, options.end, options.now
    settle = end - timedelta(days=options.refetch_days)

    def day_kept(day: datetime) -> bool:
        day_end = day + timedelta(days=1)
        return (
            day >= start and day_end <= end and next_month(month_start(day)) <= now and day_end <= settle
            and (out / "grafana_cloud_metrics_usage" / day_path(org, day)).exists()
            and (out / "grafana_cloud_ingestion_usage" / day_path(org, day)).exists()
        )

    def month_kept(month: datetime) -> bool:
        month_end = next_month(month)
        return (
            month >= start and month_end <= end and month_end <= now and month_end <= settle
            and (out / "grafana_cloud_usage_counts" / org / f"{month:%Y-%m}.csv").exists()
        )

    days = [day for day in days_of(start, end) if not day_kept(day)]
    months = months_of(start, end)
    count_months = [month for month in months if not month_kept(month)]
    billed_months = [
        month for month in months
        if next_month(month) <= now
        and not (
            (out / "billed_usage" / org / f"{month:%Y-%m}.json").exists()
            and next_month(month) <= now - timedelta(days=options.refetch_days)
        )
    ]
    last_days = days_of(start, end)[-options.chunk_days:]
    dpm_chunks = make_chunks(last_days, options)
    plan = Plan(days, count_months, billed_months, dpm_chunks[-1] if dpm_chunks else None)
    plan.day_chunks = make_chunks(days, options)
    for month in count_months:
        plan.count_chunks_by_month[month] = make_chunks(days_of(max(month, start), min(next_month(month), end)),
                                                        options)
    return plan


def dry_run(org: OrgConfig, options: Options) -> None:
    plan = make_plan(org.slug, options)
    api, prom = options.api_url.rstrip("/"), options.prom_url.rstrip("/")
    lines = [
        f"GET {api}/api/orgs/{org.slug}  (Bearer ${org.token_env})",
        f"GET {api}/api/instances?orgSlug={org.slug}&includeDeleted=true"
        + (f"&pageSize={options.page_size}" if options.page_size else "")
        + f"  (Bearer ${org.token_env}; and the further pages)",
    ]

    def prom_line(metric: str, chunk: Chunk) -> str:
        return (
            f"GET {prom}/api/v1/query_range?query={metric}&start={unix(chunk.start)}&end={chunk.query_end}"
            f"&step={STEP}s  ({fmt_ts(chunk.start)} to {fmt_ts(from_unix(chunk.query_end))}, {chunk.points()} points;"
            f" Basic {org.prom_user or options.prom_user or '<org id>'}:${org.token_env})"
        )

    if plan.dpm_chunk:
        lines.append(prom_line(INCLUDED_DPM, plan.dpm_chunk))
    for chunk in plan.day_chunks:
        for metric in (ACTIVE_SERIES, SAMPLES_PER_SECOND, *options.signal_metrics.values()):
            lines.append(prom_line(metric, chunk))
    for month, chunks in plan.count_chunks_by_month.items():
        for chunk in chunks:
            for metric, _, _ in COUNT_METRICS:
                lines.append(prom_line(metric, chunk))
    for month in plan.billed_months:
        lines.append(f"GET {api}/api/orgs/{org.slug}/billed-usage?month={month.month}&year={month.year}"
                     f"  (Bearer ${org.token_env})")
    print(f"# {org.slug}: {len(lines)} requests (dry run, nothing fetched)")
    for line in lines:
        print(line)


# -- the extraction --------------------------------------------------------------------------------


class Unknown:
    """Instance ids that map to no stack: counted, and named in a warning."""

    def __init__(self) -> None:
        self.samples: dict[tuple[str, str], int] = defaultdict(int)

    def add(self, metric: str, ident: str | None, samples: int) -> None:
        self.samples[(metric, ident or "<no id label>")] += samples

    def report(self, org: str) -> None:
        if not self.samples:
            return
        by_metric: dict[str, list[str]] = defaultdict(list)
        for (metric, ident), count in sorted(self.samples.items()):
            by_metric[metric].append(f"{ident} ({count} samples)")
        total = sum(self.samples.values())
        details = "; ".join(f"{metric}: {', '.join(ids)}" for metric, ids in by_metric.items())
        log.warning("%s: %d samples with an instance id of no stack of the organization, not attributed: %s",
                    org, total, details)


@dataclass
class Stacks:
    rows: list[list[str]]
    metrics_ids: dict[str, str]  # prom/graphite instance id -> stack id
    signal_ids: dict[str, dict[str, str]]  # signal -> instance id -> stack id
    any_ids: dict[str, str]  # stack ids and every instance id -> stack id


def extract_org(org: OrgConfig, token: str, options: Options) -> None:
    plan = make_plan(org.slug, options)
    out = options.out
    progress = tqdm(total=2 + plan.requests(len(SIGNAL_METRICS)), desc=org.slug, unit="req", file=sys.stderr,
                    disable=options.quiet, leave=False)
    client = Client(org_slug=org.slug, token=token, token_env=org.token_env, api_url=options.api_url,
                    prom_url=options.prom_url, timeout=options.timeout, retry=options.retry)
    try:
        with client:
            log.info("%s: %s to %s: usage of %d day(s), counts of %d month(s), billed usage of %d month(s) to fetch",
                     org.slug,
                     fmt_ts(options.start), fmt_ts(options.end), len(plan.days), len(plan.count_months),
                     len(plan.billed_months))
            org_json = client.api_get_json(f"/api/orgs/{org.slug}")
            progress.update()
            if not isinstance(org_json, dict) or org_json.get("id") in (None, ""):
                raise ExtractError(f"GET /api/orgs/{org.slug}: no numeric id in the answer")
            client.org_id = org.prom_user or options.prom_user or str(fmt_id(org_json["id"]))
            stacks = fetch_stacks(client, org.slug, options)
            progress.update()
            write_table(out, "grafana_cloud_stacks", f"{org.slug}.csv", stacks.rows)
            for table in HEADER_ONLY_TABLES:
                write_table(out, table, f"{org.slug}.csv", [])
            unknown = Unknown()

            # billed usage first: it is the fallback of the included DPM
            for month in plan.billed_months:
                fetch_billed_usage(client, org.slug, month, out)
                progress.update()

            included_dpm = ""
            if plan.dpm_chunk:
                included_dpm = latest_value(client.prom_query_range(
                    INCLUDED_DPM, unix(plan.dpm_chunk.start), plan.dpm_chunk.query_end, STEP), plan.dpm_chunk)
                progress.update()
            if not included_dpm:
                included_dpm = included_dpm_from_billed_usage(out, org.slug)
            plan_name = org_plan(org_json, org, options)
            write_table(out, "grafana_cloud_organizations", f"{org.slug}.csv",
                        [[org.slug, org_json.get("name") or org.slug, plan_name, included_dpm]])

            for chunk in plan.day_chunks:
                fetch_usage_chunk(client, org.slug, chunk, stacks, options, unknown, progress)

            for month, chunks in plan.count_chunks_by_month.items():
                fetch_counts_month(client, org.slug, month, chunks, stacks, unknown, progress, out)
            unknown.report(org.slug)
            log.info("%s: done: %d stack(s); usage of %d day(s), counts of %d month(s), billed usage of %d month(s)"
                     " written to %s"
                     " (build it with: make build RAW_PATH=%s)", org.slug, len(stacks.rows), len(plan.days),
                     len(plan.count_months), len(plan.billed_months), out, out)
    finally:
        progress.close()


def fetch_stacks(client: Client, slug: str, options: Options) -> Stacks:
    base: dict[str, Any] = {"orgSlug": slug, "includeDeleted": "true"}
    if options.page_size:
        base["pageSize"] = options.page_size
    path, params = "/api/instances", dict(base)
    items: dict[str, dict[str, Any]] = {}
    for _ in range(10_000):
        body = client.api_get_json(path, params)
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise ExtractError("GET /api/instances: no items list in the answer")
        page_items = body["items"]
        for item in page_items:
            items[str(fmt_id(item.get("id")))] = item
        next_page = ((body.get("metadata") or {}).get("pagination") or {}).get("nextPage")
        if next_page:
            path, params = str(next_page), None  # an absolute URL, or a path under --api-url
            continue
        cursor = body.get("nextCursor")
        if cursor not in (None, "", 0) and page_items:
            path, params = "/api/instances", {**base, "cursor": cursor}
            continue
        page, pages = body.get("page"), body.get("pages")
        if page is not None and pages is not None and int(page) < int(pages) and page_items:
            path, params = "/api/instances", {**base, "page": int(page) + 1}
            continue
        break
    else:
        raise ExtractError("GET /api/instances: more than 10,000 pages, giving up")

    rows, metrics_ids, any_ids = [], {}, {}
    signal_ids: dict[str, dict[str, str]] = {signal: {} for signal in SIGNAL_METRICS}
    for stack_id, item in items.items():
        if not stack_id:
            continue
        deleted_at = parse_api_time(item.get("billingEndDate"))
        if not deleted_at and item.get("status") == "deleted":
            deleted_at = parse_api_time(item.get("statusUpdatedAt"))
        ids = {name: fmt_id(item.get(name)) for name in
               ("hmInstancePromId", "hmInstanceGraphiteId", "hlInstanceId", "htInstanceId", "hpInstanceId")}
        rows.append([stack_id, item.get("slug") or "", slug, item.get("status") or "",
                     parse_api_time(item.get("createdAt")), deleted_at, *ids.values()])
        any_ids[stack_id] = stack_id
        for name in ("hmInstancePromId", "hmInstanceGraphiteId"):
            if ids[name]:
                metrics_ids[ids[name]] = stack_id
        for signal, name in SIGNAL_INSTANCE_FIELD.items():
            if ids[name]:
                signal_ids[signal][ids[name]] = stack_id
        for value in ids.values():
            if value:
                any_ids.setdefault(value, stack_id)
    rows.sort(key=lambda row: sort_id(row[0]))
    return Stacks(rows, metrics_ids, signal_ids, any_ids)


def samples(series: dict[str, Any], chunk: Chunk) -> Iterable[tuple[int, Decimal]]:
    first, last = unix(chunk.start), chunk.query_end
    for point in series.get("values") or []:
        try:
            ts = int(Decimal(str(point[0])))
        except (InvalidOperation, ValueError, IndexError, TypeError):
            continue
        value = parse_value(point[1]) if len(point) > 1 else None
        if value is not None and first <= ts <= last:
            yield ts, value


def fetch_usage_chunk(client: Client, org: str, chunk: Chunk, stacks: Stacks, options: Options, unknown: Unknown,
                      progress: tqdm) -> None:
    start, end = unix(chunk.start), chunk.query_end
    # metrics: (stack, minute) -> [active series, samples/s]
    minutes: dict[tuple[str, int], list[Decimal | None]] = {}
    for column, metric in enumerate((ACTIVE_SERIES, SAMPLES_PER_SECOND)):
        for series in client.prom_query_range(metric, start, end, STEP):
            ident = (series.get("metric") or {}).get("id")
            stack = stacks.metrics_ids.get(str(ident)) if ident is not None else None
            points = list(samples(series, chunk))
            if stack is None:
                unknown.add(metric, ident, len(points))
                continue
            for ts, value in points:
                cell = minutes.setdefault((stack, ts), [None, None])
                cell[column] = value if cell[column] is None else cell[column] + value
        progress.update()
    # ingestion: (stack, signal, hour) -> bytes
    hours: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    for signal, metric in options.signal_metrics.items():
        for series in client.prom_query_range(metric, start, end, STEP):
            ident = (series.get("metric") or {}).get("id")
            stack = stacks.signal_ids[signal].get(str(ident)) if ident is not None else None
            points = list(samples(series, chunk))
            if stack is None:
                unknown.add(metric, ident, len(points))
                continue
            for ts, value in points:
                hours[(stack, signal, ts - ts % 3600)] += value * STEP
        progress.update()

    for day in chunk.days:
        lo, hi = unix(day), unix(day) + 86_400
        metric_rows = sorted(
            ((stack, ts, cell) for (stack, ts), cell in minutes.items() if lo <= ts < hi),
            key=lambda r: (sort_id(r[0]), r[1]),
        )
        write_table(options.out, "grafana_cloud_metrics_usage", day_path(org, day), [
            [stack, fmt_ts(from_unix(ts)), *("" if v is None else fmt_decimal(v) for v in cell)]
            for stack, ts, cell in metric_rows
        ])
        ingestion_rows = sorted(
            ((stack, signal, hour, total) for (stack, signal, hour), total in hours.items() if lo <= hour < hi),
            key=lambda r: (sort_id(r[0]), r[1], r[2]),
        )
        write_table(options.out, "grafana_cloud_ingestion_usage", day_path(org, day), [
            [stack, signal, fmt_ts(from_unix(hour)), str(int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP)))]
            for stack, signal, hour, total in ingestion_rows
        ])


def fetch_counts_month(client: Client, org: str, month: datetime, chunks: list[Chunk], stacks: Stacks,
                       unknown: Unknown, progress: tqdm, out: Path) -> None:
    # (stack or "", meter) -> (latest minute, {series key: value at that minute})
    latest: dict[tuple[str, str], tuple[int, dict[str, Decimal]]] = {}
    for chunk in chunks:
        for metric, meter, level in COUNT_METRICS:
            for series in client.prom_query_range(metric, unix(chunk.start), chunk.query_end, STEP):
                labels = series.get("metric") or {}
                points = list(samples(series, chunk))
                if not points:
                    continue
                if level == "org":
                    stack = ""
                else:
                    stack = None
                    if labels.get("stack_id") not in (None, ""):
                        known = str(labels["stack_id"])
                        stack = known if stacks.any_ids.get(known) == known else None
                    elif labels.get("id") is not None:
                        stack = stacks.any_ids.get(str(labels["id"]))
                    if stack is None:
                        unknown.add(metric, labels.get("stack_id") or labels.get("id"), len(points))
                        continue
                series_key = metric + json.dumps(labels, sort_keys=True)
                ts, value = max(points, key=lambda p: p[0])
                key = (stack, meter)
                if key not in latest or ts > latest[key][0]:
                    latest[key] = (ts, {series_key: value})
                elif ts == latest[key][0]:
                    latest[key][1][series_key] = value
            progress.update()
    rows = []
    for (stack, meter), (ts, values) in sorted(latest.items(), key=lambda kv: (sort_id(kv[0][0]) if kv[0][0] else
                                                                               (-1, 0, ""), kv[0][1])):
        rows.append([org, stack, f"{month:%Y-%m-01}", meter, fmt_decimal(sum(values.values(), Decimal(0))),
                     fmt_ts(from_unix(ts))])
    write_table(out, "grafana_cloud_usage_counts", f"{org}/{month:%Y-%m}.csv", rows)


def latest_value(result: list[dict[str, Any]], chunk: Chunk) -> str:
    best: tuple[int, Decimal] | None = None
    for series in result:
        for ts, value in samples(series, chunk):
            if best is None or ts > best[0]:
                best = (ts, value)
    return fmt_decimal(best[1]) if best else ""


def fetch_billed_usage(client: Client, org: str, month: datetime, out: Path) -> None:
    try:
        response = client.api_get(f"/api/orgs/{org}/billed-usage", {"month": month.month, "year": month.year})
    except HttpStatusError as exc:
        if exc.status in (404, 409):
            log.warning("%s: no billed usage for %s (HTTP %d), skipped", org, f"{month:%Y-%m}", exc.status)
            return
        raise
    write_atomic(out / "billed_usage" / org / f"{month:%Y-%m}.json", response.content)


def included_dpm_from_billed_usage(out: Path, org: str) -> str:
    for path in sorted((out / "billed_usage" / org).glob("*.json"), reverse=True):
        try:
            body = json.loads(path.read_bytes())
        except ValueError:
            continue
        for item in body.get("items") or [] if isinstance(body, dict) else []:
            if item.get("dimensionId") == "hm":
                value = parse_value((item.get("orgRates") or {}).get("includedDPM"))
                if value is not None:
                    return fmt_decimal(value)
    return ""


def plan_code(value: Any) -> str | None:
    text = str(value).lower()
    for word, plan in (("trial", "trial"), ("advanced", "advanced"), ("pro", "pro"), ("free", "free")):
        if word in text:
            return plan
    return None


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key in sorted(value, key=lambda k: (k != "current", k)):
            yield from _strings(value[key])
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def org_plan(org_json: dict[str, Any], org: OrgConfig, options: Options) -> str:
    if options.plan:
        return options.plan
    if org.plan:
        return org.plan
    trial_start = parse_api_time(org_json.get("trialStartDate"))
    trial_end = parse_api_time(org_json.get("trialEndDate"))
    if trial_start and trial_end and trial_start <= fmt_ts(options.end) < trial_end:
        return "trial"
    for source in ("subscriptions", "wpPlan", "contractType"):
        for text in _strings(org_json.get(source)):
            found = plan_code(text)
            if found:
                return found
    log.warning("%s: no plan found in the organization's fields; pro assumed (set --plan or the config plan)",
                org.slug)
    return "pro"
