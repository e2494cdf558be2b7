"""Metrica adapter: CSV or JSON + EPTS event files from a folder or a URL, and a pure mapper."""

from processors.adapters.metrica.loaders import HttpStore, LocalStore, MetricaStore, store_for
from processors.adapters.metrica.repository import MetricaRepository

__all__ = ["HttpStore", "LocalStore", "MetricaRepository", "MetricaStore", "store_for"]
