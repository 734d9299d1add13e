"""A tiny chat model built in the test itself: no downloads, a couple of seconds on a CPU.

The folder looks like one a user has on disk: a fast tokenizer (byte-level BPE, so any English or Chinese text
encodes) with a Qwen-style ChatML chat template, and a random-weight Llama or Qwen2 model in safetensors.
"""

from __future__ import annotations

from pathlib import Path

INIT_RANGE = 0.1  # larger than the usual 0.02, so the random output layer can move the loss far in few steps
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CHATML_TEMPLATE = (
    "{%- if messages[0]['role'] != 'system' %}"
    "{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{%- endif %}"
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)
CORPUS = [
    "You are a helpful assistant.", "What is the capital of France? The capital of France is Paris.",
    "Say hello to the user. Hello! How can I help you today?", "The quick brown fox jumps over the lazy dog.",
    "system user assistant tool", "What colour is the sky? The sky is blue.", "Answer in one word: yes or no.",
    "你好！我能帮你什么？", "中国的首都是北京。", "今天天气很好，我们去公园散步吧。", "请用中文回答这个问题。",
    "0 1 2 3 4 5 6 7 8 9 10 100 1000", "Good, bad, better, best. Small, smaller, smallest.",
]
QUESTIONS = [("What is the capital of France?", "Paris is the capital of France."),
             ("What colour is the sky?", "The sky is blue."),
             ("中国的首都是哪里？", "中国的首都是北京。"),
             ("Say hello.", "Hello! How can I help you today?")]


def make_tokenizer():  # noqa: ANN201 - PreTrainedTokenizerFast, imported lazily
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=420, special_tokens=SPECIALS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    core.train_from_iterator(CORPUS * 3, trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=core, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                   additional_special_tokens=["<|im_start|>"], chat_template=CHATML_TEMPLATE,
                                   model_max_length=512, clean_up_tokenization_spaces=False)


def make_tiny_model(folder: Path, arch: str = "llama") -> Path:
    """A model folder (config, tokenizer, safetensors weights) that AutoModelForCausalLM loads back."""
    import torch
    from transformers import AutoModelForCausalLM, LlamaConfig, Qwen2Config, Qwen3Config

    tokenizer = make_tokenizer()
    shape = dict(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                 num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512, tie_word_embeddings=False,
                 initializer_range=INIT_RANGE, eos_token_id=tokenizer.eos_token_id,
                 pad_token_id=tokenizer.pad_token_id, bos_token_id=None)
    config = {"llama": LlamaConfig, "qwen2": Qwen2Config, "qwen3": Qwen3Config}[arch](**shape)
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(config)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def memorisable_rows(n: int) -> list[dict]:
    """OpenAI chat rows short and repetitive enough that a few dozen steps more than halve the loss."""
    rows = []
    for index in range(n):
        question, answer = QUESTIONS[index % len(QUESTIONS)]
        messages = [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
        if index % 2:
            messages.insert(0, {"role": "system", "content": "You are a helpful assistant."})
        rows.append({"messages": messages})
    return rows
