"""The learner's side of a cohort: send local events the cohort lacks to the cohort service
(`client.HttpTarget`) or a shared folder (`folder.FolderTarget`), as `wire` JSON.

Below the learner: a session hands itself to `client.attach_from_env`, and sync knows it only as
`client.Reporting` (what it reads, and where it says how a sync went).
"""

import lazy_loader

# Names listed in __init__.pyi, imported on first use (the CLI registers `workbook sync` from
# .commands without importing the client).
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
