"""The learner's live workbook in a kernel: the session that saves every answer, the widgets,
the live watcher and My progress.

The top layer for a learner: it may use every layer below (the store, sync, charts, exports,
the cohort's figures through `hub.compare`); nothing below imports it.
"""

import sys


def _lean_arrow() -> None:
    """Load pyarrow in a learner's kernel without NumPy and the cloud filesystems.

    pyarrow imports NumPy (+6 MB RSS per kernel) and the S3/GCS/Azure/HDFS filesystems (+3.5 MB:
    libarrow_s3, OpenSSL) if it can; both are optional to it (`try: import numpy … except
    ImportError: np = None` in pyarrow.lib and pyarrow._compute, the same in pyarrow.fs). The
    kernel needs neither: its store reads and writes local files from buffers without NumPy
    (store/columns.py), and My progress draws and exports in a child process (offload.py).
    A `None` in sys.modules makes an import raise ImportError; it is only there while pyarrow
    loads, so NumPy itself can still be imported later, but this pyarrow then cannot convert
    to or from NumPy or pandas (`to_numpy`, `to_pandas`: "NumPy is not present"). So only in a
    kernel (ipykernel loaded) where neither NumPy nor pyarrow is loaded yet: not in the CLI,
    a test run, or an analyst's notebook that imported pandas first.
    """
    if "ipykernel" not in sys.modules or "numpy" in sys.modules or "pyarrow" in sys.modules:
        return
    optional = ("numpy", "pyarrow._s3fs", "pyarrow._gcsfs", "pyarrow._azurefs", "pyarrow._hdfs")
    for name in optional:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import pyarrow.compute
        import pyarrow.parquet  # noqa: F401
    finally:
        for name in optional:
            del sys.modules[name]


_lean_arrow()
