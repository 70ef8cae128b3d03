"""The file cache of rendered documents (settings.CACHES["documents"], reports.cached).

Django's `FileBasedCache.add` looks for the file, then writes it: two processes adding the same
key at once both succeed. The documents' cache uses `add` as a claim - "a render task is
queued", "this worker renders this document" - so here it is one atomic step: the entry is
written to a temporary file and hard-linked under its name, which fails when the name exists
(POSIX `link`), so exactly one of the processes sharing the folder wins.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from typing import Any, BinaryIO

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    # Django's own helpers, used as its `set` uses them (django-stubs does not declare them).
    _dir: str
    _createdir: Callable[[], None]
    _cull: Callable[[], None]
    _key_to_file: Callable[[str, int | None], str]
    _write_content: Callable[[BinaryIO, Any, Any], None]  # the expiry, then the value

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        self._createdir()
        name = self._key_to_file(key, version)
        self._cull()
        handle, temporary = tempfile.mkstemp(dir=self._dir)
        try:
            with open(handle, "wb") as file:
                self._write_content(file, timeout, value)
            for _attempt in range(2):
                try:
                    os.link(temporary, name)
                    return True
                except FileExistsError:
                    if self.has_key(key, version):
                        return False
                    # Expired: removed, then claimed once more (a claim whose holder died).
                    with contextlib.suppress(FileNotFoundError):
                        os.remove(name)
            return False
        finally:
            os.remove(temporary)
