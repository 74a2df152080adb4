"""Assessment: what an item is and how an assessment notebook is built.

An item (:mod:`.items`) is a graded cell with its tags (lesson, objective, section,
kind, points, rubric); :mod:`.authoring` builds nbgrader source notebooks from item
specs, and :mod:`.checks` holds the visible format checks that run in the trainee's
kernel. Imports only :mod:`tobops.content`.
"""
