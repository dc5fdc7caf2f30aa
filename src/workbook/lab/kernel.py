"""A learner's kernel: ipykernel without its debugger.

ipykernel imports debugpy as it starts (~20 MB RSS of a 52 MB bare kernel) so that JupyterLab's
debugger can attach to it. A learner's course-only Lab has no use for a debugger, so the
learner's Lab and app start this instead of `ipykernel_launcher`: the `python3` kernelspec in
`learner_kernels/`, first on JUPYTER_PATH (`jupyter.learner_environment`). With debugpy not
importable, ipykernel starts as it does where debugpy is not installed: no debugger, and its
kernel_info does not offer one (JupyterLab shows no debugger button).
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["main"]


def main() -> None:
    if sys.path[0] == "" or Path(sys.path[0]) == Path.cwd():
        del sys.path[0]  # as ipykernel_launcher does; IPython puts the notebook's folder back
    sys.modules["debugpy"] = None  # type: ignore[assignment]  # its import raises ImportError
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
