"""pyarrow loaded lean where a learner's kernel needs it: only on the direct store's path.

Under a workbook server a kernel's store is the server's (`remote`) and the kernel never loads
pyarrow; a kernel outside one (nbclient, plain Jupyter) or whose server is gone writes Parquet
itself, and loads pyarrow this way.
"""

from __future__ import annotations

import os
import sys

__all__ = ["kernel_arrow", "lean_arrow"]

# Optional to pyarrow, and not needed by a learner's kernel (see lean_arrow).
_OPTIONAL = (
    "numpy",
    "cloudpickle",
    "pyarrow._s3fs",
    "pyarrow._gcsfs",
    "pyarrow._azurefs",
    "pyarrow._hdfs",
)


def lean_arrow() -> None:
    """Load pyarrow without NumPy and the cloud filesystems, allocating with malloc.

    pyarrow imports NumPy (+6 MB RSS per kernel) and the S3/GCS/Azure/HDFS filesystems (+3.5 MB:
    libarrow_s3, OpenSSL) if it can; both are optional to it (`try: import numpy … except
    ImportError: np = None` in pyarrow.lib and pyarrow._compute, the same in pyarrow.fs). The
    kernel needs neither: its store reads and writes local files from buffers without NumPy
    (columns.py), and My progress draws and exports in a child process (learner/offload.py).
    A `None` in sys.modules makes an import raise ImportError; it is only there while pyarrow
    loads, so NumPy itself can still be imported later, but this pyarrow then cannot convert
    to or from NumPy or pandas (`to_numpy`, `to_pandas`: "NumPy is not present").
    Arrow's jemalloc pool keeps ~4 MB more than malloc for a learner's few small tables
    (ARROW_DEFAULT_MEMORY_POOL, read when Arrow first allocates; children inherit it).
    """
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    for name in _OPTIONAL:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import pyarrow.compute
        import pyarrow.parquet  # noqa: F401
    finally:
        for name in _OPTIONAL:
            del sys.modules[name]


def kernel_arrow() -> None:
    """:func:`lean_arrow`, only in a kernel (ipykernel loaded) where neither NumPy nor pyarrow is
    loaded yet: not in the CLI, a test run, or an analyst's notebook that imported pandas first."""
    if "ipykernel" in sys.modules and not {"numpy", "pyarrow"} & sys.modules.keys():
        lean_arrow()
