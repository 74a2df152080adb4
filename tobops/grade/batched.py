"""Two of nbgrader's autograding steps with their gradebook reads done once per notebook.

nbgrader's ``OverwriteCells`` looks up each graded cell of a submission in the gradebook
(two or three queries a cell), and ``SaveAutoGrades`` looks up each grade and comment and
commits after each one. The certification has 65 code cells: about 250 queries and 80
commits per notebook, a fifth of a grading worker's time. The steps here are nbgrader's
own, unchanged, given a gradebook whose ``find_*`` lookups are answered from rows read
in one query per kind at the start of the step (a name not among them falls through to
nbgrader's own query, so a missing cell is reported just as nbgrader reports it), and
``SaveAutoGrades`` commits once, after the whole notebook. The rows written are the same.

Only ``tobops grade`` uses them (:meth:`tobops.grade.coursedir.Course.api` with
``batched``); ``nbgrader autograde`` runs nbgrader's own, and the tests check that both
give every cell the same score.
"""
from __future__ import annotations

from nbgrader.api import (Assignment, Comment, Grade, Gradebook, GradeCell, Notebook, SolutionCell, SourceCell, Student,
                          SubmittedAssignment, SubmittedNotebook, TaskCell)
from nbgrader.preprocessors import OverwriteCells, SaveAutoGrades


class _Session:
    """The gradebook's session, with ``commit`` held back until the step's end."""

    def __init__(self, db) -> None:
        self._db = db

    def commit(self) -> None:
        self._db.flush()

    def __getattr__(self, name):
        return getattr(self._db, name)


class _Prefetched:
    """A Gradebook whose lookups by name come from ``rows`` first: ``{method: {key: row}}``,
    the key being the lookup's arguments."""

    def __init__(self, gradebook, rows: dict[str, dict], hold_commits: bool = False) -> None:
        self._gb, self._rows = gradebook, rows
        self.db = _Session(gradebook.db) if hold_commits else gradebook.db

    def __getattr__(self, name):
        found = self._rows.get(name)
        if found is None:
            return getattr(self._gb, name)

        def lookup(*args):
            row = found.get(args)
            return row if row is not None else getattr(self._gb, name)(*args)
        return lookup

    def __enter__(self):
        self._gb.__enter__()
        return self

    def __exit__(self, *exc):
        return self._gb.__exit__(*exc)


def _named(query, *later) -> dict:
    """``{name: row}`` from queries of (name, row) pairs, a later query's name winning."""
    out: dict = {}
    for q in (query, *later):
        out.update(dict(q.all()))
    return out


class OverwriteCellsAtOnce(OverwriteCells):
    """nbgrader's OverwriteCells, reading the notebook's cells from the gradebook at once."""

    def preprocess(self, nb, resources):
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.db_url = resources["nbgrader"]["db_url"]
        gradebook = Gradebook(self.db_url)
        with gradebook:
            db, key = gradebook.db, (self.notebook_id, self.assignment_id)

            def cells(kind):
                return (db.query(kind.name, kind).join(Notebook, Notebook.id == kind.notebook_id)
                        .join(Assignment, Assignment.id == Notebook.assignment_id)
                        .filter(Notebook.name == key[0], Assignment.name == key[1]))
            # find_graded_cell looks for a grade cell first, then a task cell
            graded = _named(cells(TaskCell), cells(GradeCell))
            rows = {"find_source_cell": {(n, *key): c for n, c in cells(SourceCell).all()},
                    "find_graded_cell": {(n, *key): c for n, c in graded.items()}}
            self.gradebook = _Prefetched(gradebook, rows)
            nb, resources = super(OverwriteCells, self).preprocess(nb, resources)
            if self.add_missing_cells:
                nb, resources = self.add_missing_grade_cells(nb, resources)
                nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


class SaveAutoGradesAtOnce(SaveAutoGrades):
    """nbgrader's SaveAutoGrades, reading the submission's grades and comments at once and
    committing them together."""

    def preprocess(self, nb, resources):
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.student_id = resources["nbgrader"]["student"]
        self.db_url = resources["nbgrader"]["db_url"]
        gradebook = Gradebook(self.db_url)
        with gradebook:
            db, key = gradebook.db, (self.notebook_id, self.assignment_id, self.student_id)

            def of_submission(row, kind):
                return (db.query(kind.name, row).join(kind, kind.id == row.cell_id)
                        .join(SubmittedNotebook, SubmittedNotebook.id == row.notebook_id)
                        .join(Notebook, Notebook.id == SubmittedNotebook.notebook_id)
                        .join(SubmittedAssignment, SubmittedAssignment.id == SubmittedNotebook.assignment_id)
                        .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
                        .join(Student, Student.id == SubmittedAssignment.student_id)
                        .filter(Notebook.name == key[0], Assignment.name == key[1], Student.id == key[2]))
            # nbgrader's find_grade tries a grade cell first, find_comment a solution cell
            grades = _named(of_submission(Grade, TaskCell), of_submission(Grade, GradeCell))
            comments = _named(of_submission(Comment, TaskCell), of_submission(Comment, SolutionCell))
            self.gradebook = _Prefetched(gradebook, {"find_grade": {(n, *key): g for n, g in grades.items()},
                                                     "find_comment": {(n, *key): c for n, c in comments.items()}},
                                         hold_commits=True)
            nb, resources = super(SaveAutoGrades, self).preprocess(nb, resources)
            db.commit()
        return nb, resources


#: nbgrader's step -> the one here
REPLACES = {OverwriteCells: OverwriteCellsAtOnce, SaveAutoGrades: SaveAutoGradesAtOnce}
