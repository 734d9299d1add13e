"""LoRA fine-tuning on this computer with trl's SFTTrainer / DPOTrainer; accelerate picks the device.

The defaults are the ones a non-technical user never touches: LoRA rank 16, alpha 32, dropout 0.05 on every
linear layer (the QLoRA paper's finding that adapting all linear layers matches full fine-tuning best), the
max length from the data, the learning rate from OpenAI's "learning-rate multiplier".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from datasets import Dataset
from peft import LoraConfig
from transformers import AutoModelForCausalLM, AutoTokenizer, PrinterCallback, set_seed

from core.local.engine.data import Prepared, prepare_dpo, prepare_supervised, read_rows
from core.local.engine.progress import JobEvents
from core.local.job_files import ADAPTER_DIR, CHECKPOINTS_DIR, EventWriter, TrainSpec, newest_checkpoint

LORA_RANK, LORA_ALPHA, LORA_DROPOUT = 16, 32, 0.05
# OpenAI's "auto" multipliers are 0.05-0.2 (its docs suggest 0.02-0.2); times 2e-3 that gives 1e-4-4e-4, the
# range LoRA recipes use at rank 16 (LLaMA-Factory's 1e-4, the PEFT/trl examples' 2e-4). A multiplier of 1
# (2e-3) is already aggressive for LoRA, so the scale keeps user-chosen values inside a sane band too.
BASE_LEARNING_RATE = 2e-3
DPO_BETA = 0.1  # trl's and OpenAI's default
EVALS_PER_EPOCH = 4  # a validation loss on the chart every quarter epoch, not only at its end


@dataclass(frozen=True)
class Outcome:
    status: str  # "succeeded" | "paused"
    trained_tokens: int


def lora_config() -> LoraConfig:
    return LoraConfig(r=LORA_RANK, lora_alpha=LORA_ALPHA, lora_dropout=LORA_DROPOUT, target_modules="all-linear",
                      task_type="CAUSAL_LM")


def device_dtype() -> torch.dtype:
    """bf16 where the GPU has it, fp16 on other GPUs, fp32 on the processor and Apple's MPS (most reliable)."""
    if torch.cuda.is_available():
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


def _load(spec: TrainSpec) -> tuple[Any, Any]:
    tokenizer = AutoTokenizer.from_pretrained(spec.model_dir)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(spec.model_dir, dtype=device_dtype())
    return tokenizer, model


def _prepare(spec: TrainSpec, tokenizer: Any, events: EventWriter) -> tuple[Prepared, Prepared | None]:
    prepare = prepare_dpo if spec.method == "dpo" else prepare_supervised
    train = prepare(tokenizer, read_rows(spec.training_file))
    valid = prepare(tokenizer, read_rows(spec.validation_file)) if spec.validation_file else None
    for warning in train.warnings + (valid.warnings if valid else ()):
        events.message(warning, "warning")
    return train, valid


def _common_args(spec: TrainSpec, folder: Path, train: Prepared, valid: Prepared | None) -> dict[str, Any]:
    """Trainer settings shared by SFT and DPO; the batch is split over the GPUs so its size means the same."""
    devices = max(1, torch.cuda.device_count())
    per_device = max(1, spec.batch_size // devices)
    steps_per_epoch = -(-len(train.examples) // (per_device * devices))
    dtype = device_dtype()
    return dict(
        output_dir=str(folder / CHECKPOINTS_DIR), num_train_epochs=spec.n_epochs,
        per_device_train_batch_size=per_device, per_device_eval_batch_size=per_device,
        learning_rate=BASE_LEARNING_RATE * spec.learning_rate_multiplier,
        seed=spec.seed, data_seed=spec.seed, logging_strategy="steps", logging_steps=1, save_strategy="epoch",
        eval_strategy="steps" if valid else "no", eval_steps=max(1, -(-steps_per_epoch // EVALS_PER_EPOCH)),
        bf16=dtype == torch.bfloat16, fp16=dtype == torch.float16, max_length=train.max_length, report_to="none",
        disable_tqdm=True, include_num_input_tokens_seen="non_padding", dataloader_pin_memory=torch.cuda.is_available())


def _trainer(spec: TrainSpec, folder: Path, tokenizer: Any, model: Any, train: Prepared,
             valid: Prepared | None) -> Any:
    args = _common_args(spec, folder, train, valid)
    datasets = dict(train_dataset=Dataset.from_list(train.examples),
                    eval_dataset=Dataset.from_list(valid.examples) if valid else None)
    if spec.method == "dpo":
        from trl import DPOConfig, DPOTrainer

        config = DPOConfig(**args, beta=spec.beta or DPO_BETA)
        return DPOTrainer(model=model, args=config, processing_class=tokenizer, peft_config=lora_config(), **datasets)
    from trl import SFTConfig, SFTTrainer

    return SFTTrainer(model=model, args=SFTConfig(**args), processing_class=tokenizer, peft_config=lora_config(),
                      **datasets)


def run_training(spec: TrainSpec, folder: Path, events: EventWriter) -> Outcome:
    """Trains (or resumes) the job in ``folder``; the final adapter lands in ``folder/adapter``."""
    set_seed(spec.seed)
    tokenizer, model = _load(spec)
    train, valid = _prepare(spec, tokenizer, events)
    trainer = _trainer(spec, folder, tokenizer, model, train, valid)
    callback = JobEvents(folder, events, len(train.examples))
    trainer.add_callback(callback)
    trainer.remove_callback(PrinterCallback)  # the events file is the record; keep the worker's output for errors
    checkpoint = newest_checkpoint(folder) if spec.resume else None
    trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint else None)
    tokens = int(trainer.state.num_input_tokens_seen)
    if callback.paused:
        return Outcome("paused", tokens)
    trainer.save_model(str(folder / ADAPTER_DIR))
    tokenizer.save_pretrained(str(folder / ADAPTER_DIR))
    return Outcome("succeeded", tokens)
