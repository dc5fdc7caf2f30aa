"""workbook: the Customer Onboarding course as a Jupyter workbook that keeps every answer.

What the package offers is listed in __init__.pyi; each name is imported on first use, so a
notebook cell pays for the widgets and not the generator's nbformat or the charts' matplotlib,
and the CLI pays for none of them.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
