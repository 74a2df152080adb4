"""ToB Ops Academy: course tools for lessons, assessments, grading and reports.

The subpackages follow the pipeline, and imports only point down it::

    room  ->  insight  ->  grade  ->  assess  ->  content

``content`` (datasets, lessons, glossary, self-checks, widgets), ``assess`` (items and
how assessment notebooks are built), ``grade`` (autograding, sandbox, results),
``insight`` (analysis and the report) and ``room`` (the hub, the exchange, synthetic
cohorts and the demo). :mod:`tobops.settings` holds every limit and path, read once;
:mod:`tobops.cli` is the ``tobops`` command.
"""

__version__ = "0.1.0"


class TobopsError(Exception):
    """A problem the user must fix; the message says what. The CLI prints it and exits 2."""
