"""The room: who is where, and synthetic cohorts to try it all on.

:mod:`.hub` runs JupyterHub for a training room (roster, passwords, trainee servers in
a sandbox), :mod:`.exchange` keeps each trainee's submissions and feedback private,
:mod:`.cohort` makes synthetic trainees (good and every kind of broken), and
:mod:`.demo` plays a whole cohort through release, submit, collect, grade and report.
The top of the pipeline: imports every stage below it, and nothing imports it (but the
CLI).
"""
