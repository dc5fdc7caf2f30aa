"""Workshops on JupyterHub: the cohort service and the facilitator's side.

The service (``python -m workbook.hub``) needs jupyterhub, installed with ``workbook[hub]``.
`service` + `roster` + `cohorts` keep the cohorts' stores; `facilitator`, `feed`, `room`,
`layout`, `dashboard` show a cohort to its facilitator; `compare` gives a learner the cohort's
figures beside theirs; `spawn` installs the notebooks when a hub starts a learner's server.
"""
