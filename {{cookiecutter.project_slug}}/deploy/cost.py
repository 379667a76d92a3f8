{%- set uploads = cookiecutter.use_s3_uploads == "y" %}
{%- set jobs = cookiecutter.use_background_jobs == "y" %}
{%- set page = cookiecutter.frontend == "static" -%}
"""`make cost`: an environment's estimated monthly bill, from the values Terraform deploys
it with (infra/envs/<environment>: variables.tf's defaults, then terraform.tfvars), AWS's
dated list prices (cost/prices.json) and what the environment is assumed to do
(cost/usage.json). It needs no network and no account.

Each line is a count of what the stack creates times a price; the counts follow
infra/modules (the apply test compares them with an applied stack)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from deploy.project import Environment, Project
from deploy.steps import StepError
{%- if cookiecutter.database != "dynamodb" or jobs %}
from deploy.tfvars import environment_values, module_default
{%- else %}
from deploy.tfvars import environment_values
{%- endif %}

PRICES_FILE = Path("cost", "prices.json")
USAGE_FILE = Path("cost", "usage.json")
BASE_REGION = "us-east-1"  # the region prices.json's `prices` are for

GB = 1_000_000  # KB per GB, as AWS bills data
# Prices named ..._million are per million units, and so on: by name ending, how many
# units a price is for, and how the bill says it.
PER = {"_million": (1_000_000, "million"), "_thousand": (1000, "1,000"), "_10k": (10_000, "10,000")}
SECONDS_PER_HOUR = 3600
HOURS_PER_MONTH = 730  # as AWS's price pages count a month
DAYS_PER_MONTH = 30.4
# A Lambda version replaced by a deploy keeps its snapshot until it has not been invoked
# for 14 days ("Lambda SnapStart", Lambda Developer Guide).
SNAPSHOT_DAYS = 14

# What each figure of usage.json means, printed beside it.
MEANING = {
    "api_requests": "requests to the API",
    "response_kb": "KB the average API response carries",
    "log_kb_per_request": "KB of log lines the app writes per request",
    "flow_logs_gb": "GB of VPC flow log records",
    "private_egress_gb": "GB the private subnets send out through NAT or interface endpoints",
    "container_insights_metrics": "metrics Container Insights publishes (cluster, services, tasks)",
    "image_stored_gb": "GB of images kept in ECR",
    "request_ms": "milliseconds the API function runs per request",
    "cold_starts": "new execution environments of the API function (SnapStart restores)",
    "deploys": "deploys (each publishes a function version)",
    "database_active_hours": "hours the paused-at-zero database is awake",
    "aurora_active_acus": "average ACUs while the database is awake",
    "aurora_io_per_request": "Aurora I/O operations per API request",
    "dynamodb_reads_per_request": "read request units per API request",
    "dynamodb_writes_per_request": "write request units per API request",
    "uploads": "files uploaded (each also downloaded once)",
    "uploads_stored_gb": "GB of uploads kept",
    "jobs": "background jobs",
    "job_ms": "milliseconds the worker function runs per job",
    "sqs_empty_receives": "receive calls that find the queue empty (long polls)",
    "page_views": "page views",
    "page_kb": "KB one page view downloads",
    "page_requests_per_view": "requests one page view makes for the page's files",
    "waf_log_kb_per_request": "KB the WAF logs per request",
    "database_stored_gb": "GB the database stores",
    "mail_messages": "mails sent (password reset links)",
}

NOT_COUNTED = (
    "free tiers and credits",
    "tax",
    "data transfer out of AWS other than CloudFront's",
    "support plans",
    "the state bucket and key infra/bootstrap makes once per account (about $1 a month)",
)


@dataclass(frozen=True)
class Line:
    group: str
    item: str
    quantity: str  # what was multiplied, e.g. "1 gateway x 730 h x $0.045"
    usd: float


@dataclass
class Usage:
    """One environment's assumptions; remembers the ones the bill reads."""

    values: dict[str, float]
    read: set[str] = field(default_factory=set)

    def __getitem__(self, name: str) -> float:
        self.read.add(name)
        return self.values[name]


