"""The installation's pseudonym salt: analyst outputs carry salted learner ids unless asked not to.

One secret per installation (per user's configuration folder), created on first use in a file
only its owner can read. The same salt gives the same pseudonyms in every output, so outputs
can be joined with each other but not with names. ``WORKBOOK_SALT`` (the secret itself) or
``WORKBOOK_SALT_FILE`` (another file) override it, e.g. to share one salt across machines.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from ..errors import PrivacyError

__all__ = ["MIN_GROUP", "SALT_ENV", "SALT_FILE_ENV", "installation_salt", "salt_path"]

MIN_GROUP = 5  # the smallest group any figure about learners is given for (here, no pandas)
SALT_ENV = "WORKBOOK_SALT"
SALT_FILE_ENV = "WORKBOOK_SALT_FILE"


def salt_path() -> Path:
    """$WORKBOOK_SALT_FILE, else ``pseudonym-salt`` in the user's workbook configuration folder."""
    if named := os.environ.get(SALT_FILE_ENV):
        return Path(named).expanduser()
    import platformdirs

    return platformdirs.user_config_path("workbook") / "pseudonym-salt"


def installation_salt(path: Path | str | None = None) -> str:
    """The salt of this installation: $WORKBOOK_SALT, else the salt file's (made 0600 if none).

    Raises PrivacyError if the file others can read (the salt would no longer hide anyone) or
    it cannot be read or made.
    """
    if path is None and (given := os.environ.get(SALT_ENV)):
        return given
    file = Path(path) if path is not None else salt_path()
    try:
        return _read(file)
    except FileNotFoundError:
        pass
    try:
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile: use theirs
        return _read(file)
    except OSError as err:
        raise PrivacyError(f"cannot make the pseudonym salt {file}: {err}") from err
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_urlsafe(32) + "\n")
    return _read(file)


def _read(file: Path) -> str:
    try:
        mode = file.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise PrivacyError(
                f"the pseudonym salt {file} can be read by others: run `chmod 600 {file}`"
            )
        salt = file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise
    except OSError as err:
        raise PrivacyError(f"cannot read the pseudonym salt {file}: {err}") from err
    if not salt:
        raise PrivacyError(f"the pseudonym salt {file} is empty: delete it to make a new one")
    return salt
