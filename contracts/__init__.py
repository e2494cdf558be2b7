"""Versioned message contracts: what Pitchstream puts on and reads from Kafka."""

from contracts.codec import ContractError

__all__ = ["ContractError"]