@dataclass(frozen=True)
class Prices:
    as_of: str
    region: str  # the environment's
    priced_as: str  # the region whose list prices apply
    table: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.table[name]


@dataclass(frozen=True)
class Bill:
    project: str
    environment: Environment
    prices: Prices
    lines: tuple[Line, ...]
    usage: Mapping[str, float]  # the assumptions the lines used
    resources: Mapping[str, int]  # what the stack creates, as counted here

    @property
    def total(self) -> float:
        return sum(line.usd for line in self.lines)


def money(amount: float) -> str:
    return f"${amount:,.2f}"


def rate(price: float) -> str:
    """A unit price as AWS lists it: every digit it has, and at least the cents."""
    whole, _, cents = f"{price:.10f}".rstrip("0").partition(".")
    return f"${whole}.{cents.ljust(2, '0')}"


def number(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.2f}".rstrip("0") if value >= 1 else f"{value:.2g}"


def load_prices(project: Project) -> Prices:
    listed = json.loads((project.root / PRICES_FILE).read_text())
    region = project.region
    priced_as = region if region in listed["regions"] else BASE_REGION
    table = listed["prices"] | listed["regions"].get(region, {})
    return Prices(listed["as_of"], region, priced_as, table)


def load_usage(project: Project, environment: Environment, overrides: Mapping[str, float]) -> Usage:
    assumed: dict[str, float] = json.loads((project.root / USAGE_FILE).read_text())[environment]
    unknown = sorted(set(overrides) - set(assumed))
    if unknown:
        raise StepError(
            f"USAGE: {', '.join(unknown)} not in {USAGE_FILE} (its names: {', '.join(assumed)})"
        )
    return Usage(assumed | dict(overrides))


def parse_overrides(text: str) -> dict[str, float]:
    """USAGE="name=value name=value" as numbers."""
    overrides = {}
    for assignment in text.split():
        name, _, value = assignment.partition("=")
        try:
            overrides[name] = float(value)
        except ValueError:
            raise StepError(f"USAGE: {assignment!r} is not name=number") from None
        if overrides[name] < 0:
            raise StepError(f"USAGE: {name} cannot be negative")
    return overrides


