"""Workshops on JupyterHub: the cohort service, sync from the learner's side, the facilitator view.

The service (``python -m workbook.hub``) needs jupyterhub, installed with ``workbook[hub]``;
the learner's side needs only what workbook needs.
"""

import lazy_loader

# Names listed in __init__.pyi, imported on first use (the CLI registers `workbook sync` from
# .commands without importing the sync client).
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
