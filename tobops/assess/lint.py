"""``tobops lint``: the item-writing rules of docs/item-bank.md, checked on the whole bank.

Prints the figures (key positions per option count, how often the key is the longest
option, negative stems, situational stems, giveaways, variants per slot, blueprint,
certification coverage, time) and lists every breach with its file, slot and variant.
Authors run it after each change; ``tests/test_bank.py`` runs it too.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tobops.assess.bank import LANGS, Bank, Variant
from tobops.content.course import CERTIFICATION
from tobops.content.timing import EN_WORDS_PER_MIN, ZH_CHARS_PER_MIN

CENTRAL_OBJECTIVES = ("L02.O3", "L03.O4", "L08.O1")
DAILY_LESSONS = ("L02", "L04", "L05", "L06")  # what a rep does every day

#: stems that ask what an article says rather than what to do
RECALL = re.compile(r"\b(according to|the article|which (of these )?does .* (say|call|list|name)|"
                    r"seed \d|is called|is known as|the author)\b", re.I)
#: stems that put the trainee in a working situation
SITUATION = re.compile(r"\b(you|your|client|customer|deal|manager|meeting|visit|colleague|team|boss|rep|"
                       r"dashboard|prospect|buyer|quote|proposal|week|month|quarter)\b", re.I)
NEGATIVE = re.compile(r"\b(not|except|least)\b", re.I)
SOURCE_FILE = re.compile(r"\b00[0-4]_[0-9a-f]{16}\b|\bseed 00\d\b", re.I)
ALL_NONE = re.compile(r"\b(all|none|both) of the (above|options)\b|以上(都|皆|均)", re.I)

# working time per slot, for the "minutes" of an assessment (docs/item-bank.md); reading speeds
# are the lessons' (tobops.content.timing)
MINUTES_PER = {"choice": 1, "numeric": 4, "written": 8}


@dataclass
class Report:
    figures: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def text(self) -> str:
        out = ["Item bank figures:"] + [f"  {f}" for f in self.figures]
        out += [f"{len(self.problems)} problem(s):" if self.problems else "No problems."]
        out += [f"  - {p}" for p in self.problems]
        return "\n".join(out)


def _words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", text))


def _cjk(text: str) -> int:
    return len(re.findall(r"[\u3400-\u9fff]", text))


def minutes(bank: Bank, lang: str) -> int:
    """Reading time (the longest variant of each slot) plus working time, rounded up to 5."""
    read = 0.0
    for slot in bank.slots:
        longest = 0.0
        for v in slot.variants:
            texts = [v.stem(lang)] + [o(lang) for o in v.options] + [c.name(lang) for c in v.criteria] + [v.starter]
            n = sum(_cjk(t) for t in texts) / ZH_CHARS_PER_MIN if lang == "zh" else \
                sum(_words(t) for t in texts) / EN_WORDS_PER_MIN
            longest = max(longest, n)
        read += longest
    read += (_cjk(bank.intro(lang)) / ZH_CHARS_PER_MIN) if lang == "zh" else _words(bank.intro(lang)) / EN_WORDS_PER_MIN
    work = sum(MINUTES_PER[s.kind] for s in bank.slots)
    total = read + work
    return int(-(-total // 5) * 5)


def _choice_items(banks: list[Bank]):
    for b in banks:
        for s in b.slots:
            if s.kind == "choice":
                for v in s.variants:
                    yield b, s, v


def key_phrases(v: Variant) -> list[str]:
    """The distinctive words of a key, to look for in other items' text."""
    if v.key is None:
        return []
    text = v.options[v.key].en
    return [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]{5,}", text)]


