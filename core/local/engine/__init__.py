"""The training engine: torch, transformers, peft and trl, imported only by the modules inside this package.

Importing the package itself stays cheap (no torch), so code can name it without paying for the extra.
"""
