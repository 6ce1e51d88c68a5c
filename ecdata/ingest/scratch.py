"""Scratch folders for reading a file (transcoded copies, DuckDB's spill, staged Parquet).

Each folder's name carries the id of the process that made it, so a run killed mid-ingest
(kill -9, a crash, a full disk) leaves folders that the next start recognises and removes,
while folders of processes still running are left alone.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

PREFIX = "ecdata-"
_OWNED = re.compile(rf"^{PREFIX}(\d+)-")
# Folders from before names carried a process id: removed once this old.
_ORPHAN_AGE_SECONDS = 24 * 3600


def scratch_prefix(purpose: str) -> str:
    """The name prefix for a scratch folder of this process, e.g. 'ecdata-4711-read-'."""
    return f"{PREFIX}{os.getpid()}-{purpose}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_leftovers(root: Path | None = None) -> list[Path]:
    """Remove the scratch folders of processes that no longer run; the folders removed."""
    root = Path(root or tempfile.gettempdir())
    removed = []
    for path in root.glob(f"{PREFIX}*"):
        if not path.is_dir():
            continue
        owner = _OWNED.match(path.name)
        if owner:
            stale = int(owner.group(1)) != os.getpid() and not _alive(int(owner.group(1)))
        else:
            stale = time.time() - path.stat().st_mtime > _ORPHAN_AGE_SECONDS
        if stale:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
