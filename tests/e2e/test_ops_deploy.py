"""The ops side of the deployment: the gateway never serves /metrics, the alert rules and the
dashboard parse and name only metrics the services export (shared/metrics.py, a live scrape) or
RabbitMQ's plugin does (deploy/prometheus/rabbitmq-metrics.txt), each alert with its runbook."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families
from werkzeug.test import Client

from services import allinone
from services.matching import app as matching
from shared import metrics

ROOT = Path(__file__).resolve().parents[2]
NGINX = (ROOT / "deploy" / "nginx" / "nginx.conf").read_text(encoding="utf-8")
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "microwish.json"
RABBITMQ = {line.strip() for line in (ROOT / "deploy" / "prometheus" / "rabbitmq-metrics.txt")
            .read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")}
# PromQL words that are not metric names: aggregations, their modifiers, functions are followed
# by "(" and dropped separately.
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
            "unless", "offset", "sum", "min", "max", "avg", "count", "topk", "bottomk"}


def metric_names(expr: str) -> set[str]:
    """The metric names an expression reads: label matchers, ranges, strings and grouping lists
    removed, then every identifier not called as a function nor a keyword."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}", "", expr)
    expr = re.sub(r"\[[^\]]*\]", "", expr)
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    names = set()
    for match in re.finditer(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?", expr):
        word, called = match.group(1), match.group(2)
        if not called and word not in KEYWORDS and not re.fullmatch(r"\d+[smhd]?", word):
            names.add(word)
    return names


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> set[str]:
    """What the services export: shared/metrics.py's declarations and an app's live scrape."""
    from shared.settings import from_env

    settings = from_env({"MICROWISH_VAR_DIR": str(tmp_path_factory.mktemp("var"))})
    client = matching.create_app(settings).test_client()
    client.get("/api/v1/wishes")
    text = client.get("/metrics").get_data(as_text=True)
    live = {s.name for family in text_string_to_metric_families(text) for s in family.samples}
    assert "microwish_http_requests_total" in live
    return metrics.names() | {n for n in live if n.startswith("microwish_")}


def _rules() -> list[dict]:
    return [rule for group in yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"]
            for rule in group["rules"]]


def test_the_gateway_refuses_metrics_before_any_route():
    for location in ("location = /metrics", "location ^~ /metrics/"):
        block = re.search(re.escape(location) + r"\s*\{([^}]*)\}", NGINX)
        assert block and "return 404" in block.group(1) and "proxy_pass" not in block.group(1)
    assert "X-Request-Id $microwish_request_id" in NGINX


def test_the_allinone_dispatcher_refuses_metrics_too(tmp_path):
    apps = {name: (lambda environ, start: pytest.fail("reached an app")) for name in
            set(allinone.ROUTES.values()) | {allinone.DEFAULT}}
    client = Client(allinone.PrefixDispatcher(apps))
    for path in ("/metrics", "/metrics/", "/metrics/x"):
        answer = client.get(path)
        assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"


def test_every_alert_has_its_parts_and_a_runbook_link():
    rules = _rules()
    assert len(rules) >= 10
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names))
    for rule in rules:
        assert {"alert", "expr", "for", "labels", "annotations"} <= set(rule), rule
        assert re.fullmatch(r"\d+[smh]", str(rule["for"])), rule["alert"]
        assert rule["labels"].get("severity") in ("warning", "critical"), rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        assert rule["annotations"]["runbook_url"] == f"docs/ops.md#{rule['alert'].lower()}"
    covered = " ".join(rule["expr"] for rule in rules)
    for needed in ("rabbitmq_queue_messages", "rabbitmq_queue_consumers",
                   "microwish_outbox_oldest_age_seconds", "microwish_relay_failures_total",
                   "microwish_job_lag_seconds", "microwish_http_requests_total"):
        assert needed in covered, needed


def test_every_alert_has_its_entry_in_the_runbook_and_every_entry_an_alert():
    """docs/ops.md has a `## <alert>` section for each rule (the anchor the rule links to), with
    commands to run; a runbook section named like an alert names one that exists."""
    runbook = (ROOT / "docs" / "ops.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\S+)\n(.*?)(?=^## |\Z)", runbook, flags=re.M | re.S))
    alerts = {rule["alert"] for rule in _rules()}
    assert alerts <= set(sections), alerts - set(sections)
    assert {name for name in sections if name.startswith("Microwish")} == alerts
    for name in alerts:
        assert len(sections[name].split()) > 20, name  # says what it means and what to do


def test_alert_expressions_name_only_exported_metrics(exported):
    for rule in _rules():
        names = metric_names(rule["expr"])
        assert names, rule["alert"]
        unknown = names - exported - RABBITMQ
        assert not unknown, (rule["alert"], unknown)


def test_the_dashboard_parses_and_its_panels_name_only_exported_metrics(exported):
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert dashboard["uid"] == "microwish" and len(dashboard["panels"]) >= 10
    seen = set()
    for panel in dashboard["panels"]:
        assert panel["title"] and panel["targets"], panel
        for target in panel["targets"]:
            names = metric_names(target["expr"])
            assert names and not names - exported - RABBITMQ, (panel["title"], names)
            seen |= names
    assert any(n.startswith("rabbitmq_") for n in seen)
    assert {"microwish_messages_applied_total", "microwish_outbox_backlog"} <= seen


def test_the_expression_reader_is_not_blind():
    assert metric_names('sum by (queue) (rate(foo_total{a="b"}[5m])) / bar > 3 * baz') == {
        "foo_total", "bar", "baz"}
    assert metric_names("histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))") == {
        "x_bucket"}
