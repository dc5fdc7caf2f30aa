"""Jupyter server config for `workbook app` (loaded with --config: Voilà's hooks are callables)."""

from workbook.lab.jupyter import app_prelaunch

c = get_config()  # type: ignore[name-defined]  # noqa: F821  # provided by the config loader
c.VoilaConfiguration.prelaunch_hook = app_prelaunch
