"""Saving a provider's file on this computer. The file's name comes from the server, so it becomes a harmless
file name that must stay inside the chosen folder: a name such as ``../../x`` writes nothing outside it."""

from __future__ import annotations

from pathlib import Path

from core.errors import CoreError, file_error
from core.fileio import write_atomically
from core.i18n import tr
from core.providers.base import Provider
from core.training.export import safe_name


def download_target(folder: Path, server_name: str) -> Path:
    """Where a file the server calls ``server_name`` is saved in ``folder``; refused when that is taken or (through
    a link placed there) outside the folder."""
    target = folder / safe_name(server_name)
    if not target.resolve().is_relative_to(folder.resolve()):
        raise CoreError(tr("{name} would be saved outside {folder}.").format(name=target.name, folder=folder),
                        tr("A link inside the folder points somewhere else. Choose another folder."))
    if target.exists() or target.is_symlink():
        raise CoreError(tr("{path} already exists.").format(path=target),
                        tr("Choose another folder, or move the file that is there."))
    return target


async def download_file(provider: Provider, file_id: str, folder: Path) -> Path:
    """Save the file ``file_id`` into ``folder`` under its (made safe) name; returns where it went."""
    names = {found.id: found.filename for found in await provider.list_files()}
    target = download_target(folder, names.get(file_id) or file_id)
    content = await provider.file_content(file_id)
    try:
        write_atomically(target, content, sync=False)
    except OSError as exc:
        raise file_error(exc) from exc
    return target
