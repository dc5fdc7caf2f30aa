"""`workbook install [DIR]`: put the course notebooks in a learner's folder, and update them.

A manifest (``DIR/.workbook-install.json``) records what was installed: the course version and,
per notebook, a hash of its cells' sources. On a new course version a notebook whose cells are
as installed is replaced (outputs and run counts don't count as changes: answers live in the
store, not in notebooks); one whose cells the learner edited is left alone and reported. The
facilitator's and the analyst's notebooks are installed only when asked for: a learner's folder
(what `workbook lab` serves them) holds the course alone, so one an earlier install put there
(versions before roles installed them for everyone) goes if it is as installed, as does any
notebook the course no longer has.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..course.content import load_course
from ..errors import WorkbookError
from ..paths import notebooks_root

__all__ = ["MANIFEST", "STAFF", "Installed", "install", "learner_notebooks"]

MANIFEST = ".workbook-install.json"
# Notebooks for the people who run the course, by role (generate.render writes them).
STAFF = {"facilitator": "facilitator.ipynb", "analyst": "cohort-analytics.ipynb"}


@dataclass
class Installed:
    version: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # changed by the learner: left alone
    removed: list[str] = field(default_factory=list)  # installed before, not asked for now

    @property
    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated"]
        if self.removed:
            parts.append(f"removed {', '.join(self.removed)}")
        if self.kept:
            parts.append(f"kept your edited {', '.join(self.kept)}")
        return f"course {self.version}: " + ", ".join(parts)


def cells_hash(text: str) -> str:
    """A hash of a notebook's cell types and sources, or of its bytes if it is not JSON."""
    try:
        cells = [(c.get("cell_type"), c.get("source")) for c in json.loads(text)["cells"]]
        data = json.dumps(cells, sort_keys=True)
    except (ValueError, KeyError, TypeError, AttributeError):
        data = text
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def learner_notebooks(source: Path) -> list[str]:
    """The course notebooks in `source` a learner works in: all but the staff's."""
    return sorted(p.name for p in source.glob("*.ipynb") if p.name not in STAFF.values())


def install(
    folder: Path,
    *,
    source: Path | None = None,
    facilitator: bool = False,
    analyst: bool = False,
) -> Installed:
    source = source or notebooks_root()
    version = load_course().version
    roles = {"facilitator": facilitator, "analyst": analyst}
    staff = [name for role, name in STAFF.items() if roles[role] and (source / name).is_file()]
    names = sorted(learner_notebooks(source) + staff)
    if not names:
        raise WorkbookError(f"no notebooks in {source}: reinstall workbook")
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text())
        known: dict[str, str] = dict(manifest.get("files", {}))
    except FileNotFoundError:
        known = {}
    except (ValueError, AttributeError) as err:
        raise WorkbookError(f"{manifest_path} is damaged ({err}): delete it and run again") from err
    result = Installed(version)
    for name in names:
        new = (source / name).read_text(encoding="utf-8")
        target = folder / name
        if target.exists():
            mine = cells_hash(target.read_text(encoding="utf-8", errors="surrogateescape"))
            if known.get(name) != mine:
                result.kept.append(name)
                continue
            if mine == cells_hash(new):
                continue
            result.updated.append(name)
        else:
            result.added.append(name)
        tmp = target.with_name(f".{name}.tmp")
        tmp.write_text(new, encoding="utf-8")
        os.replace(tmp, target)
        known[name] = cells_hash(new)
    for name in sorted(set(known) - set(names)):
        target = folder / name
        try:
            as_installed = known[name] == cells_hash(
                target.read_text(encoding="utf-8", errors="surrogateescape")
            )
        except FileNotFoundError:
            del known[name]
            continue
        if as_installed:
            target.unlink()
            result.removed.append(name)
            del known[name]
    tmp = manifest_path.with_name(f".{MANIFEST}.tmp")
    tmp.write_text(json.dumps({"version": version, "files": known}, indent=1, sort_keys=True))
    os.replace(tmp, manifest_path)
    return result
