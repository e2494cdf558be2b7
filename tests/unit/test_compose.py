"""compose.yaml, the Dockerfile and the Prometheus config, checked without a Docker engine.

What these tests cannot do: pull the images, build the image, start the stack. They check
that the files parse, that services refer to each other consistently, and that the names and
numbers in them agree with the code and the README.
"""

from __future__ import annotations

import base64
import inspect
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from processors.adapters.kafka.admin import topic_specs
from processors.entrypoints.cli import _run_faust_worker
from processors.entrypoints.cli import build_parser
from processors.entrypoints.cli import cmd_topics_create
from processors.entrypoints.cli import cmd_worker
from processors.settings import Settings
from tests.paths import REPO_ROOT

COMPOSE = yaml.safe_load((REPO_ROOT / "compose.yaml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
PROMETHEUS = yaml.safe_load((REPO_ROOT / "processors/deploy/prometheus.yml").read_text())
DOCKERFILE = (REPO_ROOT / "Dockerfile").read_text()
MAKEFILE = (REPO_ROOT / "Makefile").read_text()


def env(service: str) -> dict[str, str]:
    """A service's environment with ``${VAR:-default}`` resolved to its default."""
    values = SERVICES[service].get("environment", {})
    return {k: re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(v)) for k, v in values.items()}


def settings_of(service: str) -> Settings:
    return Settings.from_env(env(service))


def host_ports(service: str) -> dict[int, int]:
    """host port -> container port, for ports published as ``127.0.0.1:H:C``."""
    published = {}
    for entry in SERVICES[service].get("ports", []):
        ip, host, container = str(entry).split(":")
        assert ip == "127.0.0.1", f"{service} publishes {entry} beyond the host"
        published[int(host)] = int(container)
    return published


def test_the_stack_has_the_services_the_issue_asks_for():
    assert set(SERVICES) == {
        "kafka",
        "topics",
        "worker",
        "kafka-ui",
        "kafka-exporter",
        "prometheus",
    }
    assert SERVICES["kafka"]["image"].startswith("apache/kafka:")
    assert SERVICES["kafka-ui"]["image"].startswith("ghcr.io/kafbat/kafka-ui:")


def test_every_dependency_names_a_service():
    for name, service in SERVICES.items():
        for dependency in service.get("depends_on", []):
            assert dependency in SERVICES, f"{name} depends on unknown {dependency}"


def test_the_worker_starts_after_the_topics_exist_and_they_after_kafka_is_healthy():
    assert SERVICES["worker"]["depends_on"]["topics"]["condition"] == (
        "service_completed_successfully"
    )
    assert SERVICES["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert "healthcheck" in SERVICES["kafka"]


def test_kafka_is_a_single_kraft_node_configured_as_the_conventions_say():
    kafka = env("kafka")
    assert kafka["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert kafka["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{kafka['KAFKA_NODE_ID']}@kafka:9093"
    for name in (
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
    ):
        assert kafka[name] == "1"
    assert kafka["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == "0"
    assert len(base64.urlsafe_b64decode(kafka["CLUSTER_ID"] + "==")) == 16
    listeners = dict(item.split("://") for item in kafka["KAFKA_LISTENERS"].split(","))
    advertised = dict(item.split("://") for item in kafka["KAFKA_ADVERTISED_LISTENERS"].split(","))
    protocols = dict(
        item.split(":") for item in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
    )
    assert set(listeners) == set(protocols)
    assert set(advertised) <= set(listeners)
    assert kafka["KAFKA_CONTROLLER_LISTENER_NAMES"] in listeners
    assert kafka["KAFKA_INTER_BROKER_LISTENER_NAME"] in advertised


def internal_listener() -> str:
    kafka = env("kafka")
    advertised = dict(item.split("://") for item in kafka["KAFKA_ADVERTISED_LISTENERS"].split(","))
    return advertised[kafka["KAFKA_INTER_BROKER_LISTENER_NAME"]]


def test_clients_inside_the_stack_use_the_internal_listener():
    assert internal_listener() == "kafka:19092"
    assert env("worker")["KAFKA_BOOTSTRAP_SERVERS"] == internal_listener()
    assert env("topics")["KAFKA_BOOTSTRAP_SERVERS"] == internal_listener()
    assert env("kafka-ui")["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"] == internal_listener()
    assert f"--kafka.server={internal_listener()}" in SERVICES["kafka-exporter"]["command"]


def test_the_host_listener_is_the_published_port():
    kafka = env("kafka")
    advertised = dict(item.split("://") for item in kafka["KAFKA_ADVERTISED_LISTENERS"].split(","))
    host_port = int(advertised["HOST"].rsplit(":", 1)[1])
    assert host_ports("kafka") == {host_port: host_port}


def test_every_pitchstream_variable_in_compose_is_read_by_settings():
    read = set(
        re.findall(
            r'"((?:PITCHSTREAM|KAFKA|SB)_[A-Z_]+)"',
            inspect.getsource(Settings.from_env) + inspect.getsource(Settings),
        )
    )
    read |= {"SB_USERNAME", "SB_PASSWORD"}  # statsbombpy reads these itself, at import
    for service in ("worker", "topics"):
        for name in env(service):
            assert name in read, f"{service} sets {name}, which nothing reads"


def test_the_worker_listens_where_prometheus_and_the_published_port_expect():
    worker = settings_of("worker")
    assert worker.web_host == "0.0.0.0"
    assert host_ports("worker") == {6066: worker.web_port}
    targets = {
        job["job_name"]: job["static_configs"][0]["targets"][0]
        for job in PROMETHEUS["scrape_configs"]
    }
    assert targets["pitchstream-worker"] == f"worker:{worker.web_port}"
    exporter_port = next(iter(host_ports("kafka-exporter").values()))
    assert targets["kafka-exporter"] == f"kafka-exporter:{exporter_port}"
    mounted = SERVICES["prometheus"]["volumes"][0].split(":")[0]
    assert (REPO_ROOT / mounted).resolve() == (REPO_ROOT / "processors/deploy/prometheus.yml")


def test_the_init_step_creates_the_topics_the_worker_expects():
    command = SERVICES["topics"]["command"]
    args = build_parser().parse_args(command[1:])
    assert command[0] == "pitchstream" and args.func is cmd_topics_create
    assert "ensure_topics" in inspect.getsource(cmd_topics_create)
    assert topic_specs(settings_of("topics")) == topic_specs(settings_of("worker"))
    assert "ensure_topics" in inspect.getsource(_run_faust_worker)  # and checks their counts


def test_the_worker_image_runs_the_worker_command():
    assert build_parser().parse_args(SERVICES["worker"]["command"][1:]).func is cmd_worker
    assert 'CMD ["pitchstream", "worker"]' in DOCKERFILE
    assert SERVICES["worker"]["build"] == SERVICES["topics"]["build"] == "."
    assert SERVICES["worker"]["image"] == SERVICES["topics"]["image"]


def pip_installs(text: str) -> list[list[str]]:
    joined = text.replace("\\\n", " ")
    return [
        shlex.split(line.split("pip install", 1)[1].split("&&")[0])
        for line in joined.splitlines()
        if "pip install" in line
    ]


def test_the_dockerfile_installs_with_the_constraints_as_the_makefile_does():
    (docker,) = pip_installs(DOCKERFILE)
    make = pip_installs(MAKEFILE)
    assert make, "the Makefile installs with pip"
    for args in [docker, *make]:
        assert args[args.index("-c") + 1] == "constraints.txt", args
    assert DOCKERFILE.startswith("#") and "FROM python:3.11-slim" in DOCKERFILE


def test_the_dockerfile_copies_every_package_and_file_the_install_needs():
    copied = set()
    for line in DOCKERFILE.splitlines():
        if line.startswith("COPY "):
            copied.update(line.split()[1:-1])
    for name in copied:
        assert (REPO_ROOT / name).exists(), f"Dockerfile copies missing {name}"
    assert {
        "pyproject.toml",
        "constraints.txt",
        "README.md",
        "domain",
        "contracts",
        "processors",
    } <= copied


def test_the_ports_in_the_readme_match_compose():
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("<!-- section:operations -->")[1].split("<!-- /section:operations -->")[
        0
    ]
    documented = {
        (service, int(port))
        for service, port in re.findall(r"^\| `([a-z-]+)` \| (\d+) \|", section, re.MULTILINE)
    }
    published = {(name, port) for name in SERVICES for port in host_ports(name)}
    assert documented == published


@pytest.mark.parametrize("path", ["compose.yaml", "processors/deploy/prometheus.yml"])
def test_the_files_are_plain_yaml_without_tabs(path):
    assert "\t" not in Path(REPO_ROOT / path).read_text()
