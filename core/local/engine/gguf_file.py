"""A GGUF file (F16 or F32) from a model folder, for llama.cpp, Ollama and LM Studio.

The ``gguf`` package ships the writer and the tensor-name tables but not llama.cpp's ``convert_hf_to_gguf.py``,
so this module does that script's part for the architectures of our catalogue (Llama, Qwen2, Qwen3) with
byte-level BPE tokenizers: the same metadata keys, the same tensor names, llama.cpp's q/k row order for Llama,
and Llama 3's rope frequency factors.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gguf
import numpy as np
import torch
from safetensors import safe_open
from transformers import AutoTokenizer

from core.errors import CoreError
from core.i18n import tr

ARCHITECTURES = {"LlamaForCausalLM": gguf.MODEL_ARCH.LLAMA, "Qwen2ForCausalLM": gguf.MODEL_ARCH.QWEN2,
                 "Qwen3ForCausalLM": gguf.MODEL_ARCH.QWEN3}
# llama.cpp names its pre-tokenizer (the regex that splits text before BPE) per model family.
PRE_TOKENIZERS = {gguf.MODEL_ARCH.LLAMA: "llama-bpe", gguf.MODEL_ARCH.QWEN2: "qwen2", gguf.MODEL_ARCH.QWEN3: "qwen2"}


def _unsupported(what: str) -> CoreError:
    return CoreError(tr("This model cannot be exported as GGUF here ({what})."),
                     tr("Export the merged model folder and convert it with llama.cpp's convert_hf_to_gguf.py."),
                     detail=what)


def _architecture(config: dict[str, Any], folder: Path) -> gguf.MODEL_ARCH:
    name = (config.get("architectures") or ["?"])[0]
    if name not in ARCHITECTURES:
        raise _unsupported(name)
    tokenizer = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8")) \
        if (folder / "tokenizer.json").is_file() else {}
    if tokenizer.get("model", {}).get("type") != "BPE":
        raise _unsupported("tokenizer is not byte-level BPE")
    return ARCHITECTURES[name]


def _rope(config: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    """Rope base and scaling, from transformers 5's ``rope_parameters`` or the older separate keys."""
    parameters = config.get("rope_parameters") or {}
    scaling = config.get("rope_scaling") or parameters
    return float(config.get("rope_theta") or parameters.get("rope_theta") or 10000.0), scaling


def head_dim(config: dict[str, Any]) -> int:
    return config.get("head_dim") or config["hidden_size"] // config["num_attention_heads"]


def _hyperparameters(writer: gguf.GGUFWriter, config: dict[str, Any], f16: bool) -> None:
    heads = config["num_attention_heads"]
    writer.add_context_length(config["max_position_embeddings"])
    writer.add_embedding_length(config["hidden_size"])
    writer.add_block_count(config["num_hidden_layers"])
    writer.add_feed_forward_length(config["intermediate_size"])
    writer.add_head_count(heads)
    writer.add_head_count_kv(config.get("num_key_value_heads") or heads)
    writer.add_key_length(head_dim(config))
    writer.add_value_length(head_dim(config))
    writer.add_rope_dimension_count(head_dim(config))
    writer.add_rope_freq_base(_rope(config)[0])
    writer.add_layer_norm_rms_eps(config["rms_norm_eps"])
    writer.add_vocab_size(config["vocab_size"])
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16 if f16 else gguf.LlamaFileType.ALL_F32)


def llama3_rope_factors(config: dict[str, Any]) -> np.ndarray | None:
    """Llama 3.x's long-context rope scaling as llama.cpp stores it: one factor per rotary frequency."""
    base, scaling = _rope(config)
    if str(scaling.get("rope_type", scaling.get("type", ""))).lower() != "llama3":
        return None
    dim, factor = head_dim(config), scaling.get("factor", 8.0)
    low, high = scaling.get("low_freq_factor", 1.0), scaling.get("high_freq_factor", 4.0)
    old_context = scaling.get("original_max_position_embeddings", 8192)
    factors = []
    for freq in 1.0 / (base ** (np.arange(0, dim, 2, dtype=np.float32) / dim)):
        wavelength = 2 * math.pi / freq
        if wavelength < old_context / high:
            factors.append(1.0)
        elif wavelength > old_context / low:
            factors.append(factor)
        else:
            smooth = (old_context / wavelength - low) / (high - low)
            factors.append(1 / ((1 - smooth) / factor + smooth))
    return np.array(factors, dtype=np.float32)


