"""docker-compose.yml declares the stack exactly as services/stack.py runs it (DESIGN §6)."""
from __future__ import annotations

import importlib
import importlib.util
import re
import shlex
from pathlib import Path

import yaml

from services import allinone, stack
from services.ops import definitions
from shared.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
COMPOSE_TLS = ROOT / "docker-compose.tls.yml"
RABBITMQ = ROOT / "deploy" / "rabbitmq"
NGINX_CONF = ROOT / "deploy" / "nginx" / "nginx.conf"
INTERPOLATION = re.compile(r"^\$\{[A-Z][A-Z0-9_]*:\?[^}]*\}$")
PER_SERVICE = re.compile(rf"^MICROWISH_({'|'.join(s.upper() for s in SERVICES)})_DATABASE_(URL|SCHEMA)$")
SECRET_WORDS = ("SECRET", "KEY", "PASSWORD", "PASS", "TOKEN")


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def _services() -> dict:
    return _compose()["services"]


def _command(service: dict) -> list[str]:
    cmd = service.get("command") or []
    return shlex.split(cmd) if isinstance(cmd, str) else [str(part) for part in cmd]


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): str(v) for k, v in env.items()}


def _app_services() -> dict:
    return {name: svc for name, svc in _services().items() if "build" in svc}


def _module_exists(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def test_every_service_has_an_http_and_a_worker_entry():
    services = _services()
    for service in SERVICES:
        assert f"{service}-http" in services, service
        assert f"{service}-worker" in services, service
    assert {"rabbitmq", "postgres", "migrate", "nginx"} <= set(services)


def test_infrastructure_images_and_plugins():
    services = _services()
    assert services["rabbitmq"]["image"].startswith("rabbitmq:3.13-management")
    assert services["postgres"]["image"].startswith("postgres:15")
    plugins_file = ROOT / "deploy" / "rabbitmq" / "enabled_plugins"
    plugins = plugins_file.read_text(encoding="utf-8")
    assert "rabbitmq_management" in plugins and "rabbitmq_prometheus" in plugins
    mounts = [str(v) for v in services["rabbitmq"].get("volumes", [])]
    assert any(m.endswith(":/etc/rabbitmq/enabled_plugins:ro") or
               m.endswith(":/etc/rabbitmq/enabled_plugins") for m in mounts)


def test_every_command_names_a_module_that_exists():
    for name, svc in _services().items():
        cmd = _command(svc)
        if not cmd:
            continue  # an image's own entrypoint (rabbitmq, postgres, nginx)
        assert cmd[:2] == ["python", "-m"], (name, cmd)
        module = cmd[2]
        assert _module_exists(module), (name, module)
        if module == "services.worker":
            assert (ROOT / "services" / "worker.py").is_file()
            assert cmd[3:] and cmd[3] in SERVICES, (name, cmd)
        elif module == "gunicorn":
            app_module, _, factory = cmd[-1].partition(":")
            assert factory == "create_app()", (name, cmd)
            assert callable(getattr(importlib.import_module(app_module), "create_app", None)), name
        else:
            assert module == "shared.migrate", (name, module)
            assert (ROOT / "shared" / "migrate.py").is_file()


def test_http_and_worker_commands_match_the_stack():
    services = _services()
    for service in SERVICES:
        port = stack.PORTS[service]
        for name, expected in stack.commands(service, port).items():
            normalised = ["python"] + ["0.0.0.0:8000" if part == f"127.0.0.1:{port}" else part
                                       for part in expected[1:]]
            assert _command(services[name]) == normalised, name


def test_migrate_runs_once_before_the_services():
    services = _services()
    assert _command(services["migrate"]) == ["python", "-m", "shared.migrate"]
    assert services["migrate"].get("restart") in ("no", False, None)
    for service in SERVICES:
        for name in (f"{service}-http", f"{service}-worker"):
            depends = services[name].get("depends_on") or {}
            assert depends.get("migrate", {}).get("condition") == "service_completed_successfully", name


def test_dependencies_name_declared_services():
    services = _services()
    for name, svc in services.items():
        for dep in svc.get("depends_on") or []:
            assert dep in services, (name, dep)


def test_app_containers_build_the_dockerfile():
    app = _app_services()
    assert set(app) >= {"migrate"} | {f"{s}-{kind}" for s in SERVICES for kind in ("http", "worker")}
    for name, svc in app.items():
        assert svc["build"] in (".", "./"), name
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    assert re.search(r"pip install \.", dockerfile)
    user = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert user and user[-1] not in ("root", "0")


def test_mounted_files_exist():
    compose = _compose()
    named = set(compose.get("volumes") or {})
    for name, svc in compose["services"].items():
        for volume in svc.get("volumes") or []:
            source = str(volume).split(":", 1)[0]
            if source.startswith((".", "/")):
                assert (ROOT / source).resolve().exists(), (name, source)
            else:
                assert source in named, (name, source)
    nginx_mounts = [str(v) for v in compose["services"]["nginx"]["volumes"]]
    assert any(v.startswith("./deploy/nginx/nginx.conf:") for v in nginx_mounts)


def test_healthchecks_on_healthz():
    services = _services()
    for name in [f"{s}-http" for s in SERVICES] + ["nginx"]:
        test = services[name]["healthcheck"]["test"]
        assert "/healthz" in " ".join(map(str, test)), name
        assert "8000" in " ".join(map(str, test)) or name == "nginx", name


def test_workers_are_probed_on_their_metrics_port():
    """A worker's health is its probe port (shared/probe.py), which MICROWISH_METRICS_PORT sets."""
    for name, svc in _services().items():
        if _command(svc)[2:3] != ["services.worker"]:
            continue
        port = _environment(svc)["MICROWISH_METRICS_PORT"]
        test = " ".join(map(str, svc["healthcheck"]["test"]))
        assert f"127.0.0.1:{port}/healthz" in test, name


def test_settings_only_through_known_microwish_variables():
    # What every process reads, and each service's own settings (services/<name>/config.py).
    settings_source = "".join(path.read_text(encoding="utf-8") for path in (
        ROOT / "shared" / "settings.py", *sorted((ROOT / "services").glob("*/config.py"))))
    for name, svc in _app_services().items():
        env = _environment(svc)
        assert "MICROWISH_DATABASE_URL" in env, name
        assert "MICROWISH_SECRET_KEY" in env and "MICROWISH_PII_KEYS" in env, name
        for key in env:
            if key.startswith("MICROWISH_"):
                assert f'"{key}"' in settings_source or PER_SERVICE.match(key), (name, key)
        if name == "migrate":  # the schemas only: no broker
            assert "MICROWISH_BROKER_URL" not in env
            continue
        assert env["MICROWISH_BROKER_URL"].startswith("amqp://") and "@rabbitmq:" in env["MICROWISH_BROKER_URL"]
        assert env["MICROWISH_DATABASE_URL"].startswith("postgresql") and "@postgres:" in env[
            "MICROWISH_DATABASE_URL"]


def test_no_literal_secrets():
    for name, svc in _services().items():
        for key, value in _environment(svc).items():
            if any(word in key.upper() for word in SECRET_WORDS):
                assert INTERPOLATION.match(value), (name, key)
            for password in re.findall(r"://[^:/@\s]+:([^@\s]+)@", value):
                assert INTERPOLATION.match(password), (name, key)
    text = COMPOSE.read_text(encoding="utf-8")
    assert "dev-only-secret" not in text and "dev1:" not in text


def test_nginx_routes_every_prefix_like_the_allinone():
    conf = NGINX_CONF.read_text(encoding="utf-8")
    routed = dict(re.findall(r"location ~ \^(/[\w/-]+)\(/\|\$\)\s*\{[^}]*?proxy_pass http://(\w+);", conf))
    routed.update(re.findall(r"location = (/[\w/.-]+)\s*\{[^}]*?proxy_pass http://(\w+);", conf))
    assert routed == allinone.ROUTES
    default = re.search(r"location / \{\s*proxy_pass http://(\w+);", conf)
    assert default and default.group(1) == allinone.DEFAULT
    for upstream in set(allinone.ROUTES.values()) | {allinone.DEFAULT}:
        assert re.search(rf"upstream {upstream}\s*\{{\s*server {upstream}-http:8000;", conf), upstream
        assert f"{upstream}-http" in _services()


def _url_user(url: str) -> tuple[str, str]:
    """(user, the variable its password is interpolated from) of a broker URL."""
    user, password = re.match(r"^amqp://([^:]+):\$\{(\w+):\?[^}]*\}@", url).groups()
    return user, password


def _users_sh() -> dict[str, tuple[str, str]]:
    """users.sh's users: name -> (tag, the variable holding its password)."""
    text = (RABBITMQ / "users.sh").read_text(encoding="utf-8")
    return {user: (tag, var) for user, tag, var in re.findall(r'"([\w-]+):(\w*):(\w+)"', text)}


def test_each_service_logs_in_as_its_own_broker_user():
    users = _users_sh()
    for name, svc in _app_services().items():
        if name == "migrate":
            continue
        service = name.split("-", 1)[0]
        user, variable = _url_user(_environment(svc)["MICROWISH_BROKER_URL"])
        assert user == service, name
        assert users[user][1] == variable, name  # the password the broker was given for it
        assert _environment(_services()["rabbitmq"])[variable] == f"${{{variable}:?set {variable}}}"
    intake = _environment(_services()["intake-http"])
    assert _url_user(intake["MICROWISH_OPS_BROKER_URL"])[0] == definitions.OPS
    assert intake["MICROWISH_RABBITMQ_API_USER"] == definitions.ADMIN
    for name in ("verification-worker", "matching-http", "scoring-worker"):
        env = _environment(_services()[name])
        assert "MICROWISH_RABBITMQ_API_PASSWORD" not in env and "MICROWISH_OPS_BROKER_URL" not in env


def test_the_broker_loads_the_users_then_the_generated_definitions():
    rabbitmq = _services()["rabbitmq"]
    mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in rabbitmq["volumes"]}
    assert mounts["/etc/rabbitmq/rabbitmq.conf"] == "./deploy/rabbitmq/rabbitmq.conf"
    conf = (RABBITMQ / "rabbitmq.conf").read_text(encoding="utf-8")
    folder = re.search(r"^load_definitions = (\S+)$", conf, re.M).group(1)
    assert mounts[f"{folder}/02-definitions.json"] == "./deploy/rabbitmq/definitions.json"
    script = (RABBITMQ / "users.sh").read_text(encoding="utf-8")
    assert f"dir={folder}\n" in script and '> "$dir/01-users.json"' in script
    assert rabbitmq["entrypoint"] == ["sh", mounts_target(rabbitmq, "./deploy/rabbitmq/users.sh")]
    users = _users_sh()
    assert set(users) == set(definitions.user_names())  # every user the permissions name
    assert users[definitions.ADMIN][0] == "administrator" and users[definitions.SCALER][0] == \
        "management"
    assert "RABBITMQ_DEFAULT_PASS" not in _environment(rabbitmq)  # definitions make the users


def mounts_target(svc: dict, source: str) -> str:
    return next(str(v).split(":")[1] for v in svc["volumes"] if str(v).startswith(source + ":"))


def test_the_tls_overlay_mounts_the_gateway_certificate():
    overlay = yaml.safe_load(COMPOSE_TLS.read_text(encoding="utf-8"))["services"]["nginx"]
    conf = NGINX_CONF.read_text(encoding="utf-8")
    folder = re.search(r"include (/etc/nginx/tls\.d)/\*\.conf;", conf).group(1)
    assert mounts_target(overlay, "./deploy/nginx/tls.conf") == f"{folder}/tls.conf"
    tls = (ROOT / "deploy" / "nginx" / "tls.conf").read_text(encoding="utf-8")
    assert "listen 443 ssl;" in tls
    for directive, target in re.findall(r"^(ssl_certificate(?:_key)?)\s+(\S+);", tls, re.M):
        source = next(str(v).rsplit(":", 2)[0] for v in overlay["volumes"]
                      if str(v).endswith(f":{target}:ro"))
        assert INTERPOLATION.match(source), (directive, source)  # a host path from the environment
    assert "443:443" in overlay["ports"]
