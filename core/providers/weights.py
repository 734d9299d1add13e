"""A provider's model weights saved on this computer: streamed to ``NAME.part`` and renamed once whole, so a cut
download never passes for a model. Weights run to gigabytes, so the answer's bound here is far above the API's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.client import response_limit
from core.errors import file_error
from core.providers.openai_api import call

if TYPE_CHECKING:
    import openai

WEIGHTS_LIMIT = 512 * 1024**3  # the largest model a provider may hand over


def file_name(model_id: str, ending: str) -> str:
    """A harmless file name for a model a server named (its ids hold slashes, colons…)."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in model_id)[:120].strip("-")
    return f"{cleaned or 'model'}{ending}"


def free_target(target: Path) -> Path:
    """``target``, or ``NAME-2.EXT``… when it is taken: an earlier download is never written over."""
    candidate, number = target, 1
    while candidate.exists():
        number += 1
        candidate = target.with_name(f"{target.name.split('.')[0]}-{number}.{target.name.split('.', 1)[1]}"
                                     if "." in target.name else f"{target.name}-{number}")
    return candidate


async def download_to(client: openai.AsyncOpenAI, path: str, params: dict[str, Any], target: Path) -> Path:
    """GET ``path`` and stream its body into ``target`` (or the free name next to it); where it went."""
    import httpx2  # start-up speed: loaded with the first request

    target = free_target(target)
    part = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with response_limit(WEIGHTS_LIMIT):
            response = await call(client.get(path, cast_to=httpx2.Response, options={"params": params}, stream=True))
            try:
                with open(part, "wb") as out:
                    async for chunk in response.aiter_bytes():
                        out.write(chunk)
            finally:
                await response.aclose()
        os.replace(part, target)
    except OSError as exc:
        raise file_error(exc) from exc
    return target
