"""nbgrader's exchange, with each trainee's submissions and feedback kept apart.

nbgrader's file-system exchange shares one ``inbound`` folder (submissions) and one
``feedback`` folder between all students and relies on Unix users and permissions to
keep them from reading each other's work. The course hub (:mod:`tobops.room.hub`) runs every
trainee's server in its own bubblewrap sandbox instead, in which the exchange looks as
usual but ``inbound`` and ``feedback`` are that trainee's own private folders::

    EXCHANGE/tobops-academy/outbound/               released assessments (read-only for trainees)
    EXCHANGE/tobops-academy/private/<trainee>/inbound/    seen by <trainee> as .../inbound
    EXCHANGE/tobops-academy/private/<trainee>/feedback/   seen by <trainee> as .../feedback
    EXCHANGE/tobops-academy/forms/<trainee>/<assessment>/ <trainee>'s own form (only theirs in view)

The classes below, set in ``nbgrader_config.py``, teach nbgrader about it, so ``nbgrader
release_assignment``, ``fetch_assignment``, ``collect``, ``release_feedback`` and the
JupyterLab buttons work unchanged:

* :class:`FormRelease` releases as nbgrader does, then writes every trainee on the roster
  their own form (:mod:`tobops.assess.forms`), in their language;
* :class:`FormFetch` (the trainee's side) fetches the release with the trainee's own form
  in it, and refuses when there is none; on a retake it keeps the old attempt's folder
  under another name;
* :class:`SettledSubmit` (the trainee's side) submits as nbgrader does, but never a notebook
  caught halfway through a save, nor the server's backup copy of it;
* :class:`PrivateCollect` and :class:`PrivateReleaseFeedback` look in the hub's private
  folders (without a hub they behave exactly like nbgrader's own).
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import nbformat
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.fetch_assignment import ExchangeFetchAssignment
from nbgrader.exchange.default.release_assignment import ExchangeReleaseAssignment
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.exchange.default.submit import ExchangeSubmit
from traitlets import Float

from tobops.assess import bank as bank_mod
from tobops.assess import forms
from tobops.grade.roster import Roster, course_seed
from tobops.room.workspace import form_path, private_root


def write_forms(coursedir, exchange_root: str, assessment: str, students: list[str] | None = None,
                log=None) -> dict[str, forms.Form]:
    """Write each trainee (default: everyone in the gradebook) their own form of a released
    assessment, for their current attempt and in their language; returns the forms."""
    from nbgrader.api import Gradebook

    root = Path(coursedir.root)
    bank = bank_mod.load(bank_mod.bank_dir(root) / f"{assessment}.toml")
    release = Path(coursedir.format_path(coursedir.release_directory, ".", assessment)) / f"{assessment}.ipynb"
    skeleton = nbformat.read(release, as_version=4)
    db = coursedir.db_url.split("?", 1)[0].removeprefix("sqlite:///")
    roster, seed = Roster(db), course_seed(root)
    if students is None:
        with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
            students = sorted(s.id for s in gb.students)
    out = {}
    for student in students:
        attempt, lang = roster.attempt(student, assessment), roster.lang(student)
        form = forms.draw(bank, seed, student, attempt)
        path = form_path(exchange_root, coursedir.course_id, student, assessment)
        path.parent.mkdir(parents=True, exist_ok=True)
        for d in (path.parent, path.parent.parent):
            os.chmod(d, 0o755)
        nbformat.write(forms.render(bank, form, skeleton, lang), path)
        os.chmod(path, 0o644)
        roster.note_form(student, assessment, attempt, form.id, lang)
        out[student] = form
    if log is not None:
        log.info("Wrote %d trainees' own forms of %s", len(out), assessment)
    return out


class FormRelease(ExchangeReleaseAssignment):
    """Release as nbgrader does, then write every trainee their own form."""

    def copy_files(self):
        super().copy_files()
        write_forms(self.coursedir, self.root, self.coursedir.assignment_id, log=self.log)


class FormFetch(ExchangeFetchAssignment):
    """Fetch the release with the trainee's own form in it (see the module docstring)."""

    def _student(self) -> str:
        from nbgrader.utils import get_username

        sid = self.coursedir.student_id
        return sid if sid and sid != "*" else get_username()

    def init_src(self):
        super().init_src()
        self.form_src = form_path(self.root, self.coursedir.course_id, self._student(), self.coursedir.assignment_id)
        if not self.form_src.is_file():
            self.fail(f"There is no form of {self.coursedir.assignment_id} for {self._student()} yet: ask your "
                      "instructor to put you on the course roster and release it again.")

    def init_dest(self):
        root = os.path.join(self.coursedir.course_id, self.coursedir.assignment_id) if self.path_includes_course \
            else self.coursedir.assignment_id
        dest = Path(self.assignment_dir, root).resolve()
        mine = dest / f"{self.coursedir.assignment_id}.ipynb"
        if mine.is_file():
            old = _form_id(mine)
            new = _form_id(self.form_src)
            if old and new and old != new:  # a retake: keep the earlier attempt beside the new form
                attempt = nbformat.read(mine, as_version=4).metadata.get("tobops", {}).get("form", {}).get("attempt", 0)
                kept = dest.with_name(f"{dest.name} (attempt {attempt})")
                n = 2
                while kept.exists():
                    kept, n = dest.with_name(f"{dest.name} (attempt {attempt}, {n})"), n + 1
                dest.rename(kept)
                self.log.warning("Your earlier attempt is kept in %s", kept.name)
        super().init_dest()

    def copy_files(self):
        super().copy_files()
        shutil.copy(self.form_src, Path(self.dest_path) / f"{self.coursedir.assignment_id}.ipynb")


