"""The charts section of an export: the learner's progress charts as embeddable images.

Where :mod:`workbook.charts` draws the figures, this turns them into :class:`Chart` images
(SVG, so they stay sharp in print); every format embeds them, none links them.
"""

from __future__ import annotations

import pandas as pd

from ..model import Chapter
from .document import Chart

__all__ = ["charts_for"]


def charts_for(chapter: Chapter, frame: pd.DataFrame) -> tuple[Chart, ...]:
    """The charts of one learner's latest answers; none until `workbook.charts` draws them."""
    return ()
