"""Self-score charts from the tidy answers frame: one learner's progress or a cohort's.

frame = workbook.store_answers(root)            # or learner_answers(store, cohort, learner)
figure = charts.latest_scores(frame, chapter, "m03.skills")
charts.save(figure, "skills.svg")               # same drawing, same bytes
"""

import lazy_loader

# Names listed in __init__.pyi, imported on first use: `charts.data` (what is plotted, pandas
# only) is read by the facilitator's view and My progress beside the cohort without matplotlib.
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
