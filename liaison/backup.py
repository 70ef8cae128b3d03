"""Backup and restore: the database in its own dump format plus MEDIA_ROOT, in one folder.

A backup folder holds

    database.dump | database.sqlite3   `pg_dump -Fc` on PostgreSQL, the SQLite backup API on SQLite
    media/...                          a copy of MEDIA_ROOT (attachments, approved minutes PDFs)
    manifest.json                      what is in the folder: every file with its SHA-256 and size

The manifest is written last (to a temporary name, then renamed), so a backup that stopped
half-way has none and is refused. `restore` checks the whole manifest before it touches
anything, then replaces the database and MEDIA_ROOT, then checks that every approved minutes
PDF hashes to the SHA-256 recorded in its row.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from meetings.models import Minutes

MANIFEST = "manifest.json"
MEDIA_DIR = "media"
FORMAT = 1
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be made or a folder that is not a complete, intact backup."""


@dataclass
class Manifest:
    vendor: str
    database: str
    files: dict[str, dict] = field(default_factory=dict)  # relative path → {sha256, size}
    created_at: str = ""

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "created_at": self.created_at,
                "vendor": self.vendor,
                "database": self.database,
                "files": self.files,
            },
            indent=1,
            sort_keys=True,
        )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _entry(path: Path) -> dict:
    return {"sha256": sha256_of(path), "size": path.stat().st_size}


def _vendor() -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"backup supports PostgreSQL and SQLite, not {connection.vendor}")
    return connection.vendor


# --- backup ---------------------------------------------------------------------------------------


def make_backup(target: Path) -> Manifest:
    """Write a complete backup into `target` (a new or empty folder)."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: a backup goes into a new or empty folder")
    target.mkdir(parents=True, exist_ok=True)
    vendor = _vendor()
    manifest = Manifest(
        vendor=vendor, database=DUMP_NAMES[vendor], created_at=timezone.now().isoformat()
    )
    dump = target / manifest.database
    # The database first: a file uploaded while the media are copied is then at worst an
    # extra file without its row, never a row whose file is missing from the backup.
    if vendor == "sqlite":
        _sqlite_backup(dump)
    else:
        _pg_dump(dump)
    manifest.files[manifest.database] = _entry(dump)
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir():
        for source in sorted(p for p in media_root.rglob("*") if p.is_file()):
            relative = Path(MEDIA_DIR) / source.relative_to(media_root)
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
            manifest.files[relative.as_posix()] = _entry(destination)
    partial = target / (MANIFEST + ".partial")
    partial.write_text(manifest.to_json(), encoding="utf-8")
    os.replace(partial, target / MANIFEST)
    return manifest


def _sqlite_backup(dump: Path) -> None:
    """The online backup API: a consistent copy even while the server writes (WAL)."""
    connection.ensure_connection()
    destination = sqlite3.connect(dump)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def _pg_environment() -> tuple[list[str], dict]:
    """Connection options for pg_dump/pg_restore from Django's settings of this connection."""
    db = connection.settings_dict
    arguments = []
    if db.get("HOST"):
        arguments += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        arguments += ["--port", str(db["PORT"])]
    if db.get("USER"):
        arguments += ["--username", str(db["USER"])]
    environment = {**os.environ}
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = str(db["PASSWORD"])
    return arguments, environment


def _run(command: list[str], environment: dict) -> None:
    try:
        result = subprocess.run(command, env=environment, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} not found: install the PostgreSQL client") from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _pg_dump(dump: Path) -> None:
    arguments, environment = _pg_environment()
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *arguments]
        + ["--dbname", connection.settings_dict["NAME"]],
        environment,
    )


# --- restore --------------------------------------------------------------------------------------


