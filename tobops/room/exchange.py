"""nbgrader's exchange, with each trainee's submissions and feedback kept apart.

nbgrader's file-system exchange shares one ``inbound`` folder (submissions) and one
``feedback`` folder between all students and relies on Unix users and permissions to
keep them from reading each other's work. The course hub (:mod:`tobops.room.hub`) runs every
trainee's server in its own bubblewrap sandbox instead, in which the exchange looks as
usual but ``inbound`` and ``feedback`` are that trainee's own private folders::

    EXCHANGE/tobops-academy/outbound/               released assessments (read-only for trainees)
    EXCHANGE/tobops-academy/private/<trainee>/inbound/    seen by <trainee> as .../inbound
    EXCHANGE/tobops-academy/private/<trainee>/feedback/   seen by <trainee> as .../feedback

The two classes below, set in ``nbgrader_config.py``, teach the instructor's side about
it, so ``nbgrader collect``, ``nbgrader release_feedback`` and formgrader's buttons work
unchanged. Without a ``private`` folder (no hub) they behave exactly like nbgrader's own.
"""
from __future__ import annotations

import os
from pathlib import Path

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback

PRIVATE = "private"


def private_root(root: str, course_id: str) -> Path:
    return Path(root) / course_id / PRIVATE


class PrivateCollect(ExchangeCollect):
    """Collect also looks in every trainee's private inbound folder.

    Each submission there is linked into the shared ``inbound`` folder first, but only
    if its name starts with the folder owner's name: a trainee cannot submit in someone
    else's name."""

    def init_src(self):
        private = private_root(self.root, self.coursedir.course_id)
        inbound = Path(self.root) / self.coursedir.course_id / "inbound"
        if private.is_dir() and inbound.is_dir():
            for trainee in sorted(p for p in private.iterdir() if p.is_dir()):
                box = trainee / "inbound"
                if not box.is_dir():
                    continue
                for sub in sorted(box.iterdir()):
                    if not sub.is_dir() or sub.is_symlink():
                        continue
                    if sub.name.split("+", 1)[0] != trainee.name:
                        self.log.warning("ignored %s: submitted from %s's folder in another name",
                                         sub.name, trainee.name)
                        continue
                    link = inbound / sub.name
                    if not link.exists():
                        link.symlink_to(sub, target_is_directory=True)
        super().init_src()


class PrivateReleaseFeedback(ExchangeReleaseFeedback):
    """Feedback goes to each trainee's private feedback folder."""

    def copy_files(self):
        private = private_root(self.root, self.coursedir.course_id)
        if not private.is_dir():
            return super().copy_files()
        shared_dest = self.dest_path
        only = self.coursedir.student_id or "*"
        feedback_root = Path(self.coursedir.root) / self.coursedir.feedback_directory
        students = sorted(p.name for p in feedback_root.glob(only) if (p / self.coursedir.assignment_id).is_dir())
        saved = self.coursedir.student_id
        try:
            for student in students:
                dest = private / student / "feedback"
                if not dest.parent.is_dir():  # not a hub trainee: the shared folder, as nbgrader does
                    self.dest_path = shared_dest
                else:
                    dest.mkdir(exist_ok=True)
                    self.dest_path = str(dest)
                self.coursedir.student_id = student
                self.init_src()
                super().copy_files()
        finally:
            self.coursedir.student_id = saved
            self.dest_path = shared_dest
            self.init_src()


def ensure_private(root: str, course_id: str, trainee: str) -> tuple[Path, Path]:
    """Create (if needed) a trainee's private inbound and feedback folders."""
    base = private_root(root, course_id) / trainee
    inbound, feedback = base / "inbound", base / "feedback"
    for d in (inbound, feedback):
        d.mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o700)
    return inbound, feedback
