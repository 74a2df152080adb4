"""Content: what the trainee learns from.

The synthetic datasets and their generator (:mod:`.datasets`), the course's own
description, with its lessons, objectives, sections and self-check questions read from
``data/lessons/LNN.toml`` (:mod:`.course`), the bilingual glossary (:mod:`.glossary`),
the self-checks with instant feedback (:mod:`.quiz`), each lesson's widgets
(:mod:`.interactives`) and the notebook utilities every stage uses (:mod:`.notebooks`).
Nothing here knows about grading; everything above imports from here.
"""
