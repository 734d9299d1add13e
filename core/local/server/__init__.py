"""The local server: the OpenAI-shaped API (files, fine-tuning jobs, models, chat) in front of the training worker
and the answering engine on this computer. It runs in its own process (see core.local.launcher), so the app's window
never loads PyTorch; only the chat route and the worker import the engine."""
