"""Exports that run anywhere: a merged model folder (base + LoRA baked in) and a GGUF file with a Modelfile.

The LoRA adapter itself needs no export step: ``<job>/adapter`` already holds ``adapter_config.json`` and
``adapter_model.safetensors`` that peft, vLLM and llama.cpp's LoRA converter read.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from transformers import AutoModelForCausalLM, AutoTokenizer

from core.local.engine.answer import load_tokenizer
from core.local.engine.gguf_file import write_gguf

GGUF_NAME = "model.gguf"
CHATML_MODELFILE = '''FROM ./{gguf}
TEMPLATE """{{{{ if .System }}}}<|im_start|>system
{{{{ .System }}}}<|im_end|>
{{{{ end }}}}{{{{ if .Prompt }}}}<|im_start|>user
{{{{ .Prompt }}}}<|im_end|>
{{{{ end }}}}<|im_start|>assistant
{{{{ .Response }}}}<|im_end|>
"""
PARAMETER stop "<|im_start|>"
PARAMETER stop "<|im_end|>"
'''


def merge(model_dir: str, adapter_dir: str, out_dir: Path) -> Path:
    """A full model folder with the adapter merged in (``merge_and_unload``), in the base's own dtype, plus the
    tokenizer the adapter was trained with: transformers, vLLM and GGUF converters load it like any model."""
    from peft import PeftModel

    base = AutoModelForCausalLM.from_pretrained(model_dir, dtype="auto")
    merged = PeftModel.from_pretrained(base, adapter_dir).merge_and_unload()
    out_dir.mkdir(parents=True, exist_ok=True)
    merged.save_pretrained(out_dir)
    load_tokenizer(model_dir, adapter_dir).save_pretrained(out_dir)
    return out_dir


def modelfile(template: str | None, gguf_name: str = GGUF_NAME) -> str:
    """An Ollama Modelfile: ChatML models get the template spelled out; others rely on the chat template Ollama
    reads from the GGUF's metadata."""
    if template and "<|im_start|>" in template:
        return CHATML_MODELFILE.format(gguf=gguf_name)
    return f"FROM ./{gguf_name}\n"


def export_gguf(model_dir: str, adapter_dir: str | None, out_dir: Path, f16: bool = True) -> Path:
    """``out_dir/model.gguf`` (F16 or F32) and ``out_dir/Modelfile`` for ``ollama create NAME -f Modelfile``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="merge-", dir=out_dir))
    try:
        source = merge(model_dir, adapter_dir, work) if adapter_dir else Path(model_dir)
        target = write_gguf(source, out_dir / GGUF_NAME, f16=f16)
        template = AutoTokenizer.from_pretrained(source).chat_template
        (out_dir / "Modelfile").write_text(modelfile(template, target.name), encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
