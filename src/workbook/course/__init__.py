"""The course as data, and the notebooks made from it.

`model` (frozen value objects), `kinds` (the exercise kinds table every layer reads), `yamldoc` +
`schema` + `content` (content files → a validated `Course`, errors naming file, line and field),
`snapshots`, `scores` and `progress` (rules over a learner's answers), `generate` (the notebooks).
The bottom layer above `errors` and `paths`: it imports no other part of the package.
"""
