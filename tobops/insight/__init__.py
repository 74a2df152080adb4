"""Insight: what the sales-enablement lead reads.

:mod:`.analysis` turns results and item scores into mastery per objective, item
statistics, progression and certification (plain pandas); :mod:`.report` writes the
CSVs, the self-contained HTML report and a page per trainee from Jinja templates in
``templates/``. Reads the results store of :mod:`tobops.grade`; never grades.
"""