class Estimate:
    """One environment's lines, from its variables, usage and prices."""

    def __init__(
        self, project: Project, variables: Mapping[str, Any], usage: Usage, prices: Prices
    ) -> None:
        self.project = project
        self.var = variables
        self.usage = usage
        self.prices = prices
        self.resources: dict[str, int] = {}
        self.group = ""

    def count(self, resource: str, how_many: int) -> int:
        """Records what the stack creates, for the apply test to compare."""
        self.resources[resource] = self.resources.get(resource, 0) + how_many
        return how_many

    def charge(self, item: str, amount: float, unit: str, price: str) -> Line:
        """amount units at prices[price], which is per million, thousand or 10,000 units
        where its name ends so."""
        listed: float = self.prices[price]
        per, each = next((PER[end] for end in PER if price.endswith(end)), (1, ""))
        parts = (number(amount), unit, "x", rate(listed), f"per {each}" if each else "")
        return Line(self.group, item, " ".join(filter(None, parts)), amount * listed / per)

    def hourly(self, item: str, count: float, unit: str, price: float) -> Line:
        """count units running every hour of the month at `price` an hour."""
        units = unit if count == 1 or unit[-1].isdigit() else f"{unit}s"
        quantity = f"{number(count)} {units} x {HOURS_PER_MONTH} h x {rate(price)}"
        return Line(self.group, item, quantity, count * HOURS_PER_MONTH * price)

    def logs(self, item: str, gb: float, *, vended: bool = False) -> Iterator[Line]:
        """gb a month into CloudWatch Logs, kept log_retention_days."""
        ingest = "cloudwatch_vended_logs_gb" if vended else "cloudwatch_logs_ingest_gb"
        yield self.charge(f"{item}, ingested", gb, "GB", ingest)
        kept = gb * self.var["log_retention_days"] / DAYS_PER_MONTH
        yield self.charge(f"{item}, kept", kept, "GB", "cloudwatch_logs_stored_gb_month")

    @property
    def server(self) -> bool:
        """RDS or Aurora: a VPC whatever the compute, and the secret RDS keeps."""
        return self.project.database in ("postgres", "aurora-serverless")

    def lines(self) -> Iterator[Line]:
        ecs = self.project.compute == "ecs"
        if ecs or self.server:
            yield from self.network()
        yield from self.containers() if ecs else self.functions()
        yield from self.database()
{%- if uploads %}
        yield from self.uploads()
{%- endif %}
{%- if jobs %}
        yield from self.queue()
{%- endif %}
{%- if page %}
        yield from self.page()
        yield from self.waf()
{%- else %}
        if ecs:  # without the page, the WAF is on the load balancer
            yield from self.waf()
{%- endif %}
        yield from self.mail()
        yield from self.keys_and_secrets()
        yield from self.monitoring()

    def mail(self) -> Iterator[Line]:
        """SES, when the environment has a sender: mail_from, or no-reply@ its domain
        (without either, the app sends none: mail_messages counts nothing)."""
        self.group = "Mail"
        messages = self.usage["mail_messages"]
        if self.var["mail_from"] or self.project.hosted_zone:
            yield self.charge("SES messages", messages, "mails", "ses_thousand")

    def network(self) -> Iterator[Line]:
        self.group = "Network"
        u, p = self.usage, self.prices
        nat = self.var["enable_nat_gateway"]
        per_zone = self.var["az_count"]
        gateways = (1 if self.var["single_nat_gateway"] else per_zone) if nat else 0
        if self.count("nat_gateways", gateways):
            yield self.hourly("NAT gateways", gateways, "gateway", p["nat_gateway_hour"])
            self.count("public_ipv4", gateways)
            yield self.hourly("NAT gateway addresses", gateways, "IPv4", p["public_ipv4_hour"])
            yield self.charge("NAT processing", u["private_egress_gb"], "GB", "nat_gateway_gb")
        elif self.project.compute == "lambda":
            # The stack's interface endpoints (project.json's), in one zone.
            services = self.project.interface_endpoints
            endpoints = self.count("interface_endpoints", len(services))
            price = p["interface_endpoint_az_hour"]
            item = f"Interface endpoints ({', '.join(services)})"
            yield self.hourly(item, endpoints, "endpoint-zone", price)
            gb = u["private_egress_gb"]
            yield self.charge("Interface endpoint processing", gb, "GB", "interface_endpoint_gb")
        yield from self.logs("Flow logs", u["flow_logs_gb"], vended=True)

    def containers(self) -> Iterator[Line]:
        self.group = "Containers"
        u, p = self.usage, self.prices
        self.count("load_balancers", 1)
        yield self.hourly("Application Load Balancer", 1, "load balancer", p["alb_hour"])
        # An LCU is 1 GB processed in an hour or 25 new connections a second, whichever
        # is more ("Elastic Load Balancing pricing"): one connection per request at worst.
        processed = u["api_requests"] * u["response_kb"] / GB / HOURS_PER_MONTH
        connections = u["api_requests"] / (HOURS_PER_MONTH * SECONDS_PER_HOUR) / 25
        lcus = max(processed, connections)
        yield self.hourly("Load balancer capacity units", lcus, "LCU", p["alb_lcu_hour"])
        zones = self.count("public_ipv4", self.var["az_count"])
        yield self.hourly("Load balancer addresses", zones, "IPv4", p["public_ipv4_hour"])
        if self.project.database == "sqlite":
            # SQLite on EFS runs one task{% if jobs %}, the worker a container of it{% endif %}.
            services = {"app": 1}
        else:
            services = {"app": self.var["desired_count"]}
{%- if jobs %}
            worker = module_default(self.project, "ecs_service", "worker_desired_count")
            services["worker"] = worker
{%- endif %}
        architecture = self.project.architecture
        vcpus, memory = self.var["task_cpu"] / 1024, self.var["task_memory"] / 1024
        task_hour = (
            vcpus * p[f"fargate_vcpu_hour_{architecture}"]
            + memory * p[f"fargate_gb_hour_{architecture}"]
        )
        size = f"{number(vcpus)} vCPU, {number(memory)} GB, {architecture}"
        for service, tasks in services.items():
            self.count("fargate_tasks", tasks)
            yield self.hourly(f"Fargate {service} tasks ({size})", tasks, "task", task_hour)
        if not self.var["enable_nat_gateway"]:  # the tasks run in public subnets
            tasks = self.count("public_ipv4", sum(services.values()))
            yield self.hourly("Task addresses", tasks, "IPv4", p["public_ipv4_hour"])
        if self.var["container_insights"]:
            metrics = u["container_insights_metrics"]
            yield self.charge("Container Insights", metrics, "", "cloudwatch_metric_month")
        yield self.charge("ECR image storage", u["image_stored_gb"], "GB", "ecr_gb_month")
        yield from self.logs("App logs", u["api_requests"] * u["log_kb_per_request"] / GB)

    def functions(self) -> Iterator[Line]:
        self.group = "Functions"
        u = self.usage
        memory = self.var["lambda_memory_size"] / 1024
        gb_second = f"lambda_gb_second_{self.project.architecture}"
        requests = u["api_requests"]
        yield self.charge("API invocations", requests, "requests", "lambda_request_million")
        gb_seconds = requests * u["request_ms"] / 1000 * memory
        yield self.charge(f"API duration ({number(memory)} GB)", gb_seconds, "GB-s", gb_second)
{%- if jobs %}
        yield self.charge("Worker invocations", u["jobs"], "jobs", "lambda_request_million")
        gb_seconds = u["jobs"] * u["job_ms"] / 1000 * memory
        yield self.charge(f"Worker duration ({number(memory)} GB)", gb_seconds, "GB-s", gb_second)
{%- endif %}
        yield self.charge("HTTP API requests", requests, "requests", "http_api_million")
{%- if cookiecutter.python_version != "3.11" %}
        if self.var["lambda_snap_start"]:
            # The live version's snapshot, and each replaced one's for its last 14 days.
            versions = 1 + u["deploys"] * SNAPSHOT_DAYS / DAYS_PER_MONTH
            cached = versions * memory * HOURS_PER_MONTH * SECONDS_PER_HOUR
            price = "lambda_snapstart_cache_gb_second"
            yield self.charge(f"SnapStart cache ({versions:.1f} versions)", cached, "GB-s", price)
            restored = u["cold_starts"] * memory
            yield self.charge("SnapStart restores", restored, "GB", "lambda_snapstart_restore_gb")
{%- endif %}
        yield from self.logs("App logs", requests * u["log_kb_per_request"] / GB)

    def database(self) -> Iterator[Line]:
        self.group = "Database"
        u = self.usage
{%- if cookiecutter.database == "dynamodb" %}
        writes = u["api_requests"] * u["dynamodb_writes_per_request"]
        yield self.charge("DynamoDB writes", writes, "WRU", "dynamodb_write_million")
        reads = u["api_requests"] * u["dynamodb_reads_per_request"]
        yield self.charge("DynamoDB reads", reads, "RRU", "dynamodb_read_million")
        stored = u["database_stored_gb"]
        yield self.charge("DynamoDB storage", stored, "GB", "dynamodb_storage_gb_month")
        yield self.charge("Point-in-time recovery", stored, "GB", "dynamodb_pitr_gb_month")
{%- else %}
        if self.project.database == "postgres":
            yield from self.rds()
        elif self.project.database == "aurora-serverless":
            yield from self.aurora()
        else:
            stored = u["database_stored_gb"]
            yield self.charge("EFS storage (SQLite)", stored, "GB", "efs_standard_gb_month")

    def rds(self) -> Iterator[Line]:
        instance = self.var["db_instance_class"]
        if instance not in self.prices["rds_instance_hour"]:
            raise StepError(
                f"no price for db_instance_class {instance} in {PRICES_FILE} "
                "(rds_instance_hour): add it from the page its sources name"
            )
        copies = self.count("database_instances", 2 if self.var["db_multi_az"] else 1)
        multi_az = " Multi-AZ" if copies > 1 else ""
        price = self.prices["rds_instance_hour"][instance]
        yield self.hourly(f"RDS {instance}{multi_az}", copies, "instance", price)
        storage = copies * module_default(self.project, "database", "allocated_storage")
        yield self.charge("RDS gp3 storage", storage, "GB", "rds_gp3_gb_month")

    def aurora(self) -> Iterator[Line]:
        u = self.usage
        # The writer, and with db_multi_az a reader, which scales with it.
        instances = self.count("database_instances", 2 if self.var["db_multi_az"] else 1)
        minimum = self.var["aurora_min_capacity"]
        acus = max(minimum, u["aurora_active_acus"])
        awake: float = HOURS_PER_MONTH
        paused = ""
        if minimum == 0:
            awake, paused = min(u["database_active_hours"], awake), ", paused when idle"
        item = f"Aurora capacity ({number(awake)} h awake{paused})"
        yield self.charge(item, instances * acus * awake, "ACU-h", "aurora_acu_hour")
        stored = u["database_stored_gb"]
        yield self.charge("Aurora storage", stored, "GB", "aurora_storage_gb_month")
        io = u["api_requests"] * u["aurora_io_per_request"]
        yield self.charge("Aurora I/O", io, "operations", "aurora_io_million")
{%- endif %}
{%- if uploads %}

    def uploads(self) -> Iterator[Line]:
        self.group = "Uploads"
        u = self.usage
        yield self.charge("S3 storage", u["uploads_stored_gb"], "GB", "s3_gb_month")
        yield self.charge("S3 POSTs", u["uploads"], "requests", "s3_put_thousand")
        # Each upload is read by its download{% if jobs %} and by its job{% endif %}.
        reads = u["uploads"] * {{ 2 if jobs else 1 }}
        yield self.charge("S3 GETs", reads, "requests", "s3_get_thousand")
{%- endif %}
{%- if jobs %}

    def queue(self) -> Iterator[Line]:
        self.group = "Jobs"
        u = self.usage
        # A job is a send, a receive and a delete; idle workers long-poll.
        calls = u["jobs"] * 3 + u["sqs_empty_receives"]
        yield self.charge("SQS requests", calls, "requests", "sqs_million")
{%- endif %}
{%- if page %}

    def page(self) -> Iterator[Line]:
        self.group = "Page"
        u = self.usage
        page_requests = u["page_views"] * u["page_requests_per_view"]
        page_gb = u["page_views"] * u["page_kb"] / GB
        api_gb = u["api_requests"] * u["response_kb"] / GB
        yield self.charge("CloudFront data out", page_gb + api_gb, "GB", "cloudfront_transfer_gb")
        requests = page_requests + u["api_requests"]
        yield self.charge("CloudFront HTTPS requests", requests, "requests", "cloudfront_https_10k")
        price = "cloudfront_function_million"
        yield self.charge("CloudFront Function runs", page_requests, "runs", price)
{%- endif %}

    def waf(self) -> Iterator[Line]:
        self.group = "WAF"
        if not self.var["waf_enabled"]:
            return
        u = self.usage
        self.count("web_acls", 1)
        yield self.charge("Web ACL", 1, "", "waf_web_acl_month")
        # infra/modules/waf: the password-route rate limit and three managed rule groups.
        rules = self.count("waf_rules", 4)
        yield self.charge("Rules", rules, "", "waf_rule_month")
        requests = u["api_requests"]{% if page %} + u["page_views"] * u["page_requests_per_view"]{% endif %}
        yield self.charge("Inspected requests", requests, "requests", "waf_request_million")
        yield from self.logs("WAF logs", requests * u["waf_log_kb_per_request"] / GB, vended=True)

    def keys_and_secrets(self) -> Iterator[Line]:
        self.group = "Keys and secrets"
        # The JWT signing key, and with RDS or Aurora the master user's secret RDS keeps.
        secrets = self.count("secrets", 2 if self.server else 1)
        yield self.charge("Secrets Manager secrets", secrets, "", "secret_month")
        # The environment's key, and with RDS or Aurora the database key infra/bootstrap
        # keeps for it (outside the stack).
        keys = self.count("kms_keys", 1) + (1 if self.server else 0)
        yield self.charge("KMS keys", keys, "", "kms_key_month")

    def monitoring(self) -> Iterator[Line]:
        self.group = "Monitoring"
        alarms = self.count("alarms", self.alarm_count())
        yield self.charge("CloudWatch alarms", alarms, "", "cloudwatch_alarm_month")
        if self.count("dashboards", 1 if self.var["monitoring_dashboard"] else 0):
            yield self.charge("CloudWatch dashboard", 1, "", "cloudwatch_dashboard_month")

    def alarm_count(self) -> int:
        """infra/modules/monitoring's alarms for this stack."""
        # The load balancer's 5xx (its own, the targets') and latency, and the two that
        # Application Auto Scaling makes for the CPU target tracking policy; or the API
        # function's errors and throttles and the HTTP API's 5xx and latency. Then
        # /health/db finding the database unreachable.
        alarms = (3 + 2 if self.project.compute == "ecs" else 4) + 1
        if self.server:
            alarms += 2  # database CPU and connections
{%- if cookiecutter.database == "dynamodb" %}
        tables = json.loads((self.project.root / "project.json").read_text())["tables"]
        alarms += 2 * sum(1 for name in tables if not name.startswith("$"))  # throttling
{%- endif %}
{%- if jobs %}
        alarms += 1  # the dead-letter queue holds a message
{%- endif %}
        return alarms


