"""Files and the database never disagree (DESIGN "Security").

`SafeFileSystemStorage` (the default storage) writes every file to a temporary name in its
target folder, flushes it to the disk, and only then gives it its name: a full or read-only
disk leaves neither a truncated file nor a 0-byte PDF, and raises `StorageUnavailable`, which
the web views turn into a message in the person's language and the API into a 503.

`atomic_with_files()` is `transaction.atomic()` for a change that stores files: a file saved
inside it is removed again when the transaction rolls back, so no file outlives its row.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import tempfile
from contextlib import contextmanager

from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

logger = logging.getLogger("liaison.storage")

# The names saved inside the innermost `atomic_with_files()` block (None outside one).
_saved: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "liaison_saved_files", default=None
)


class StorageUnavailable(exceptions.APIException):
    """The media disk refused a file (full, read-only, gone): a server condition, 503."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _(
        "文件未能保存：服务器的存储空间已满或暂时不可写入，本次提交没有保存。请稍后重试，"
        "或联系系统管理员。"
    )
    default_code = "storage_unavailable"


class SafeFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        temporary = None
        try:
            os.makedirs(directory, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".part")
            with os.fdopen(handle, "wb") as out:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks():
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, self.file_permissions_mode or 0o644)
            name = self._move_into_place(temporary, name)
            temporary = None
        except OSError as exc:
            logger.error("could not store %s under %s: %s", name, self.location, exc)
            raise StorageUnavailable() from exc
        finally:
            if temporary is not None:
                _remove_quietly(temporary)
        saved = _saved.get()
        if saved is not None:
            saved.append(name)
        return str(name).replace("\\", "/")

    def _move_into_place(self, temporary: str, name: str) -> str:
        """Give the complete file its name; never overwrite a file someone else just stored."""
        while True:
            try:
                os.link(temporary, self.path(name))
            except FileExistsError:
                name = self.get_available_name(name)
                continue
            except OSError:
                # A file system without hard links (some network shares): the name was chosen
                # free by Storage.save, so a rename is safe enough.
                os.replace(temporary, self.path(name))
                return name
            os.unlink(temporary)
            return name


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


@contextmanager
def atomic_with_files():
    """`transaction.atomic()` that also removes the files saved inside it if it rolls back.

    Use it as the outermost block of a change that stores files (the files of an inner block
    that rolls back while the outer one commits are the outer block's business).
    """
    saved: list[str] = []
    outer = _saved.get()
    token = _saved.set(saved)
    try:
        with transaction.atomic():
            yield
        if outer is not None:
            outer.extend(saved)  # committed to a savepoint: the outer block decides now
    except BaseException:
        for name in saved:
            try:
                default_storage.delete(name)
            except OSError as exc:
                logger.error("could not remove %s after a rollback: %s", name, exc)
        raise
    finally:
        _saved.reset(token)
