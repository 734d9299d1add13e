"""Training and answering on the user's own computer (the optional ``local`` extra).

Everything that needs torch lives in ``core.local.engine`` and runs in a separate worker process or behind
the local server; the rest of this package stays importable without the extra.
"""
