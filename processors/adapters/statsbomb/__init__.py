"""StatsBomb adapter: open-data mirror or statsbombpy loaders, and a pure mapper."""

from processors.adapters.statsbomb.loaders import OpenDataMirror
from processors.adapters.statsbomb.loaders import StatsBombLoader
from processors.adapters.statsbomb.loaders import StatsBombPy
from processors.adapters.statsbomb.repository import StatsBombRepository

__all__ = ["OpenDataMirror", "StatsBombLoader", "StatsBombPy", "StatsBombRepository"]
