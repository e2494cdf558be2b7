"""One worker launcher: the settings travel to the worker process through the environment."""

from __future__ import annotations

import dataclasses

from processors.devtools.worker import WORKER_COMMAND, worker_env
from processors.settings import Settings

SETTINGS = Settings(
    bootstrap_servers="broker:9093",
    app_id="bench-app",
    topic_prefix="t1-",
    partitions=6,
    statsbomb_dir="",
    metrica_dir="/data/metrica",
    web_port=7077,
    web_url="http://worker-1:7077",
    data_dir="/tmp/worker",
    log_format="json",
    session_timeout=12.5,
    security_protocol="SASL_SSL",
    sasl_mechanism="SCRAM-SHA-512",
    sasl_username="user",
    sasl_password="pass-word",
    api_token="token-123",
)


def test_settings_read_back_from_their_environment_are_the_same():
    assert Settings.from_env(SETTINGS.to_env()) == SETTINGS
    assert Settings.from_env(Settings().to_env()) == Settings()


def test_the_worker_environment_drops_our_inherited_variables_for_the_settings():
    inherited = {
        "PATH": "/bin",
        "PITCHSTREAM_METRICA_DIR": "/elsewhere",
        "PITCHSTREAM_SOMETHING_OLD": "x",
        "KAFKA_SASL_PASSWORD": "other",
        "SB_USERNAME": "analyst",
    }
    env = worker_env(SETTINGS, inherit=inherited, extra={"PITCHSTREAM_LOG_LEVEL": "warning"})
    assert env["PATH"] == "/bin" and env["PYTHONUNBUFFERED"] == "1"
    assert "PITCHSTREAM_SOMETHING_OLD" not in env
    assert env["SB_USERNAME"] == "analyst"
    assert env["PITCHSTREAM_LOG_LEVEL"] == "warning"
    assert Settings.from_env(env) == dataclasses.replace(SETTINGS, log_level="warning")
    without = worker_env(SETTINGS, inherit=inherited, provider_credentials=False)
    assert "SB_USERNAME" not in without


def test_the_worker_is_the_pitchstream_command():
    assert WORKER_COMMAND[1:] == ("-m", "processors.entrypoints.cli", "worker")
