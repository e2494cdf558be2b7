"""Metrica adapter: CSV or JSON + EPTS event files from a folder or a URL, and a pure mapper."""

from processors.adapters.metrica.loaders import HttpStore
from processors.adapters.metrica.loaders import LocalStore
from processors.adapters.metrica.loaders import MetricaStore
from processors.adapters.metrica.loaders import store_for
from processors.adapters.metrica.repository import MetricaRepository

__all__ = ["HttpStore", "LocalStore", "MetricaRepository", "MetricaStore", "store_for"]