def read_manifest(source: Path) -> Manifest:
    """The manifest of `source`, after checking that every file it lists is there and intact
    and that nothing else is. Raises BackupError naming what is wrong; touches nothing."""
    source = Path(source)
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: not a backup, or one that did not finish")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest(
            vendor=data["vendor"],
            database=data["database"],
            files=dict(data["files"]),
            created_at=data.get("created_at", ""),
        )
        if data["format"] != FORMAT:
            raise BackupError(f"unknown backup format {data['format']}")
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path} is damaged: {exc}") from exc
    if manifest.database not in manifest.files:
        raise BackupError(f"the manifest does not list the database dump {manifest.database}")
    problems = []
    for relative, expected in sorted(manifest.files.items()):
        file = source / relative
        if Path(relative).is_absolute() or ".." in Path(relative).parts:
            problems.append(f"{relative}: not a path inside the backup")
        elif not file.is_file():
            problems.append(f"{relative}: missing")
        elif file.stat().st_size != expected.get("size"):
            problems.append(f"{relative}: size differs")
        elif sha256_of(file) != expected.get("sha256"):
            problems.append(f"{relative}: SHA-256 differs")
    listed = set(manifest.files) | {MANIFEST}
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = file.relative_to(source).as_posix()
        if relative not in listed:
            problems.append(f"{relative}: not in the manifest")
    if problems:
        raise BackupError("the backup is damaged or partial: " + "; ".join(problems))
    return manifest


def restore_backup(source: Path) -> Manifest:
    """Replace the database and MEDIA_ROOT with the backup in `source`.

    Stop the application (and its workers) first: restoring replaces every table.
    """
    source = Path(source)
    manifest = read_manifest(source)
    vendor = _vendor()
    if manifest.vendor != vendor:
        raise BackupError(f"the backup is of a {manifest.vendor} database, this is {vendor}")
    dump = source / manifest.database
    if vendor == "sqlite":
        _sqlite_restore(dump)
    else:
        _pg_restore(dump)
    _restore_media(source / MEDIA_DIR, manifest)
    mismatches = check_minutes_pdfs()
    if mismatches:
        raise BackupError(
            "restored, but these approved minutes PDFs do not match their SHA-256: "
            + "; ".join(mismatches)
        )
    return manifest


def _sqlite_restore(dump: Path) -> None:
    connection.ensure_connection()
    backup = sqlite3.connect(dump)
    try:
        backup.backup(connection.connection)
    finally:
        backup.close()


def _pg_restore(dump: Path) -> None:
    name = connection.settings_dict["NAME"]
    connection.close()  # no lock of ours stands in the way of dropping the tables
    arguments, environment = _pg_environment()
    _run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
        + ["--exit-on-error", *arguments, "--dbname", name, str(dump)],
        environment,
    )


def _restore_media(backup_media: Path, manifest: Manifest) -> None:
    """MEDIA_ROOT becomes exactly the backup's media: copied beside it, then swapped in."""
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    staging = media_root.with_name(media_root.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    prefix = MEDIA_DIR + "/"
    for relative in manifest.files:
        if relative.startswith(prefix):
            destination = staging / relative[len(prefix) :]
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(backup_media / relative[len(prefix) :], destination)
    # Empty MEDIA_ROOT in place (it may be a mount point that cannot be renamed), then move
    # the staged files in: the same file system, so each move is a rename.
    for entry in media_root.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in staging.iterdir():
        os.replace(entry, media_root / entry.name)
    staging.rmdir()


def check_minutes_pdfs() -> list[str]:
    """Every approved minutes PDF whose stored file is missing or does not hash to its row."""
    mismatches = []
    media_root = Path(settings.MEDIA_ROOT)
    for minutes in Minutes.objects.filter(approved_at__isnull=False).exclude(pdf=""):
        name = str(minutes.pdf.name)
        path = media_root / name
        if not path.is_file():
            mismatches.append(f"{name}: missing")
        elif sha256_of(path) != minutes.pdf_sha256:
            mismatches.append(f"{name}: SHA-256 differs")
    return mismatches
