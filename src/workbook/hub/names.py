"""Hub and OS user names as store ids: valid, stable and collision-free.

A store id is 1-64 ASCII letters, digits, '.', '_' or '-', a letter first, no '..', not a word
an engine reads as a value (see :func:`workbook.store.check_id`). Hub user names can be e-mail
addresses or start with a digit, so they are encoded, reversibly:

- a name that is a valid id without '_' is its own id (``anna``, ``jane.doe``);
- '_' and every other character outside ``[A-Za-z0-9.-]`` (and the second '.' of '..') become
  ``_`` + two lowercase hex digits per UTF-8 byte (``jane.doe@example.com`` →
  ``jane.doe_40example.com``);
- a result that does not start with a letter, or is a reserved word, gets the prefix ``u_x``
  (``1anna`` → ``u_x1anna``): escapes are always ``_`` + hex, so ``_x`` marks the prefix;
- a result longer than 64 characters keeps its first 48 and appends ``_z`` + 14 hex digits of
  the name's SHA-256 (a collision would need a SHA-256 prefix collision of 56 bits).
"""

from __future__ import annotations

import hashlib
import re

from ..store import check_id

__all__ = ["store_id"]

_PLAIN = re.compile(r"[A-Za-z0-9.-]")
_RESERVED = frozenset({"inf", "infinity", "nan", "null", "true", "false", "epoch"})


def store_id(name: str) -> str:
    """The store id of a hub or OS user name (see the module docstring for the rule)."""
    out: list[str] = []
    for char in name:
        if _PLAIN.fullmatch(char) and not (char == "." and out and out[-1] == "."):
            out.append(char)
        else:
            out.append("".join(f"_{b:02x}" for b in char.encode("utf-8", "surrogatepass")))
    encoded = "".join(out)
    if not encoded[:1].isascii() or not encoded[:1].isalpha() or encoded.lower() in _RESERVED:
        encoded = "u_x" + encoded
    if len(encoded) > 64:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
        encoded = f"{encoded[:48]}_z{digest[:14]}"
    return check_id(encoded, "learner")
