"""Settings from the environment: Kafka security and secrets that never show."""

from processors.entrypoints.app import _credentials
from processors.settings import Settings

SECURE_ENV = {
    "KAFKA_BOOTSTRAP_SERVERS": "broker-1:9093",
    "KAFKA_SECURITY_PROTOCOL": "sasl_ssl",
    "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
    "KAFKA_SASL_USERNAME": "pitchstream",
    "KAFKA_SASL_PASSWORD": "correct-horse-battery",
    "PITCHSTREAM_API_TOKEN": "token-0123456789",
    "PITCHSTREAM_PARTITIONS": "12",
}


def test_kafka_security_comes_from_the_environment():
    settings = Settings.from_env(SECURE_ENV)
    config = settings.kafka_client_config()
    assert config.pop("logger").name == "librdkafka"  # librdkafka's lines through our logging
    assert config == {
        "bootstrap.servers": "broker-1:9093",
        "security.protocol": "SASL_SSL",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.username": "pitchstream",
        "sasl.password": "correct-horse-battery",
    }
    assert settings.partitions == 12


def test_the_worker_gets_sasl_credentials_with_tls():
    credentials = _credentials(Settings.from_env(SECURE_ENV))
    assert credentials.username == "pitchstream"
    assert str(credentials.mechanism.value) == "SCRAM-SHA-512"
    assert credentials.ssl_context is not None


def test_plaintext_needs_no_credentials():
    assert _credentials(Settings.from_env({})) is None
    assert "sasl.password" not in Settings.from_env({}).kafka_client_config()


def test_secrets_are_masked_in_repr_and_describe():
    settings = Settings.from_env(SECURE_ENV)
    shown = f"{settings!r} {settings.describe()}"
    assert "correct-horse-battery" not in shown
    assert "token-0123456789" not in shown
    assert settings.describe()["sasl_password"] == "***"
    assert set(settings.secrets()) >= {"correct-horse-battery", "token-0123456789"}


def test_topic_names_follow_the_prefix_and_app_id():
    settings = Settings.from_env({"PITCHSTREAM_TOPIC_PREFIX": "club-", "PITCHSTREAM_APP_ID": "ps"})
    assert settings.topics.match_events == "club-match-events"
    assert settings.topics.jobs_changelog == "ps-jobs-changelog"


def test_peers_reach_a_worker_at_its_public_url():
    assert Settings.from_env({}).public_web_url == "http://127.0.0.1:6066"
    in_a_container = Settings.from_env(
        {"PITCHSTREAM_WEB_HOST": "0.0.0.0", "PITCHSTREAM_WEB_URL": "http://worker-2:6066"}
    )
    assert in_a_container.public_web_url == "http://worker-2:6066"


def test_wyscout_and_statsperform_folders_come_from_the_environment():
    settings = Settings.from_env(
        {"PITCHSTREAM_WYSCOUT_DIR": "/data/wy", "PITCHSTREAM_STATSPERFORM_DIR": "https://x/sp"}
    )
    assert (settings.wyscout_dir, settings.statsperform_dir) == ("/data/wy", "https://x/sp")
    from processors.adapters.registry import build_repositories

    repositories = build_repositories(settings)
    assert {"wyscout", "statsperform"} <= set(repositories)
    assert "wyscout" not in build_repositories(Settings(wyscout_dir=""))
