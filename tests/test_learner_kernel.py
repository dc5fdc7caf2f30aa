"""The kernel a learner's Lab starts (lab/kernel.py): ipykernel without its debugger."""

from __future__ import annotations

import os
import subprocess

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

from workbook.lab.jupyter import LEARNER_KERNELS, learner_environment

pytestmark = pytest.mark.kernel


def test_the_learners_environment_puts_its_kernelspec_first() -> None:
    env = learner_environment({"JUPYTER_PATH": "/elsewhere"})
    assert env["JUPYTER_PATH"].split(os.pathsep) == [str(LEARNER_KERNELS), "/elsewhere"]


@pytest.mark.parametrize(("learners", "debugger"), [(False, True), (True, False)])
def test_a_learners_kernel_offers_no_debugger_and_never_loads_debugpy(
    learners: bool, debugger: bool
) -> None:
    """The stock kernel beside it offers one: the test sees the difference it claims."""
    specs = KernelSpecManager(kernel_dirs=[str(LEARNER_KERNELS / "kernels")] if learners else [])
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    manager.start_kernel(stderr=subprocess.DEVNULL)
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        features = client.kernel_info(reply=True, timeout=60)["content"]["supported_features"]
        assert ("debugger" in features) is debugger
        said: list[str] = []
        reply = client.execute_interactive(
            "import sys; print(sys.modules.get('debugpy') is not None)",
            timeout=60,
            output_hook=lambda m: said.append(m["content"].get("text", "")),
        )
        assert reply["content"]["status"] == "ok"
        assert "".join(said).strip() == str(debugger)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
