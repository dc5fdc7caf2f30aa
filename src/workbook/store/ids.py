"""The id rules: what may name a cohort or learner folder, an exercise, a field or an event."""

from __future__ import annotations

import hashlib
import os
import re

from ..errors import IdError

__all__ = ["check_event_id", "check_id", "check_key", "identity", "show", "store_id"]

# Partition values are type-inferred by engines: DuckDB reads "inf"/"infinity" and "epoch" as
# DATEs, "2025-09-01" as a DATE, "00123" as an integer. A leading letter and this list avoid all.
PATH_ID = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,63}")
RESERVED = frozenset({"inf", "infinity", "nan", "null", "true", "false", "epoch"})
EXERCISE_ID = re.compile(r"[a-z0-9][a-z0-9.-]{0,63}")
FIELD = re.compile(r"[a-z0-9][a-z0-9./-]{0,127}")
EVENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def show(value: object) -> str:
    """A short repr for messages: a 1 MB answer must not become a 1 MB error."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_id(value: str, what: str) -> str:
    """Return `value` if it is safe as a cohort or learner directory name, else raise IdError."""
    if (
        not isinstance(value, str)
        or not PATH_ID.fullmatch(value)
        or ".." in value
        or value.lower() in RESERVED
    ):
        raise IdError(
            f"{what} {show(value)} is not allowed: use 1-64 characters, an ASCII letter first,"
            " then ASCII letters, digits, '.', '_' or '-', without '..', and not one of"
            " inf, infinity, nan, null, true, false, epoch"
        )
    return value


def check_key(value: object, what: str, pattern: re.Pattern[str], rule: str) -> None:
    if not isinstance(value, str) or not pattern.fullmatch(value) or ".." in value:
        raise IdError(f"{what} {show(value)} is not allowed: use {rule}, without '..'")


def check_event_id(value: object) -> None:
    if not isinstance(value, str) or not EVENT_ID.fullmatch(value):
        raise IdError(f"event_id {show(value)}: use 1-64 of A-Z a-z 0-9 _ -")


# Lower case only: on a case-insensitive file system (macOS, Windows) `ALICE` and `alice` would
# share one folder, so every upper-case letter is escaped like any other character.
_PLAIN = re.compile(r"[a-z0-9.-]")


def store_id(name: str) -> str:
    """The learner id of a hub or OS user name: valid, stable and collision-free (reversible).

    A name that is a valid id of lower-case letters, digits, '.' and '-' is its own id (``anna``,
    ``jane.doe``). Otherwise '_', upper-case letters and every character outside ``[a-z0-9.-]``
    (and the second '.' of '..') become ``_`` and two hex digits per UTF-8 byte
    (``jane.doe@example.com`` → ``jane.doe_40example.com``, ``Ann`` → ``u_x_41nn``); a result
    without a leading letter, or a reserved word, gets the prefix ``u_x`` (``1anna`` →
    ``u_x1anna``; escapes are ``_`` + hex, so ``_x`` can only be the prefix); a result over 64
    characters keeps 48 and appends ``_z`` + 14 hex digits of the name's SHA-256. Ids are lower
    case, so two names never share a folder even where the file system ignores case.
    """
    out: list[str] = []
    for char in name:
        if _PLAIN.fullmatch(char) and not (char == "." and out and out[-1] == "."):
            out.append(char)
        else:
            out.append("".join(f"_{b:02x}" for b in char.encode("utf-8", "surrogatepass")))
    encoded = "".join(out)
    if not encoded[:1].isascii() or not encoded[:1].isalpha() or encoded.lower() in RESERVED:
        encoded = "u_x" + encoded
    if len(encoded) > 64:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
        encoded = f"{encoded[:48]}_z{digest[:14]}"
    return check_id(encoded, "learner")


def identity() -> tuple[str, str]:
    """(cohort, learner): on a hub the hub's user name, else WORKBOOK_LEARNER, else "me".

    Any hub user name works: store_id maps it to a valid, stable id, as the hub service does.
    WORKBOOK_LEARNER is an id already, chosen by hand: a bad one is refused, not rewritten.
    """
    cohort = check_id(os.environ.get("WORKBOOK_COHORT", "local"), "cohort")
    if hub_user := os.environ.get("JUPYTERHUB_USER"):
        return cohort, store_id(hub_user)
    return cohort, check_id(os.environ.get("WORKBOOK_LEARNER") or "me", "learner")
