"""Configuration from the environment (``PITCHSTREAM_*`` and ``KAFKA_*``), read once.

Secrets (Kafka SASL password, StatsBomb credentials, the API token) are held but never
shown: ``repr`` and ``describe`` mask them, and nothing logs the raw values.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields
from pathlib import Path
from typing import Any

from contracts.v1.topics import Topics

LIBRDKAFKA_LOGGER = "librdkafka"  # processors.logs filters its expected lines

_REPO_ROOT = Path(__file__).resolve().parents[1]
_SHARED_DATA = _REPO_ROOT.parent / "shared" / "data"


def _default_statsbomb_dir() -> str:
    candidate = _SHARED_DATA / "statsbomb-open-data"
    return str(candidate) if candidate.is_dir() else ""


def _default_metrica_dir() -> str:
    candidate = _SHARED_DATA / "metrica-sample-data" / "data"
    return str(candidate) if candidate.is_dir() else ""


def _default_dir(*parts: str) -> str:
    candidate = _SHARED_DATA.joinpath(*parts)
    return str(candidate) if candidate.is_dir() else ""


@dataclass(frozen=True)
class Settings:
    bootstrap_servers: str = "127.0.0.1:9092"
    app_id: str = "pitchstream"
    topic_prefix: str = ""
    partitions: int = 4
    replication_factor: int = 1
    statsbomb_dir: str = ""
    """Root of an offline statsbomb/open-data mirror; empty: statsbombpy (online)."""
    metrica_dir: str = ""
    """Folder of Metrica games (``Sample_Game_1/...``) or an http(s) URL base."""
    wyscout_dir: str = ""
    """Folder of Wyscout v2 match files (``<match id>.json``) or an http(s) URL base."""
    statsperform_dir: str = ""
    """Folder holding Stats Perform ``ma3/<id>.json`` (and ``ma1/``) or an http(s) URL base."""
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    web_url: str = ""
    """How other workers reach this one (routing job lookups to their owner); default
    ``http://<web_host>:<web_port>``. Set it when the bind address is not reachable as
    such, e.g. 0.0.0.0 in a container: ``http://<service or pod name>:6066``."""
    data_dir: str = ""
    log_format: str = "console"
    log_level: str = "info"
    session_timeout: float = 30.0
    """Seconds before the group gives a silent worker's partitions to another."""
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = ""
    sasl_username: str = ""
    sasl_password: str = field(default="", repr=False)
    ssl_ca_location: str = ""
    api_token: str = field(default="", repr=False)
    cdf_lane: bool = True
    """Run the CDF lane (consumer group ``<app id>-cdf``) in the worker process."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            return env.get(name, default).strip()

        return cls(
            bootstrap_servers=get("KAFKA_BOOTSTRAP_SERVERS", cls.bootstrap_servers),
            app_id=get("PITCHSTREAM_APP_ID", cls.app_id),
            topic_prefix=get("PITCHSTREAM_TOPIC_PREFIX"),
            partitions=int(get("PITCHSTREAM_PARTITIONS", str(cls.partitions))),
            replication_factor=int(get("PITCHSTREAM_REPLICATION_FACTOR", "1")),
            statsbomb_dir=get("PITCHSTREAM_STATSBOMB_DIR", _default_statsbomb_dir()),
            metrica_dir=get("PITCHSTREAM_METRICA_DIR", _default_metrica_dir()),
            wyscout_dir=get("PITCHSTREAM_WYSCOUT_DIR", _default_dir("wyscout", "v2")),
            statsperform_dir=get("PITCHSTREAM_STATSPERFORM_DIR", _default_dir("statsperform")),
            web_host=get("PITCHSTREAM_WEB_HOST", cls.web_host),
            web_port=int(get("PITCHSTREAM_WEB_PORT", str(cls.web_port))),
            web_url=get("PITCHSTREAM_WEB_URL"),
            data_dir=get("PITCHSTREAM_DATA_DIR"),
            log_format=get("PITCHSTREAM_LOG_FORMAT", cls.log_format),
            log_level=get("PITCHSTREAM_LOG_LEVEL", cls.log_level),
            session_timeout=float(get("PITCHSTREAM_SESSION_TIMEOUT", "30")),
            security_protocol=get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").upper(),
            sasl_mechanism=get("KAFKA_SASL_MECHANISM"),
            sasl_username=get("KAFKA_SASL_USERNAME"),
            sasl_password=env.get("KAFKA_SASL_PASSWORD", ""),
            ssl_ca_location=get("KAFKA_SSL_CA_LOCATION"),
            api_token=env.get("PITCHSTREAM_API_TOKEN", ""),
            cdf_lane=get("PITCHSTREAM_CDF_LANE", "on").lower() not in ("off", "0", "false", "no"),
        )

    def to_env(self) -> dict[str, str]:
        """The environment that ``from_env`` reads back as these settings (secrets included:
        for a child process, never for a log)."""
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "PITCHSTREAM_APP_ID": self.app_id,
            "PITCHSTREAM_TOPIC_PREFIX": self.topic_prefix,
            "PITCHSTREAM_PARTITIONS": str(self.partitions),
            "PITCHSTREAM_REPLICATION_FACTOR": str(self.replication_factor),
            "PITCHSTREAM_STATSBOMB_DIR": self.statsbomb_dir,
            "PITCHSTREAM_METRICA_DIR": self.metrica_dir,
            "PITCHSTREAM_WYSCOUT_DIR": self.wyscout_dir,
            "PITCHSTREAM_STATSPERFORM_DIR": self.statsperform_dir,
            "PITCHSTREAM_WEB_HOST": self.web_host,
            "PITCHSTREAM_WEB_PORT": str(self.web_port),
            "PITCHSTREAM_WEB_URL": self.web_url,
            "PITCHSTREAM_DATA_DIR": self.data_dir,
            "PITCHSTREAM_LOG_FORMAT": self.log_format,
            "PITCHSTREAM_LOG_LEVEL": self.log_level,
            "PITCHSTREAM_SESSION_TIMEOUT": str(self.session_timeout),
            "KAFKA_SECURITY_PROTOCOL": self.security_protocol,
            "KAFKA_SASL_MECHANISM": self.sasl_mechanism,
            "KAFKA_SASL_USERNAME": self.sasl_username,
            "KAFKA_SASL_PASSWORD": self.sasl_password,
            "KAFKA_SSL_CA_LOCATION": self.ssl_ca_location,
            "PITCHSTREAM_API_TOKEN": self.api_token,
            "PITCHSTREAM_CDF_LANE": "on" if self.cdf_lane else "off",
        }

    @property
    def public_web_url(self) -> str:
        return self.web_url or f"http://{self.web_host}:{self.web_port}"

    @property
    def topics(self) -> Topics:
        return Topics(prefix=self.topic_prefix, app_id=self.app_id)

    @property
    def worker_data_dir(self) -> Path:
        if self.data_dir:
            return Path(self.data_dir)
        cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
        return cache / "pitchstream" / "worker" / self.app_id

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in logs, job states or error messages."""
        values = [self.sasl_password, self.api_token]
        values += [os.environ.get("SB_PASSWORD", ""), os.environ.get("SB_USERNAME", "")]
        return tuple(v for v in values if len(v) >= 4)

    def describe(self) -> dict[str, Any]:
        """The settings with secrets masked, for logs and ``pitchstream config``."""
        shown: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            shown[f.name] = "***" if (not f.repr and value) else value
        return shown

    def kafka_client_config(self) -> dict[str, Any]:
        """librdkafka settings shared by every confluent-kafka client we create.

        ``logger``: librdkafka's lines go through the standard library's logging (and so our
        format, levels and filters: processors.logs), not straight to stderr.
        """
        config: dict[str, Any] = {
            "bootstrap.servers": self.bootstrap_servers,
            "security.protocol": self.security_protocol,
            "logger": logging.getLogger(LIBRDKAFKA_LOGGER),
        }
        if self.sasl_mechanism:
            config["sasl.mechanism"] = self.sasl_mechanism
            config["sasl.username"] = self.sasl_username
            config["sasl.password"] = self.sasl_password
        if self.ssl_ca_location:
            config["ssl.ca.location"] = self.ssl_ca_location
        return config
