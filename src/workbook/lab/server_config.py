"""The Jupyter server config every workbook server loads with --config (`workbook lab`,
`workbook app`, a hub's spawn): Voilà's hook is a callable, which a command line cannot give."""

from workbook.lab.jupyter import app_prelaunch

c = get_config()  # type: ignore[name-defined]  # noqa: F821  # provided by the config loader
c.VoilaConfiguration.prelaunch_hook = app_prelaunch
# One warm spare kernel for the next workbook notebook (see workbook/lab/kernels.py).
c.ServerApp.kernel_manager_class = "workbook.lab.kernels.SpareKernelManager"
# The learner's answer store, served to the server's kernels (workbook/lab/store_service.py).
c.ServerApp.jpserver_extensions.update({"workbook.lab.store_service": True})
