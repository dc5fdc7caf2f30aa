"""Hub and OS user names become valid, stable, collision-free learner ids."""

from __future__ import annotations

import itertools
import random

import pytest

from workbook.store import check_id, store_id


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anna", "anna"),
        ("jane.doe", "jane.doe"),
        ("Jane-Doe", "Jane-Doe"),
        ("jane.doe@example.com", "jane.doe_40example.com"),
        ("1anna", "u_x1anna"),
        ("x_y", "x_5fy"),
        ("a..b", "a._2eb"),
        ("nan", "u_xnan"),
        ("Epoch", "u_xEpoch"),
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
    alphabet = "aZ09._-@+ é~"
    names = ["".join(p) for n in range(1, 5) for p in itertools.product(alphabet, repeat=n)]
    rng = random.Random(7)
    names += ["".join(rng.choices(alphabet, k=rng.randint(20, 90))) for _ in range(2000)]
    ids = {store_id(n) for n in set(names)}
    assert len(ids) == len(set(names))
    assert all(check_id(i, "learner") == i for i in ids)
