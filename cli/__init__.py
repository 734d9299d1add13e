"""The command-line front-end: parses arguments, calls core's workflows, prints (server text made plain).

main.py builds the core services and hands them in; nothing here imports the GUI or the Sandbox."""