def lint(banks: list[Bank], lessons: dict | None = None) -> Report:
    rep = Report()
    items = list(_choice_items(banks))
    n = len(items)

    # --- key positions, by option count
    by_count: dict[int, Counter] = defaultdict(Counter)
    for b, s, v in items:
        by_count[len(v.options)][v.key] += 1
    for k, counts in sorted(by_count.items()):
        total = sum(counts.values())
        shares = [counts.get(i, 0) / total for i in range(k)]
        rep.figures.append(f"key positions, {k} options ({total} items): "
                           + ", ".join(f"{'ABCDE'[i]} {100 * sh:.0f}%" for i, sh in enumerate(shares)))
        if total >= 8:
            for i, sh in enumerate(shares):
                if abs(sh - 1 / k) > 0.10:
                    rep.problems.append(f"key position {'ABCDE'[i]} holds {100 * sh:.0f}% of the {k}-option keys "
                                        f"(uniform {100 / k:.0f}% ± 10)")

    # --- the key as the longest option; option lengths comparable
    longest = 0
    for b, s, v in items:
        lens = [len(o.en) for o in v.options]
        if lens[v.key] == max(lens) and lens.count(max(lens)) == 1:
            longest += 1
        for i, ln in enumerate(lens):
            others = [x for j, x in enumerate(lens) if j != i]
            if ln > 1.5 * (sum(others) / len(others)):
                rep.problems.append(f"{b.assessment} {v.id}: option {'ABCDE'[i]} is {ln} characters, more than 1.5 "
                                    f"times the others' average ({sum(others) / len(others):.0f})")
    if n:
        rep.figures.append(f"key is the longest option: {longest} of {n} ({100 * longest / n:.0f}%; at most 30%)")
        if longest > 0.30 * n:
            rep.problems.append(f"the key is the longest option in {100 * longest / n:.0f}% of items (at most 30%)")

    # --- stems: negative, recall, situational, sources, all/none of the above
    neg = recall = situ = 0
    for b, s, v in items:
        stem = v.stem.en
        if NEGATIVE.search(stem):
            neg += 1
            if not re.search(r"\*\*(NOT|EXCEPT|LEAST)\*\*", stem):
                rep.problems.append(f"{b.assessment} {v.id}: a negative stem without the word in bold capitals "
                                    "(**NOT**)")
        if RECALL.search(stem):
            recall += 1
        if SITUATION.search(stem):
            situ += 1
    if n:
        rep.figures.append(f"negative stems: {neg} of {n} ({100 * neg / n:.0f}%; at most 10%)")
        rep.figures.append(f"stems asking what an article says: {recall} of {n} ({100 * recall / n:.0f}%; at most 10%)")
        rep.figures.append(f"stems set in a working situation: {situ} of {n} ({100 * situ / n:.0f}%; at least 60%)")
        if neg > 0.10 * n:
            rep.problems.append(f"{100 * neg / n:.0f}% negative stems (at most 10%)")
        if recall > 0.10 * n:
            rep.problems.append(f"{100 * recall / n:.0f}% of stems ask what an article says (at most 10%)")
        if situ < 0.60 * n:
            rep.problems.append(f"only {100 * situ / n:.0f}% of stems are set in a working situation (at least 60%)")

    for b in banks:
        for s in b.slots:
            for v in s.variants:
                texts = [v.stem, *v.options, *(c.name for c in v.criteria)] + ([v.why] if v.why else [])
                for t in texts:
                    for lang in LANGS:
                        if SOURCE_FILE.search(t(lang)):
                            rep.problems.append(f"{b.assessment} {v.id}: names a source file or 'seed 00X' ({lang})")
                        if ALL_NONE.search(t(lang)):
                            rep.problems.append(f"{b.assessment} {v.id}: 'all/none of the above' ({lang})")

    # --- variants per slot
    for b in banks:
        need = 3 if b.assessment == CERTIFICATION else 2
        for s in b.slots:
            if len(s.variants) < need:
                rep.problems.append(f"{b.assessment} {s.id}: {len(s.variants)} variant(s), at least {need}")
            if s.kind == "choice" and len({len(v.options) for v in s.variants}) > 1:
                rep.problems.append(f"{b.assessment} {s.id}: its variants have different numbers of options")
            if s.kind == "written" and len({len(v.criteria) for v in s.variants}) > 1:
                rep.problems.append(f"{b.assessment} {s.id}: its variants have different numbers of criteria")
    rep.figures.append("variants per slot: " + ", ".join(
        f"{b.assessment} {min(len(s.variants) for s in b.slots)}-{max(len(s.variants) for s in b.slots)}"
        for b in banks if b.slots))

    # --- giveaways: another item's key phrase in a rubric, criterion, feedback or item of the same
    # assessment; words common across the bank (client, process, ...) do not count as a key phrase
    texts = [" ".join([v.stem.en, *(o.en for o in v.options)]).lower() for b in banks for s in b.slots for v in s.variants]
    df = Counter(w for text in texts for w in set(re.findall(r"[a-z][a-z-]{5,}", text)))
    common = {w for w, c in df.items() if c > 0.03 * len(texts)}
    for b in banks:
        for s in b.slots:
            for v in s.variants:
                phrases = set(key_phrases(v)) - common
                if not phrases:
                    continue
                for s2 in b.slots:
                    if s2.id == s.id:
                        continue
                    for v2 in s2.variants:
                        visible = " ".join([v2.stem.en, *(c.name.en for c in v2.criteria),
                                            *(o.en for o in v2.options)]).lower()
                        hits = [p for p in phrases if re.search(rf"\b{re.escape(p)}\b", visible)]
                        if len(hits) >= 3:
                            rep.problems.append(f"{b.assessment} {v2.id} shows words of {v.id}'s key: "
                                                f"{', '.join(sorted(hits))}")

    # --- blueprint
    for b in banks:
        planned = Counter({(r.objective, r.level): r.points for r in b.blueprint})
        built: Counter = Counter()
        for s in b.slots:
            built[(s.objective, s.level)] += s.points
        if not b.blueprint:
            rep.problems.append(f"{b.assessment}: no blueprint")
        elif planned != built:
            rep.problems.append(f"{b.assessment}: the slots do not implement the blueprint "
                                f"(planned {dict(planned)}, built {dict(built)})")
        if lessons is not None and b.lesson != "all":
            wanted = set(lessons.get(b.lesson, ()))
            missing = sorted(wanted - {s.objective for s in b.slots})
            if missing:
                rep.problems.append(f"{b.assessment}: objectives not assessed: {', '.join(missing)}")
        levels = Counter(s.level for s in b.slots)
        rep.figures.append(f"{b.assessment}: {len(b.slots)} slots, {b.points} points, levels "
                           + ", ".join(f"{k} {v}" for k, v in sorted(levels.items()))
                           + f"; minutes en {minutes(b, 'en')} / zh {minutes(b, 'zh')} (stated {b.minutes})")
        if b.minutes != minutes(b, "en"):
            rep.problems.append(f"{b.assessment}: states {b.minutes} minutes, measures {minutes(b, 'en')}")
        for s in b.slots:
            if s.kind == "numeric" and not any(x.follows == s.id for x in b.slots):
                rep.problems.append(f"{b.assessment} {s.id}: a data task with no decision slot following it")

    # --- the certification
    cert = next((b for b in banks if b.assessment == CERTIFICATION), None)
    if cert is not None:
        objs = {s.objective for s in cert.slots}
        total = cert.points
        daily = sum(s.points for s in cert.slots if s.objective.split(".")[0] in DAILY_LESSONS)
        data = sum(s.points for s in cert.slots if s.kind == "numeric")
        rep.figures.append(f"certification: {len(objs)} objectives covered, lessons 02/04/05/06 carry "
                           f"{100 * daily / max(1, total):.0f}% of {total} points, data tasks {100 * data / max(1, total):.0f}%")
        if len(objs) < 30:
            rep.problems.append(f"certification covers {len(objs)} objectives (at least 30)")
        missing = [o for o in CENTRAL_OBJECTIVES if o not in objs]
        if missing:
            rep.problems.append(f"certification leaves out central objectives {', '.join(missing)}")
        if daily < total / 2:
            rep.problems.append("certification: lessons 02, 04, 05 and 06 carry less than half the points")
        if data > 0.20 * total:
            rep.problems.append("certification: data tasks carry more than 20% of the points")
        if any(s.context != "tob" for s in cert.slots if s.kind == "numeric"):
            rep.problems.append("certification: a data task outside a ToB context")
        no_angoff = [s.id for s in cert.slots if s.angoff is None]
        if no_angoff:
            rep.problems.append(f"certification: slots without an Angoff rating: {', '.join(no_angoff)}")
        else:
            rep.figures.append(f"certification cut score (modified Angoff): {100 * cut_score(cert):.1f}%")
    return rep