def _form_id(path: Path) -> str:
    try:
        return nbformat.read(path, as_version=4).metadata.get("tobops", {}).get("form", {}).get("id", "")
    except Exception:  # noqa: BLE001 - an unreadable notebook is not a form
        return ""


SAVE_BACKUP = ".~"  # jupyter_server keeps a notebook's previous version in .~<name> while it saves


class SettledSubmit(ExchangeSubmit):
    """Submit as nbgrader does, once the trainee's last save has finished.

    JupyterLab's server saves a notebook in place: it copies the previous version to
    ``.~<name>``, rewrites the notebook, and removes the copy once the new version is
    complete (jupyter_server's "atomic writing"). A trainee who saves and presses Submit at
    once can catch a save midway; nbgrader would then send a half-written notebook (graded
    as corrupted: every item 0) and the backup copy beside it. This submit waits up to
    ``save_wait`` seconds for such a save to be complete, sends the complete notebook, and
    never sends a ``.~`` copy. If the notebook is still incomplete by then, it sends
    nothing and tells the trainee to submit again.
    """

    save_wait = Float(5.0, help="Seconds to wait for a notebook that is being saved").tag(config=True)

    def copy_files(self):
        if SAVE_BACKUP + "*" not in self.coursedir.ignore:
            self.coursedir.ignore = [*self.coursedir.ignore, SAVE_BACKUP + "*"]
        self._settle(Path(self.src_path))
        super().copy_files()

    def _settle(self, folder: Path) -> None:
        saving = sorted(p for p in folder.rglob("*.ipynb") if p.with_name(SAVE_BACKUP + p.name).exists())
        if saving:
            self.log.info("Waiting for the save of %s to finish", ", ".join(p.name for p in saving))
        deadline = time.monotonic() + self.save_wait
        for nb in saving:
            # complete once the backup is gone or the notebook reads whole: a strict part of a
            # JSON document is never a JSON document itself (the server tidies up the backup
            # only after it has answered, so that can come after this submit has run)
            while nb.with_name(SAVE_BACKUP + nb.name).exists() and not _whole(nb):
                if time.monotonic() > deadline:
                    self.fail(f"{nb.name} was still being saved when you submitted, so nothing was sent. "
                              "Wait a moment and submit again. (If this keeps happening, open the notebook: "
                              "JupyterLab brings back your last complete save; save it and submit.)")
                time.sleep(0.02)


def _whole(path: Path) -> bool:
    try:
        json.loads(path.read_bytes())
        return True
    except (OSError, ValueError):
        return False


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
