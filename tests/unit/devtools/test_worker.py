"""One worker launcher: the settings travel to the worker process through the environment."""

from __future__ import annotations

import dataclasses

from processors.devtools.worker import WORKER_COMMAND
from processors.devtools.worker import worker_env
from processors.settings import Settings


def _unusual(name: str, default: object) -> object:
    """A value other than the default, of the field's type, that the environment can carry."""
    if name == "security_protocol":
        return "SASL_SSL"  # read back upper-cased
    if isinstance(default, bool):
        return not default
    if isinstance(default, float):
        return default + 1.5
    if isinstance(default, int):
        return default + 3
    return f"{name}-value"


SETTINGS = Settings(**{f.name: _unusual(f.name, f.default) for f in dataclasses.fields(Settings)})


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