def cut_score(bank: Bank) -> float:
    """The modified-Angoff pass mark: the points-weighted share a minimally ready rep earns."""
    return sum(s.points * (s.angoff or 0) for s in bank.slots) / bank.points


def lint_paths(paths: list[str | Path]) -> Report:
    from tobops.assess import bank as bank_mod
    from tobops.content.course import lessons

    banks = [bank_mod.load(p) for p in paths]
    les = lessons()
    rep = lint(banks, {x.id: x.objectives for x in les})
    self_checks(rep, [q for x in les for q in x.quiz if "options" in q])
    return rep


def self_checks(rep: Report, quizzes: list[dict]) -> None:
    """The lessons' multiple-choice self-checks: key positions and the longest-option tell."""
    by_count: dict[int, Counter] = defaultdict(Counter)
    longest = 0
    for q in quizzes:
        opts, key = q["options"], int(q["answer"]) - 1  # answers count from 1
        by_count[len(opts)][key] += 1
        lens = [len(o) for o in opts]
        longest += lens[key] == max(lens) and lens.count(max(lens)) == 1
    for k, counts in sorted(by_count.items()):
        total = sum(counts.values())
        shares = [counts.get(i, 0) / total for i in range(k)]
        rep.figures.append(f"self-checks, key positions, {k} options ({total}): "
                           + ", ".join(f"{'ABCDE'[i]} {100 * sh:.0f}%" for i, sh in enumerate(shares)))
        if total >= 8:
            rep.problems += [f"self-checks: key position {'ABCDE'[i]} holds {100 * sh:.0f}% of the {k}-option keys "
                             f"(uniform {100 / k:.0f}% ± 10)" for i, sh in enumerate(shares) if abs(sh - 1 / k) > 0.10]
    if quizzes:
        n = len(quizzes)
        rep.figures.append(f"self-checks, key is the longest option: {longest} of {n} ({100 * longest / n:.0f}%; "
                           "at most 30%)")
        if longest > 0.30 * n:
            rep.problems.append(f"self-checks: the key is the longest option in {100 * longest / n:.0f}% (at most 30%)")
