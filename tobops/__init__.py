"""ToB Ops Academy: course tools for lessons, assessments, grading and reports."""

__version__ = "0.1.0"
