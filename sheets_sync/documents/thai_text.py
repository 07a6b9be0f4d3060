"""Thai text the tool draws itself (flowcharts, charts), wrapped at word boundaries.

Thai has no spaces between words, so a line may only break where a word ends. Words come from
pythainlp's dictionary tokenizer (`newmm`, maximal matching over Thai character clusters) with
the dictionary that ships inside the pythainlp wheel (`corpus/words_th.txt`): nothing is
downloaded and nothing is written (pythainlp is put in read-only, offline mode before it is
imported, so it does not even create its data folder in the user's home). A word wider than a
whole line (a long compound) is broken between character clusters, preferring a syllable
boundary, so a vowel or tone mark never leaves its consonant and a leading vowel never ends a
line.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable
from functools import lru_cache

# Before pythainlp is imported: no data folder in ~ and no download, ever (the words we need
# ship in the wheel). setdefault: an administrator's own setting wins.
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

_ATTACH_BEFORE = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0e30\u0e32\u0e33\u0e45\u0e46\u0e2f]")
_LEADING_VOWEL = re.compile("[\u0e40-\u0e44]")
_SYLLABLE_END = re.compile("[\u0e30\u0e33\u0e46\u0e2f]")  # ะ ำ ๆ ฯ end a syllable
_VOWEL_SIGN = re.compile("[\u0e31\u0e32\u0e34-\u0e39\u0e47]")  # ั า ิ ี ึ ื ุ ู ็ sit on a syllable's first consonant
# Two consonants that begin one syllable: a true cluster (กร, ปล, คว …) or a leading ห/อ (หน, อย …).
_CLUSTER_PAIRS = {**{first: "รลว" for first in "กขคตปพผ"}, "ห": "งญนมยรลว", "อ": "ย"}
_THAI = re.compile("[\u0e00-\u0e7f]")


@lru_cache(maxsize=1)
def _tokenizer():
    """newmm over the dictionary shipped in the pythainlp wheel (loaded once)."""
    from pythainlp.corpus.common import thai_words
    from pythainlp.tokenize import newmm
    from pythainlp.util import Trie

    trie = Trie(thai_words())
    return (lambda text: newmm.segment(text, custom_dict=trie)), trie


@lru_cache(maxsize=4096)
def thai_words(text: str) -> tuple[str, ...]:
    """`text` cut into words (spaces are words of their own); joining them gives `text` back."""
    if not _THAI.search(text):
        return tuple(re.split(r"(\s+)", text)) if text else ()
    return tuple(_tokenizer()[0](text))


def _dictionary_prefixes(word: str) -> list[str]:
    """The dictionary words `word` begins with, shortest first (a compound's parts)."""
    if not _THAI.search(word):
        return []
    return sorted((p for p in _tokenizer()[1].prefixes(word) if p != word), key=len)


def thai_clusters(text: str) -> list[str]:
    """Split into units a line may break between: a mark or following vowel stays with the
    character before it, a leading vowel (เ แ โ ใ ไ) with the character after it."""
    clusters: list[str] = []
    pending = ""
    for char in text:
        if _ATTACH_BEFORE.match(char) and clusters and not pending:
            clusters[-1] += char
        elif _LEADING_VOWEL.match(char):
            pending += char
        else:
            clusters.append(pending + char)
            pending = ""
    if pending:
        clusters.append(pending)
    return clusters


def _syllable_starts(clusters: list[str], index: int) -> bool:
    """A likely syllable boundary before `clusters[index]` (only inside a word too long for a line)."""
    if index <= 0 or index >= len(clusters):
        return index == len(clusters)
    before, here = clusters[index - 1], clusters[index]
    if _LEADING_VOWEL.match(here[0]) or _SYLLABLE_END.search(before[-1]):
        return True
    if _VOWEL_SIGN.search(here):
        return not (len(before) == 1 and here[0] in _CLUSTER_PAIRS.get(before, ""))
    return False


def char_budget(limit: int) -> Callable[[str], bool]:
    """A `fits` test counting spacing characters only (marks take no width)."""
    return lambda line: sum(1 for c in line if not _ATTACH_BEFORE.match(c) or c in "\u0e30\u0e32\u0e33\u0e45\u0e46\u0e2f") <= limit


def wrap_thai(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Wrap `text` into lines that `fits`, breaking only between words (and at its own line
    breaks); a space at a break is dropped."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(_wrap_paragraph(" ".join(paragraph.split()), fits))
    return lines or [""]


def _wrap_paragraph(paragraph: str, fits: Callable[[str], bool]) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in thai_words(paragraph):
        if word.isspace():
            if current:
                current += " "
            continue
        candidate = current + word
        if fits(candidate.strip()):
            current = candidate
            continue
        if current.strip():
            lines.append(current.strip())
        pieces = _split_word(word, fits) if not fits(word) else [word]
        lines.extend(pieces[:-1])
        current = pieces[-1]
    if current.strip():
        lines.append(current.strip())
    return lines


def _split_word(word: str, fits: Callable[[str], bool]) -> list[str]:
    """Break a word too long for one line: after the longest dictionary word it begins with that
    fits (ผู้ว่าราชการ|จังหวัด), else between clusters at a syllable boundary."""
    boundaries = set(itertools.accumulate(len(c) for c in thai_clusters(word)))
    prefixes = [p for p in _dictionary_prefixes(word) if fits(p) and len(p) in boundaries]
    if prefixes:
        head = prefixes[-1]
        rest = word[len(head):]
        return [head, *(_split_word(rest, fits) if not fits(rest) else [rest])]
    clusters = thai_clusters(word)
    pieces: list[str] = []
    while clusters:
        count = 1
        while count < len(clusters) and fits("".join(clusters[: count + 1])):
            count += 1
        if count < len(clusters):
            preferred = [i for i in range(1, count + 1) if _syllable_starts(clusters, i)]
            if preferred and preferred[-1] >= count / 3:
                count = preferred[-1]
        pieces.append("".join(clusters[:count]))
        clusters = clusters[count:]
    return pieces or [word]
