"""Drive metadata: a file's `version` (it goes up on every change) and `modifiedTime`.

One `files.get?fields=version,modifiedTime` per province, with the `drive.metadata.readonly`
scope only (no content), on Drive's own quota — so a roll-up can tell an unchanged province
without spending a Sheets read on it. `SHEETS_EMULATOR_HOST` sends it to the emulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

DRIVE_BASE = "https://www.googleapis.com"
METADATA_SCOPE = "https://www.googleapis.com/auth/drive.metadata.readonly"


@dataclass(frozen=True)
class FileVersion:
    version: str
    modified: str  # RFC 3339, as Drive gives it


class DriveNotPermitted(Exception):
    """Drive will not answer for this service account at all (API not enabled, scope not granted):
    change detection is off for the whole roll-up."""


class DriveFileMissing(Exception):
    """No such file for this account (not shared with it, or no such id)."""


class DriveMetadata:
    """files.get through one authorised session (the roll-up's credentials, shared by threads)."""

    def __init__(self, credentials: Any, *, emulator_host: str | None = None, timeout: float = 30.0) -> None:
        from google.auth.transport.requests import AuthorizedSession

        self.base = f"http://{emulator_host}" if emulator_host else DRIVE_BASE
        self.session = AuthorizedSession(credentials) if credentials is not None else requests.Session()
        self.timeout = timeout

    def version(self, file_id: str) -> FileVersion:
        """The file's version; DriveNotPermitted / DriveFileMissing, or requests' errors for the network."""
        response = self.session.get(f"{self.base}/drive/v3/files/{file_id}",
                                    params={"fields": "version,modifiedTime", "supportsAllDrives": "true"}, timeout=self.timeout)
        if response.status_code == 200:
            data = response.json()
            return FileVersion(str(data["version"]), str(data.get("modifiedTime", "")))
        if response.status_code == 404:
            raise DriveFileMissing(file_id)
        if response.status_code in (401, 403) and _reason(response) not in ("userRateLimitExceeded", "rateLimitExceeded"):
            raise DriveNotPermitted(_message(response))
        response.raise_for_status()
        raise requests.HTTPError(f"unexpected Drive answer {response.status_code}")


def _message(response: requests.Response) -> str:
    try:
        return str(response.json()["error"]["message"])[:200]
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"


def _reason(response: requests.Response) -> str:
    try:
        return str(response.json()["error"]["errors"][0]["reason"])
    except (ValueError, KeyError, TypeError, IndexError):
        return ""
