"""deploy/k8s: the production overlay rendered and every object checked — core kinds against the
Kubernetes schemas, the operators' kinds against their documented fields — and against the code:
commands, ports, probes, queues, settings; no secret in it."""
from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from services import allinone
from services.cli import main as microwish_cli
from services.ops import definitions
from shared.settings import SERVICES
from shared.topology import QUEUES
from tests.e2e import kustomize
from tests.e2e.k8s_schemas import CRDS

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAY = K8S / "overlays" / "production"
KUBERNETES = "1.30.0"
SECRET_WORDS = ("SECRET", "KEY", "PASSWORD", "PASS", "TOKEN")
TLS_PATHS = {"MICROWISH_BROKER_CA", "MICROWISH_BROKER_CERT", "MICROWISH_BROKER_KEY"}
WORK_QUEUES = {q.name: s for s, qs in QUEUES.items() for q in qs}


def _generator():
    spec = importlib.util.spec_from_file_location("k8s_generate", K8S / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def objects() -> list[dict]:
    return kustomize.build(OVERLAY)


def _of(objects, kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def _containers(o: dict) -> list[dict]:
    pod = kustomize.pod_spec(o)
    return (pod.get("initContainers") or []) + pod["containers"] if pod else []


def _settings_source() -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (
        ROOT / "shared" / "settings.py", *sorted((ROOT / "services").glob("*/config.py"))))


def test_the_generated_files_are_current():
    for name, text in _generator().files().items():
        assert (K8S / "base" / name).read_text(encoding="utf-8") == text, \
            f"run: .venv/bin/python deploy/k8s/generate.py ({name})"
    copies = {"definitions.json": ROOT / "deploy" / "rabbitmq" / "definitions.json",
              "alerts.yml": ROOT / "deploy" / "prometheus" / "alerts.yml"}
    for name, source in copies.items():
        assert (K8S / "base" / "files" / name).read_text(encoding="utf-8") == source.read_text(
            encoding="utf-8"), f"run: cp {source.relative_to(ROOT)} deploy/k8s/base/files/"


def test_every_core_object_is_valid_kubernetes(objects):
    for o in objects:
        if o["kind"] in CRDS:
            continue
        kubernetes_validate.validate(o, KUBERNETES, strict=True)


def test_every_operator_object_has_its_documented_fields(objects):
    kinds = {o["kind"] for o in objects}
    assert {"ScaledObject", "TriggerAuthentication", "RabbitmqCluster", "Cluster"} <= kinds
    for o in objects:
        if o["kind"] in CRDS:
            api_version, schema = CRDS[o["kind"]]
            assert o["apiVersion"] == api_version, o["metadata"]["name"]
            jsonschema.validate(o, schema)


def test_everything_lives_in_the_namespace_and_no_secret_is_in_it(objects):
    assert not [o for o in objects if o["kind"] == "Secret"]  # secrets are made by hand or operators
    for o in objects:
        if o["kind"] != "Namespace":
            assert o["metadata"]["namespace"] == "microwish", o["metadata"]["name"]
    text = yaml.safe_dump_all(objects)
    assert not re.search(r"://[^:/@\s]+:[^@\s]+@", text)  # no URL with a password


def test_every_command_names_a_module_or_command_that_exists(objects):
    subcommands = set(microwish_cli.commands)
    for o in objects:
        for c in _containers(o):
            cmd = c.get("command")
            if c["image"].startswith("rabbitmq") or cmd is None:
                continue
            assert c["image"].startswith("registry.example.gov.cn/microwish/microwish:"), c
            if cmd[0] == "microwish":
                assert cmd[1] in subcommands, cmd
                continue
            assert cmd[:2] == ["python", "-m"] and importlib.util.find_spec(cmd[2]), cmd
            if cmd[2] == "gunicorn":
                module, _, factory = cmd[-1].partition(":")
                assert factory == "create_app()" and callable(
                    importlib.import_module(module).create_app), cmd
                assert cmd[cmd.index("--bind") + 1] == "0.0.0.0:8000"
            elif cmd[2] == "services.worker":
                service, queues = cmd[3], cmd[cmd.index("--queues") + 1]
                assert WORK_QUEUES[queues] == service, cmd


def test_each_service_has_http_with_hpa_and_a_worker_per_queue_scaled_by_keda(objects):
    deployments, scaled = _of(objects, "Deployment"), _of(objects, "ScaledObject")
    hpas, services = _of(objects, "HorizontalPodAutoscaler"), _of(objects, "Service")
    auths = _of(objects, "TriggerAuthentication")
    for service in SERVICES:
        assert f"{service}-http" in deployments and service in services
        hpa = hpas[f"{service}-http"]["spec"]
        assert hpa["scaleTargetRef"]["name"] == f"{service}-http"
        assert hpa["metrics"][0]["resource"]["name"] == "cpu" and hpa["minReplicas"] >= 2
    by_queue = {}
    for name, so in scaled.items():
        (trigger,) = so["spec"]["triggers"]
        meta = trigger["metadata"]
        assert trigger["type"] == "rabbitmq" and meta["mode"] == "QueueLength"
        assert meta["queueName"] in WORK_QUEUES, meta["queueName"]  # a queue of the topology
        assert meta["vhostName"] == definitions.VHOST
        assert trigger["authenticationRef"]["name"] in auths
        target = deployments[so["spec"]["scaleTargetRef"]["name"]]
        (worker,) = target["spec"]["template"]["spec"]["containers"]
        assert worker["command"][-2:] == ["--queues", meta["queueName"]]  # its own queue's depth
        assert so["spec"]["minReplicaCount"] >= 1  # it relays the outbox too
        by_queue[meta["queueName"]] = name
    assert set(by_queue) == set(WORK_QUEUES)
    for auth in auths.values():
        for ref in auth["spec"]["secretTargetRef"]:
            assert ref["name"] and ref["key"]


def test_ports_probes_and_services_match_the_code(objects):
    from services.worker import service_module
    from shared import probe
    served = {r.rule for r in service_module("intake").create_app().url_map.iter_rules()}
    assert {"/healthz", "/readyz"} <= served
    probe_source = Path(probe.__file__).read_text(encoding="utf-8")
    assert '"/healthz"' in probe_source and '"/readyz"' in probe_source
    deployments, services = _of(objects, "Deployment"), _of(objects, "Service")
    for service in SERVICES:
        pod = deployments[f"{service}-http"]["spec"]["template"]
        (http,) = pod["spec"]["containers"]
        assert http["ports"] == [{"name": "http", "containerPort": 8000}]
        assert http["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert http["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        svc = services[service]["spec"]
        assert all(pod["metadata"]["labels"].get(k) == v for k, v in svc["selector"].items())
        assert svc["ports"][0]["targetPort"] == "http"
    workers = [d for d in deployments.values()
               if d["metadata"]["labels"]["app.kubernetes.io/component"] == "worker"]
    assert workers
    for d in workers:  # the worker's own probe port (shared/probe.py), as compose sets it
        (worker,) = d["spec"]["template"]["spec"]["containers"]
        assert worker["ports"] == [{"name": "probe", "containerPort": 9100}]
        assert {"name": "MICROWISH_METRICS_PORT", "value": "9100"} in worker["env"]
        assert worker["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "probe"}
        assert worker["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "probe"}


def test_the_ingress_routes_every_prefix_like_the_allinone_with_tls(objects):
    (ingress,) = _of(objects, "Ingress").values()
    (rule,) = ingress["spec"]["rules"]
    routed = {p["path"]: p["backend"]["service"]["name"] for p in rule["http"]["paths"]}
    assert routed == {**allinone.ROUTES, "/": allinone.DEFAULT}
    services = _of(objects, "Service")
    for p in rule["http"]["paths"]:
        assert p["backend"]["service"]["name"] in services
        assert p["pathType"] == ("Exact" if p["path"].endswith(".json") else "Prefix")
    assert rule["host"] == "wish.example.gov.cn"
    assert ingress["spec"]["tls"] == [{"hosts": [rule["host"]], "secretName": "microwish-tls"}]


def test_settings_only_known_microwish_variables_and_secrets_only_by_reference(objects):
    source = _settings_source()
    (settings,) = [o for n, o in _of(objects, "ConfigMap").items() if n == "microwish-settings"]
    for key in settings["data"]:
        assert f'"{key}"' in source and not any(w in key for w in SECRET_WORDS), key
    for o in objects:
        for c in _containers(o):
            for item in c.get("env") or []:
                name = item["name"]
                assert name.startswith("MICROWISH_") and f'"{name}"' in source, name
                if name in TLS_PATHS:
                    assert item["value"].startswith("/etc/microwish/broker-tls/")
                elif any(w in name for w in SECRET_WORDS) or name.endswith("_URL") and \
                        "BROKER" in name or name == "MICROWISH_DATABASE_URL":
                    assert set(item) == {"name", "valueFrom"} and \
                        "secretKeyRef" in item["valueFrom"], (o["metadata"]["name"], name)


def test_each_service_uses_its_own_broker_user_over_tls(objects):
    for name, d in _of(objects, "Deployment").items():
        service = d["metadata"]["labels"]["microwish/service"]
        pod = d["spec"]["template"]["spec"]
        for c in pod["containers"]:
            env = {e["name"]: e for e in c["env"]}
            ref = env["MICROWISH_BROKER_URL"]["valueFrom"]["secretKeyRef"]
            assert ref == {"name": f"microwish-broker-{service}", "key": "url"}, name
            assert TLS_PATHS <= set(env)
            mounted = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
            assert mounted["broker-tls"] == "/etc/microwish/broker-tls"
            assert ("MICROWISH_OPS_BROKER_URL" in env) == (service == "intake")
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert volumes["broker-tls"]["secret"]["secretName"] == "microwish-broker-tls"


def test_migrations_run_once_in_a_job_before_every_pod(objects):
    (job,) = _of(objects, "Job").values()
    (migrate,) = job["spec"]["template"]["spec"]["containers"]
    assert migrate["command"] == ["microwish", "migrate"]
    for name, d in _of(objects, "Deployment").items():
        (wait,) = d["spec"]["template"]["spec"]["initContainers"]
        assert wait["command"][:4] == ["python", "-m", "services.ops.schema", "--wait"], name


def test_rabbitmq_is_three_nodes_with_the_plugins_users_and_definitions(objects):
    (cluster,) = _of(objects, "RabbitmqCluster").values()
    spec = cluster["spec"]
    assert spec["replicas"] == 3
    plugins = re.findall(r"\w+", (ROOT / "deploy" / "rabbitmq" / "enabled_plugins").read_text())
    assert set(plugins) <= set(spec["rabbitmq"]["additionalPlugins"])
    folder = re.search(r"^load_definitions = (\S+)$", spec["rabbitmq"]["additionalConfig"],
                       re.M).group(1)
    pod = spec["override"]["statefulSet"]["spec"]["template"]["spec"]
    mounts = {m["mountPath"]: m for m in pod["containers"][0]["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    users = mounts[f"{folder}/01-users.json"]
    assert volumes[users["name"]]["secret"]["secretName"] == "microwish-rabbitmq-users"
    defs = mounts[f"{folder}/02-definitions.json"]
    config_map = volumes[defs["name"]]["configMap"]["name"]
    data = _of(objects, "ConfigMap")[config_map]["data"][defs["subPath"]]
    assert data == (ROOT / "deploy" / "rabbitmq" / "definitions.json").read_text(encoding="utf-8")
    assert spec["tls"]["secretName"] and spec["tls"]["caSecretName"]


def test_postgres_and_the_alert_rules(objects):
    (db,) = _of(objects, "Cluster").values()
    assert db["metadata"]["name"] + "-app" == "microwish-db-app"  # the Secret the pods read
    assert db["spec"]["instances"] >= 2 and db["spec"]["bootstrap"]["initdb"]["owner"]
    alerts = _of(objects, "ConfigMap")["microwish-alerts"]["data"]["alerts.yml"]
    assert "groups" in yaml.safe_load(alerts)


def test_production_sizes_every_container_and_the_autoscalers(objects):
    for o in objects:
        for c in _containers(o):
            if c["name"] in ("http", "worker"):
                assert c["resources"]["requests"]["cpu"] in ("500m", "250m"), o["metadata"]
    assert all(h["spec"]["minReplicas"] == 3
               for h in _of(objects, "HorizontalPodAutoscaler").values())
    assert all(s["spec"]["maxReplicaCount"] == 10 for s in _of(objects, "ScaledObject").values())
    (cluster,) = _of(objects, "RabbitmqCluster").values()
    assert cluster["spec"]["persistence"]["storage"] == "100Gi" and cluster["spec"]["replicas"] == 3


def test_the_base_renders_on_its_own(objects):
    base = kustomize.build(K8S / "base")
    assert {(o["kind"], o["metadata"]["name"]) for o in base} == {
        (o["kind"], o["metadata"]["name"]) for o in objects}
