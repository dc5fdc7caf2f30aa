"""Serving the workbook: JupyterLab and Voilà configuration (`jupyter`, `server_config`, the
spare kernel in `kernels`, the course-only Lab settings in `learner_lab/`), and installing the notebooks (`install`).

Uses only the course and the store; the hub's spawn wrapper and the CLI sit above it.
"""
