"""The export process: ``python -m core.local.exporter FORMAT MODEL_DIR ADAPTER_DIR|- OUT_FOLDER``.

A trained model made portable: the LoRA adapter as it is (peft, vLLM, LLaMA-Factory), a merged model folder
(transformers, vLLM) or a GGUF file with an Ollama Modelfile (llama.cpp, Ollama, LM Studio). Merging loads the whole
model, so it runs in a process of its own, which the server can end at once when the user cancels. The last line of
standard output is one JSON object: {"files": [...]} or {"error": {"code", "message"}}.
"""

from __future__ import annotations

import json
import shutil
import sys
import traceback
from pathlib import Path

from core.errors import CoreError
from core.i18n import tr, use_inherited_language
from core.local.errors import classify

FORMATS = ("adapter", "merged", "gguf")
ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors", "tokenizer.json", "tokenizer_config.json",
                 "special_tokens_map.json", "chat_template.jinja")


def export(kind: str, model_dir: str, adapter_dir: str | None, out: Path) -> list[Path]:
    """Write the export ``kind`` of base ``model_dir`` (+ ``adapter_dir``) into ``out``; the files written."""
    out.mkdir(parents=True, exist_ok=True)
    if kind == "adapter":
        if adapter_dir is None:
            raise ValueError("a base model has no adapter to export")
        for name in ADAPTER_FILES:
            if (Path(adapter_dir) / name).is_file():
                shutil.copy2(Path(adapter_dir) / name, out / name)
    elif kind == "merged":
        from core.local.engine.export import merge  # torch and friends: only in this process

        merge(model_dir, adapter_dir, out) if adapter_dir else shutil.copytree(model_dir, out, dirs_exist_ok=True)
    else:
        from core.local.engine.export import export_gguf

        export_gguf(model_dir, adapter_dir, out)
    return sorted(p for p in out.rglob("*") if p.is_file())


def error_of(exc: Exception) -> dict[str, str]:
    """What went wrong, in plain words: our own refusals as they are, memory and disk as for training."""
    if isinstance(exc, CoreError):
        return {"code": "unsupported", "message": f"{exc.user_message} {exc.hint}".strip()}
    code, message = classify(exc)
    if code == "internal":
        message = tr("The export stopped because of an unexpected error: {error}").format(error=str(exc)[:500])
    return {"code": code, "message": message}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 4 or argv[0] not in FORMATS:
        print("usage: python -m core.local.exporter adapter|merged|gguf MODEL_DIR ADAPTER_DIR|- OUT", file=sys.stderr)
        return 2
    use_inherited_language()
    kind, model_dir, adapter_dir, out = argv[0], argv[1], None if argv[2] == "-" else argv[2], Path(argv[3])
    try:
        files = export(kind, model_dir, adapter_dir, out)
    except Exception as exc:  # noqa: BLE001 - every failure is reported as a classified error line
        traceback.print_exc()
        print(json.dumps({"error": error_of(exc)}, ensure_ascii=False), flush=True)
        return 1
    print(json.dumps({"files": [str(p) for p in files]}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
