"""rapidfuzz's `fuzz.ratio` choice of the closest word, in pure Python for short words.

Typo correction looks at a few long words per document: importing rapidfuzz
costs a cold start ~10 ms, more than a run of a small doc spends here. The
matcher uses this for its first checks and rapidfuzz after (tests check that
both choose alike).
"""

from __future__ import annotations

from typing import Sequence


def closest(word: str, candidates: Sequence[str], cutoff: float) -> str | None:
    """What `rapidfuzz.process.extractOne(word, candidates, scorer=fuzz.ratio,
    score_cutoff=cutoff)` chooses: the candidate of highest ratio (200 * common
    subsequence / total length) at or above `cutoff`, the first of equals."""
    # The longest common subsequence, bit-parallel (Hyyro 2004): one pass of a
    # few integer operations per letter of the candidate.
    masks: dict[str, int] = {}
    for i, letter in enumerate(word):
        masks[letter] = masks.get(letter, 0) | 1 << i
    full = (1 << len(word)) - 1
    mask = masks.get
    best, best_common, best_total = None, 0, 1
    for candidate in candidates:
        v = full
        for letter in candidate:
            u = v & mask(letter, 0)
            v = ((v + u) | (v - u)) & full
        common = len(word) - v.bit_count()
        total = len(word) + len(candidate)
        # ratios compared as fractions: exact, where floats might round apart
        if 200 * common >= cutoff * total and (best is None or common * best_total > best_common * total):
            best, best_common, best_total = candidate, common, total
    return best
