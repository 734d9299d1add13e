"""The trainer's callback that turns HF Trainer logs into the job's events and honours the pause request.

Events follow the job-folder contract (``core.local.job_files``): one ``metrics`` line per step (with the
validation loss folded in when that step was evaluated), one ``checkpoint`` line per saved checkpoint.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments

from core.local.job_files import CHECKPOINT_PREFIX, CHECKPOINTS_DIR, EventWriter, pause_requested


class JobEvents(TrainerCallback):
    """Writes started/metrics/checkpoint events and stops with a checkpoint when the control file says pause."""

    def __init__(self, folder: Path, events: EventWriter, examples: int) -> None:
        self.folder, self.events, self.examples = folder, events, examples
        self.pending: dict[str, Any] | None = None
        self.train_loss: float | None = None
        self.valid: tuple[int, float] | None = None  # (step, loss) of the latest evaluation
        self.saved_step = -1
        self.paused = False
        self.parent = os.getppid()  # the server; a new parent means it was killed and this worker is orphaned

    def on_train_begin(self, args: TrainingArguments, state: TrainerState, control: TrainerControl,
                       **kwargs: Any) -> None:
        per_epoch = -(-state.max_steps // max(1, int(args.num_train_epochs)))
        self.events.write("started", total_steps=state.max_steps, steps_per_epoch=per_epoch, device=args.device.type,
                          examples=self.examples, step=state.global_step)

    def on_step_end(self, args: TrainingArguments, state: TrainerState, control: TrainerControl,
                    **kwargs: Any) -> None:
        self._flush()
        orphaned = os.getppid() != self.parent  # the next server resumes the job from this checkpoint
        if (orphaned or pause_requested(self.folder)) and state.global_step < state.max_steps:
            self.paused = True
            control.should_save = True
            control.should_training_stop = True

    def on_log(self, args: TrainingArguments, state: TrainerState, control: TrainerControl,
               logs: dict[str, float] | None = None, **kwargs: Any) -> None:
        logs = logs or {}
        if "loss" in logs:
            self.train_loss = logs["loss"]
            self.pending = {"step": state.global_step, "total_steps": state.max_steps,
                            "epoch": round(state.epoch or 0.0, 4), "train_loss": logs["loss"]}
            if "mean_token_accuracy" in logs:
                self.pending["train_mean_token_accuracy"] = logs["mean_token_accuracy"]
            if not control.should_evaluate:  # no validation loss to wait for at this step
                self._flush()
        elif "eval_loss" in logs:
            self.valid = (state.global_step, logs["eval_loss"])
            if self.pending is None:
                self.pending = {"step": state.global_step, "total_steps": state.max_steps,
                                "epoch": round(state.epoch or 0.0, 4), "train_loss": self.train_loss}
            self.pending["valid_loss"] = logs["eval_loss"]
            self._flush()

    def on_save(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any) -> None:
        self._flush()
        if state.global_step == self.saved_step:  # a pause at an epoch's end saves the same step twice
            return
        self.saved_step = state.global_step
        event: dict[str, Any] = {"step": state.global_step, "train_loss": self.train_loss,
                                 "path": f"{CHECKPOINTS_DIR}/{CHECKPOINT_PREFIX}{state.global_step}"}
        if self.valid and self.valid[0] == state.global_step:
            event["valid_loss"] = self.valid[1]
        self.events.write("checkpoint", **event)

    def on_train_end(self, args: TrainingArguments, state: TrainerState, control: TrainerControl,
                     **kwargs: Any) -> None:
        self._flush()

    def _flush(self) -> None:
        if self.pending is not None:
            self.events.write("metrics", **self.pending)
            self.pending = None