def bill(
    project: Project,
    environment: Environment,
    overrides: Mapping[str, float] | None = None,
    var_files: Sequence[Path] = (),
) -> Bill:
    """The environment's bill; `overrides` change usage.json's assumptions, `var_files`
    Terraform's values."""
    usage = load_usage(project, environment, overrides or {})
    variables = environment_values(project, environment, var_files)
    estimate = Estimate(project, variables, usage, load_prices(project))
    lines = tuple(estimate.lines())
    used = {name: value for name, value in usage.values.items() if name in usage.read}
    return Bill(project.name, environment, estimate.prices, lines, used, estimate.resources)


def report(bill: Bill) -> str:
    """The bill as `make cost` prints it."""
    prices = bill.prices
    where = prices.region
    if prices.priced_as != prices.region:
        where += f", priced as {prices.priced_as}: {PRICES_FILE} has no prices for it"
    out = [
        f"{bill.project} {bill.environment} ({where}): {money(bill.total)} a month, estimated",
        f"AWS list prices of {prices.as_of} ({PRICES_FILE}), on demand, in USD",
    ]
    width = max(len(line.item) for line in bill.lines)
    group = ""
    for line in bill.lines:
        if line.group != group:
            group = line.group
            out.append(f"\n  {group}")
        out.append(f"    {line.item:<{width}}  {money(line.usd):>9}   {line.quantity}")
    out.append(f"\n  {'Total':<{width + 2}}  {money(bill.total):>9}")
    out.append(f'\nAssumed ({USAGE_FILE} "{bill.environment}"; USAGE="name=value ..." overrides):')
    out += [f"  {name} = {number(value)}: {MEANING[name]}" for name, value in bill.usage.items()]
    out.append(f"\nNot counted: {'; '.join(NOT_COUNTED)}.")
    return "\n".join(out)


def as_json(bill: Bill) -> str:
    return json.dumps(
        {
            "environment": bill.environment,
            "region": bill.prices.region,
            "priced_as": bill.prices.priced_as,
            "as_of": bill.prices.as_of,
            "total": bill.total,
            "lines": [asdict(line) for line in bill.lines],
            "usage": bill.usage,
            "resources": bill.resources,
        },
        indent=2,
    )
