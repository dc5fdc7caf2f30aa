"""Hub and OS user names become valid, stable, collision-free learner ids."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from workbook.store import Event, ParquetStore, check_id, identity, store_id


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anna", "anna"),
        ("jane.doe", "jane.doe"),
        ("Jane-Doe", "u_x_4aane-_44oe"),
        ("ALICE", "u_x_41_4c_49_43_45"),
        ("12345", "u_x12345"),
        ("jane.doe@example.com", "jane.doe_40example.com"),
        ("1anna", "u_x1anna"),
        ("x_y", "x_5fy"),
        ("a..b", "a._2eb"),
        ("nan", "u_xnan"),
        ("Epoch", "u_x_45poch"),
        ("epoch", "u_xepoch"),
        ("josé", "jos_c3_a9"),
        ("", "u_x"),
        ("../etc", "u_x._2e_2fetc"),
    ],
)
def test_names_map_to_readable_ids(name: str, expected: str) -> None:
    assert store_id(name) == expected
    assert store_id(name) == expected  # stable


def test_long_names_are_cut_with_a_hash() -> None:
    a, b = "a" * 70, "a" * 71
    assert len(store_id(a)) <= 64 and store_id(a) != store_id(b)
    assert store_id(a).startswith("a" * 48 + "_z")


def test_no_two_names_share_an_id() -> None:
    alphabet = "aZz09._-@+ é~"
    names = ["".join(p) for n in range(1, 5) for p in itertools.product(alphabet, repeat=n)]
    rng = random.Random(7)
    names += ["".join(rng.choices(alphabet, k=rng.randint(20, 90))) for _ in range(2000)]
    ids = {store_id(n) for n in set(names)}
    assert len(ids) == len(set(names))
    assert len({i.lower() for i in ids}) == len(ids)  # distinct on case-insensitive disks too
    assert all(check_id(i, "learner") == i for i in ids)


@pytest.mark.parametrize("user", ["jane.doe@uni.edu", "12345", "ALICE", "alice", "null"])
def test_any_hub_user_can_save_and_restore(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, user: str
) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", user)
    cohort, learner = identity()
    assert learner == store_id(user)
    store = ParquetStore(tmp_path)
    store.append([Event(cohort, learner, "m03.skills", "patience", "score", 4)])
    assert [e.value for e in store.history(cohort, learner)] == [4]
    assert store.learners() == [(cohort, learner)]
