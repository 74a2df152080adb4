"""Grading: from submitted notebooks to scores, with nothing lost and nothing leaked.

:mod:`.grader` (``tobops grade``) runs nbgrader's autograder in parallel workers, checks
each submission before and after, and writes one result per trainee and assessment to
the results store (:mod:`.results`). Trainee code runs in a sandbox
(:mod:`.sandbox`), in kernels forked from a warm template (:mod:`.forkserver`), under
notebook and output limits (:mod:`.execute`); feedback never shows keys
(:mod:`.feedback`); :mod:`.selfcheck` grades a self-learner's copy. Where the course
lives on disk is :mod:`.coursedir`. Imports :mod:`tobops.assess` and
:mod:`tobops.content`.
"""