def permute_for_llama_cpp(weights: torch.Tensor, heads: int) -> torch.Tensor:
    """llama.cpp's rotary layout for Llama's q/k rows (its ``LlamaModel.permute``): HF keeps each head's two
    rotary halves apart, llama.cpp interleaves them."""
    return weights.reshape(heads, 2, weights.shape[0] // heads // 2, *weights.shape[1:]).swapaxes(1, 2) \
        .reshape(weights.shape)


def _safetensors(folder: Path) -> Iterator[tuple[str, torch.Tensor]]:
    for path in sorted(folder.glob("*.safetensors")):
        with safe_open(str(path), framework="pt") as stream:
            for name in stream.keys():  # noqa: SIM118 - safe_open is not a mapping
                yield name, stream.get_tensor(name)


def _tensors(writer: gguf.GGUFWriter, folder: Path, config: dict[str, Any], arch: gguf.MODEL_ARCH,
             f16: bool) -> None:
    """Weights under llama.cpp's names: matrices in F16 (or F32), norms and biases always in F32."""
    names = gguf.get_tensor_name_map(arch, config["num_hidden_layers"])
    heads = config["num_attention_heads"]
    for name, tensor in _safetensors(folder):
        if name.endswith("rotary_emb.inv_freq"):
            continue
        target = names.get_name(name, try_suffixes=(".weight", ".bias"))
        if target is None:
            raise _unsupported(f"unknown tensor {name}")
        if arch == gguf.MODEL_ARCH.LLAMA and name.endswith(("q_proj.weight", "k_proj.weight")):
            tensor = permute_for_llama_cpp(tensor, heads if "q_proj" in name else config["num_key_value_heads"])
        data = tensor.float().numpy()
        writer.add_tensor(target, data.astype(np.float16) if f16 and data.ndim > 1 else data)
    factors = llama3_rope_factors(config)
    if factors is not None:
        writer.add_tensor(gguf.TENSOR_NAMES[gguf.MODEL_TENSOR.ROPE_FREQS] + ".weight", factors)


def _vocabulary(writer: gguf.GGUFWriter, folder: Path, config: dict[str, Any], arch: gguf.MODEL_ARCH) -> None:
    """The byte-level BPE vocabulary as llama.cpp's "gpt2" tokenizer model, padded to the model's vocab size,
    plus merges, special tokens and the chat template (``gguf.SpecialVocab``)."""
    tokenizer = AutoTokenizer.from_pretrained(folder)
    by_id = {index: token for token, index in tokenizer.get_vocab().items()}
    added, decoder = tokenizer.get_added_vocab(), tokenizer.added_tokens_decoder
    tokens, types = [], []
    for index in range(config["vocab_size"]):
        token = by_id.get(index)
        if token is None:
            tokens.append(f"[PAD{index}]")
            types.append(gguf.TokenType.USER_DEFINED)
            continue
        tokens.append(token)
        if token not in added:
            types.append(gguf.TokenType.NORMAL)
        else:
            types.append(gguf.TokenType.CONTROL if decoder[index].special else gguf.TokenType.USER_DEFINED)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre(PRE_TOKENIZERS[arch])
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    gguf.SpecialVocab(folder, load_merges=True, n_vocab=len(tokens)).add_to_gguf(writer)


def write_gguf(folder: Path, out_file: Path, f16: bool = True) -> Path:
    """``out_file`` from the (merged) model folder ``folder``."""
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    arch = _architecture(config, folder)
    writer = gguf.GGUFWriter(str(out_file), gguf.MODEL_ARCH_NAMES[arch])
    writer.add_name(folder.name)
    _hyperparameters(writer, config, f16)
    _vocabulary(writer, folder, config, arch)
    _tensors(writer, folder, config, arch, f16)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out_file
