"""Provider files under one root: a local folder or an http(s) URL base with the same layout.

Used by every provider whose files are named by match id (Wyscout, Stats Perform; Metrica's
game folders). A store only
fetches bytes; it refuses a match id that is not a plain file name, so no request can read
outside the root. A missing file is ``None``, for the loader to turn into ``MatchNotFound``.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC
from abc import abstractmethod
from pathlib import Path
from typing import Any
from typing import Final

import orjson

from contracts.v1.ingest_request import MATCH_ID_PATTERN
from domain import InvalidRequest
from domain import InvalidSourceData
from domain import MatchNotFound
from domain import SourceUnauthorized
from domain import SourceUnavailable

MAX_FILE_BYTES: Final = 256 * 1024 * 1024
_MATCH_ID: Final = re.compile(MATCH_ID_PATTERN)


def checked_match_id(source: str, match_id: str, what: str = "a file name") -> str:
    """A match id names one file (or folder, ``what``) directly under the root: letters,
    digits, '_', '.', '-'; no separators, no '..'."""
    if not isinstance(match_id, str) or not _MATCH_ID.fullmatch(match_id):
        raise InvalidRequest(
            f"{source} match id {match_id!r} is not {what} "
            "(letters, digits, '_', '.', '-'; no '..')"
        )
    return match_id


def parse_json(data: bytes, what: str) -> Any:
    """A provider file's JSON; InvalidSourceData naming ``what`` when it is not JSON."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise InvalidSourceData(f"{what} is not valid JSON: {error}") from None


class FileStore(ABC):
    """Reads files by their path relative to the root (``folder/<match id>.json``)."""

    def __init__(self, source: str) -> None:
        self.source = source

    @abstractmethod
    def fetch(self, folder: str, file_name: str) -> bytes | None:
        """The file's bytes, or None when it is not there. ``folder`` is ours ("" or a
        fixed name such as "ma3"); ``file_name`` holds the match id and is checked."""

    @abstractmethod
    def describe(self) -> str: ...

    def list_names(self, folder: str, suffix: str) -> list[str]:
        """Names (without ``suffix``) of the files in ``folder`` that look like match ids."""
        raise InvalidRequest(f"{self.describe()} cannot list its matches; name a match_id")

    def list_folders(self, suffixes: tuple[str, ...]) -> list[str]:
        """Names of the folders directly under the root that look like match ids and hold a
        file ``<name><suffix>`` for one of ``suffixes`` (Metrica: one folder per game)."""
        raise InvalidRequest(f"{self.describe()} cannot list its matches; name a match_id")


class LocalFiles(FileStore):
    def __init__(self, source: str, root: Path | str) -> None:
        super().__init__(source)
        self.root = Path(root).resolve()

    def describe(self) -> str:
        return f"{self.source} folder {self.root}"

    def _path(self, folder: str, file_name: str) -> Path:
        base = (self.root / folder).resolve() if folder else self.root
        path = (base / file_name).resolve()
        inside = path.is_relative_to(self.root) and (not folder or base.parent == self.root)
        if not inside or path.parent != base:
            raise InvalidRequest(f"{self.source} file {file_name!r} resolves outside {self.root}")
        return path

    def fetch(self, folder: str, file_name: str) -> bytes | None:
        path = self._path(folder, file_name)
        if not path.is_file():
            return None
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InvalidSourceData(
                f"{self.source} file {path.name} is larger than {MAX_FILE_BYTES} B"
            )
        return path.read_bytes()

    def list_names(self, folder: str, suffix: str) -> list[str]:
        base = (self.root / folder).resolve() if folder else self.root
        if not base.is_dir():
            raise MatchNotFound(f"{self.describe()} has no folder {folder or '.'}")
        names = []
        for path in base.iterdir():
            name = path.name[: -len(suffix)] if path.name.endswith(suffix) else ""
            linked_elsewhere = path.resolve().parent != base
            if name and _MATCH_ID.fullmatch(name) and path.is_file() and not linked_elsewhere:
                names.append(name)
        return sorted(names)

    def list_folders(self, suffixes: tuple[str, ...]) -> list[str]:
        """A folder linked from outside the root is left out, as ``fetch`` would refuse it."""
        if not self.root.is_dir():
            raise MatchNotFound(f"{self.describe()} does not exist")
        names = []
        for folder in self.root.iterdir():
            name = folder.name
            if not _MATCH_ID.fullmatch(name) or not folder.is_dir():
                continue
            if folder.resolve().parent != self.root:
                continue
            if any((folder / f"{name}{suffix}").is_file() for suffix in suffixes):
                names.append(name)
        return sorted(names)


class HttpFiles(FileStore):
    def __init__(self, source: str, base_url: str, *, timeout: float = 30.0) -> None:
        super().__init__(source)
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = timeout

    def describe(self) -> str:
        parts = urllib.parse.urlsplit(self.base_url)
        host = parts.hostname or ""
        if ":" in host:  # an IPv6 address, bracketed as in the URL
            host = f"[{host}]"
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        return f"{self.source} URL {parts.scheme}://{host}{parts.path}"  # no credentials

    def url_for(self, folder: str, file_name: str) -> str:
        quoted = urllib.parse.quote(file_name, safe="")
        if folder:
            quoted = f"{urllib.parse.quote(folder, safe='')}/{quoted}"
        url = urllib.parse.urljoin(self.base_url, quoted)
        if not url.startswith(self.base_url):
            raise InvalidRequest(f"{self.source} file {file_name!r} resolves outside the URL base")
        return url

    def fetch(self, folder: str, file_name: str) -> bytes | None:
        url = self.url_for(folder, file_name)
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:
                body: bytes = response.read(MAX_FILE_BYTES + 1)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            if error.code in (401, 403):
                raise SourceUnauthorized(
                    f"{self.describe()} refused {file_name} (HTTP {error.code})"
                ) from None
            raise SourceUnavailable(
                f"{self.describe()} answered HTTP {error.code} for {file_name}"
            ) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            raise SourceUnavailable(f"{self.describe()} unreachable: {reason}") from None
        if len(body) > MAX_FILE_BYTES:
            raise InvalidSourceData(
                f"{self.source} file {file_name} is larger than {MAX_FILE_BYTES} B"
            )
        return body


class MatchFilesLoader(ABC):
    """A provider's loader over a ``FileStore``: one file (or file set) per match."""

    def __init__(self, store: FileStore) -> None:
        self.store = store

    def describe(self) -> str:
        return self.store.describe()

    @abstractmethod
    def list_matches(self) -> list[str]:
        """Every match under the root (for a backfill), sorted by id."""

    @abstractmethod
    def version(self, match_id: str) -> str:
        """A SHA-256 of the match's files (``sha256:<hex>``): their data version."""


def files_for(source: str, location: str) -> FileStore:
    """An http(s) URL base or a folder."""
    if location.startswith(("http://", "https://")):
        return HttpFiles(source, location)
    return LocalFiles(source, Path(location))
