"""confluent-kafka clients outside Faust: admin, request producer, transactional output."""
