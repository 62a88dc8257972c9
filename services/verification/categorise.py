"""Sort a wish into one of the eight service categories and the skills it needs, by keyword rules.

The rules live in keywords.py so that a liaison can be told exactly why a wish landed where it did.

No tokenizer: plain substring matching, where a longer keyword wins over one inside it and a short
list of phrases is ignored. jieba was measured and left out. On 65 labelled wishes (the test
examples and more written like them) substring matching got every category and skill set right;
keeping only matches that sit on jieba's word boundaries lost one (电灯坏了: jieba reads 电灯 as
one word, so 灯坏 no longer infers electrician) and fixed none (its one win, 处理发票 → 理发,
IGNORED_PHRASES covers). jieba glues keywords to their neighbours (轮椅车, 灯坏, 聊聊天), so the
lists would have to follow its segmentation and be harder to read; and it costs ~1.5 s at
start-up and a cache file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from services.verification.keywords import (CATEGORY_KEYWORDS, FALLBACK_BY_KIND, IGNORED_PHRASES,
                                            NEGATIONS, SKILL_KEYWORDS)
from shared.vocab import CATEGORIES, KIND_LABELS, SKILLS

TITLE_FACTOR = 2  # a keyword in the title says more than one in the background story
NEGATION_REACH = 4  # characters allowed between 不需要 and the keyword it undoes (不需要帮忙买米)
_CLAUSE_END = re.compile(r"[，。；！？,.;!?\n]")
_ALL_KEYWORDS = sorted({kw for table in CATEGORY_KEYWORDS.values() for kw in table}
                       | {kw for kws in SKILL_KEYWORDS.values() for kw in kws}, key=len, reverse=True)


@dataclass(frozen=True)
class Categorised:
    """The category and skills chosen for a wish, with the keywords behind them."""

    category: str  # a CATEGORIES code
    skills: list[str]  # SKILLS codes: declared first, then inferred; no duplicates
    evidence: dict[str, list[str]]  # per category code, the keywords that matched
    skill_evidence: dict[str, list[str]]  # per matched skill code, the keywords that matched
    confident: bool  # False when nothing matched or the top two categories tie
    reason: str = field(default="", compare=False)

    def explain(self) -> dict:
        """What a liaison sees: the choice, its evidence and a one-sentence Chinese reason."""
        return {
            "category": self.category,
            "category_label": CATEGORIES[self.category],
            "skills": list(self.skills),
            "skill_labels": [SKILLS[s] for s in self.skills],
            "evidence": {code: list(kws) for code, kws in self.evidence.items()},
            "skill_evidence": {code: list(kws) for code, kws in self.skill_evidence.items()},
            "confident": self.confident,
            "reason": self.reason,
        }


def _negated(text: str, start: int) -> bool:
    """A negation (不需要…) ends at most NEGATION_REACH characters before `start`, in one clause."""
    clause = _CLAUSE_END.split(text[:start])[-1]
    for cue in NEGATIONS:
        at = clause.rfind(cue)
        if at >= 0 and len(clause) - (at + len(cue)) <= NEGATION_REACH:
            return True
    return False


def found_keywords(text: str) -> list[str]:
    """The keywords that count in `text`, in order of first appearance, each once."""
    text = (text or "").lower()
    for phrase in IGNORED_PHRASES:
        text = text.replace(phrase, "\u3000" * len(phrase))  # same length, so positions hold
    spans = []
    for kw in _ALL_KEYWORDS:  # longest first, so a covering keyword is always seen before
        start = text.find(kw)
        while start >= 0:
            end = start + len(kw)
            if not any(s <= start and end <= e for s, e, _ in spans):
                spans.append((start, end, kw))
            start = text.find(kw, start + 1)
    kept = [(s, kw) for s, _, kw in spans if not _negated(text, s)]
    return list(dict.fromkeys(kw for _, kw in sorted(kept)))


def _points(code: str, kw: str, title_kws: list[str]) -> int:
    return CATEGORY_KEYWORDS[code][kw] * (TITLE_FACTOR if kw in title_kws else 1)


def _scores(title_kws: list[str], text_kws: list[str]) -> tuple[dict, dict]:
    scores, evidence = {}, {}
    for code, table in CATEGORY_KEYWORDS.items():
        if hits := [kw for kw in text_kws if kw in table]:
            evidence[code] = hits
            scores[code] = sum(_points(code, kw, title_kws) for kw in hits)
    return scores, evidence


def _reason(category: str, kind: str, scores: dict, evidence: dict, title_kws: list[str]) -> str:
    if not scores:
        return f"没有匹配到关键词，按{KIND_LABELS.get(kind, '')}心愿暂归{CATEGORIES[category]}"
    top = sorted(evidence[category], key=lambda kw: -_points(category, kw, title_kws))[:3]
    said = "关键词" + "".join(f"“{kw}”" for kw in top) + f"指向{CATEGORIES[category]}"
    rivals = [CATEGORIES[c] for c, s in scores.items() if s == scores[category] and c != category]
    return said + ("，但与" + "、".join(rivals) + "得分相同" if rivals else "")


def categorise(title: str, description: str, kind: str,
               declared_skills: list[str] = ()) -> Categorised:
    """The category and skills a wish needs, with the keywords that decided them."""
    title_kws = found_keywords(title)
    text_kws = list(dict.fromkeys(title_kws + found_keywords(description)))
    scores, evidence = _scores(title_kws, text_kws)
    fallback = FALLBACK_BY_KIND.get(kind, "convenience")
    if scores:
        best = max(scores.values())
        tied = [c for c in CATEGORIES if scores.get(c) == best]
        category = fallback if fallback in tied else tied[0]
        confident = len(tied) == 1
    else:
        category, confident = fallback, False
    skill_evidence = {code: hits for code, kws in SKILL_KEYWORDS.items()
                      if (hits := [kw for kw in text_kws if kw in kws])}
    declared = [s for s in dict.fromkeys(declared_skills or ()) if s in SKILLS]
    inferred = [s for s in SKILLS if s in skill_evidence and s not in declared]
    return Categorised(category, declared + inferred, evidence, skill_evidence, confident,
                       _reason(category, kind, scores, evidence, title_kws))
