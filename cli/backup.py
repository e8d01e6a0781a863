"""`govcat backup` and `govcat restore` (ADR 0011), for the operator: whoever holds the store's
data directory (cli/who.py) takes and restores backups; they take no token. The work is
catalog.backup's: one consistent snapshot while writes go on, a self-describing .tar.gz, and a
restore that checks the whole file before it touches the store."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from catalog.backup import BackupError, backup, is_empty, read_archive, restore
from catalog.config import Settings
from catalog.port import StoreError
from catalog.registry import Registry
from cli import common

PROJECT = Path(__file__).resolve().parent.parent


def backup_command(
    output: Annotated[Path | None, typer.Option(
        "--output", help="the .tar.gz to write (default: govcat-backup-<time>-c<change>.tar.gz "
                         "here)")] = None,
) -> None:
    """Write a consistent backup of everything govcat keeps while writes go on: the catalog,
    the cycle's state and audit trail (with record versions), ID counters, accounts and
    tokens (sealed with the server key: restore with the same key, ADR 0016), saved queries;
    with a manifest (format, version, change number, counts, SHA-256 of each part, the key's
    fingerprint). Keep it private, as the store is."""
    registry = common.open_registry()
    started = time.perf_counter()
    target = output or Path.cwd() / "govcat-backup.tar.gz"
    try:
        manifest, written = _write(registry, target, name_it=output is None)
    except (BackupError, StoreError) as exc:
        _fail(exc)
    took = time.perf_counter() - started
    typer.echo(f"wrote {written}: {_summary(manifest)}, "
               f"{written.stat().st_size:,} bytes in {took:.2f} s")
    typer.echo(f"sha256 {_sha256(written)}", err=True)


def restore_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                         help="a backup written by `govcat backup`")],
    force: Annotated[bool, typer.Option(
        "--force", help="replace a store that holds data (a backup of it is kept first)")
    ] = False,
    check: Annotated[bool, typer.Option(
        "--check", help="only verify the file; nothing is written")] = False,
) -> None:
    """Restore a backup into an empty store (of either kind): the same records, trail,
    versions, counters, accounts, tokens and saved queries; issued IDs and the change feed go
    on from where the backup was. The whole file is checked first (format, SHA-256 of each
    part); a store holding data is refused unless --force, and a backup whose accounts are
    sealed with another server key than this one's always (ADR 0016)."""
    try:
        archive = read_archive(file)
    except BackupError as exc:
        _fail(exc)
    if check:
        typer.echo(f"{file}: a valid govcat backup: {_summary(archive.manifest)}")
        return
    registry = common.open_registry()
    try:
        if force and not is_empty(registry.store):
            folder = Settings().data_dir / "backups"
            folder.mkdir(parents=True, exist_ok=True)
            _, kept = _write(registry, folder / "pre-restore.tar.gz", name_it=True)
            typer.echo(f"kept what the store held in {kept}", err=True)
        started = time.perf_counter()
        restore(registry, archive, force=force)
    except (BackupError, StoreError) as exc:
        _fail(exc)
    took = time.perf_counter() - started
    seq = archive.seq
    typer.echo(f"restored {file} into {registry.store.name}: {_summary(archive.manifest)} "
               f"in {took:.2f} s; the change feed goes on after #{seq}")


def _write(registry: Registry, target: Path, name_it: bool) -> tuple[dict[str, object], Path]:
    """Write to a hidden file beside `target`, then rename it: a backup file that exists is
    whole. With `name_it`, the name gets the time and the change number."""
    target = target.resolve()
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            manifest = backup(registry, f, commit=_commit())
            f.flush()
            os.fsync(f.fileno())
        if name_it:
            stamp = str(manifest["created"]).replace("-", "").replace(":", "")[:15] + "Z"
            stem = target.name.removesuffix(".tar.gz")
            target = target.with_name(f"{stem}-{stamp}-c{manifest['seq']}.tar.gz")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return manifest, target


def _summary(manifest: dict[str, object]) -> str:
    counts = manifest["counts"]
    assert isinstance(counts, dict)
    nodes = counts["nodes"]
    side = {"Version", "IdCounter", "Credential", "Account", "ApiToken", "SavedQuery"}
    records = sum(v for k, v in nodes.items() if k not in side)
    credentials = nodes.get("Credential", 0) + nodes.get("Account", 0) + nodes.get("ApiToken", 0)
    return (f"change #{manifest['seq']}, {records:,} records, {nodes.get('Version', 0):,} "
            f"versions, {nodes.get('IdCounter', 0)} counters, {credentials} credentials "
            f"(accounts and tokens), {nodes.get('SavedQuery', 0)} saved queries (from "
            f"{manifest.get('store')}, {manifest.get('created')})")


def _commit() -> str | None:
    """The git commit govcat runs from, when it runs from a checkout ($GOVCAT_COMMIT wins)."""
    if os.environ.get("GOVCAT_COMMIT"):
        return os.environ["GOVCAT_COMMIT"]
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT, capture_output=True,
                              text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fail(exc: Exception) -> NoReturn:
    if isinstance(exc, BackupError):
        typer.echo(f"{exc.message_en}\n{exc.message_fa}", err=True)
    else:
        typer.echo(f"the store failed: {exc}\nانباره پاسخ نداد: {exc}", err=True)
    raise typer.Exit(1)
