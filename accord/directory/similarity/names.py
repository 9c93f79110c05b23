"""Names: folding, legal forms, our own Latin <-> Cyrillic transliteration, and how alike
two names are (companies as a whole, people word by word)."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz


def words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


MAX_TEXT = 500  # longer values are cut: a name or an address is never longer in practice

# --------------------------------------------------------------------------- transliteration

_CYR_TO_LAT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}  # fmt: skip
_LAT_TO_CYR = (
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("tz", "ц"),
    ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("ju", "ю"), ("ya", "я"), ("ja", "я"),
    ("yo", "ё"), ("jo", "ё"), ("ye", "е"), ("ck", "к"), ("ph", "ф"), ("x", "кс"),
    ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"),
    ("h", "х"), ("i", "и"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
    ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
    ("v", "в"), ("w", "в"), ("y", "ы"), ("z", "з"),
)  # fmt: skip
_LAT_PATTERN = re.compile("|".join(re.escape(lat) for lat, _cyr in _LAT_TO_CYR))
_LAT_MAP = dict(_LAT_TO_CYR)
_TO_LATIN = str.maketrans(_CYR_TO_LAT)


def to_latin(text: str) -> str:
    """Russian letters spelled in Latin ones (`Щукин` -> `shchukin`); lower case."""
    return text.lower().translate(_TO_LATIN)


def to_cyrillic(text: str) -> str:
    """Latin letters read as Russian (`Shchukin` -> `щукин`); lower case. A guess: Latin has
    several spellings of one Russian sound, and this picks the common one."""
    folded = text.lower()
    return _LAT_PATTERN.sub(lambda m: _LAT_MAP[m.group(0)], folded)


# Spelling variants of one Russian sound in Latin, folded to one form (order matters).
_SKELETON_STEPS = (
    (re.compile(r"shch|sch"), "sh"),
    (re.compile(r"tch"), "ch"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"w"), "v"),
    (re.compile(r"q"), "k"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"t[sz]"), "c"),
    (re.compile(r"[jy]"), "i"),
    (re.compile(r"\bie"), "e"),  # Yelena, Yevgeniy: Е at the start of a word
    (re.compile(r"io"), "e"),  # Fyodor, Semyon: ё written as yo
    (re.compile(r"(.)\1+"), r"\1"),  # Anna/Ana, Kirill/Kiril, -iy/-ii/-y endings
)


def skeleton(text: str) -> str:
    """A spelling-tolerant Latin form of a (normalised) name, for comparison only."""
    return " ".join(word_skeleton(word) for word in text.split())


@functools.lru_cache(maxsize=100_000)  # names repeat their words: a scan folds each once
def word_skeleton(word: str) -> str:
    out = to_latin(word)
    for pattern, repl in _SKELETON_STEPS:
        out = pattern.sub(repl, out)
    return out


# --------------------------------------------------------------------------- names

QUOTES_AND_PUNCT = re.compile(r"[^\w]+|_")
_LEGAL_PHRASES = (
    "общество с ограниченной ответственностью",
    "федеральное государственное унитарное предприятие",
    "государственное унитарное предприятие",
    "муниципальное унитарное предприятие",
    "непубличное акционерное общество",
    "публичное акционерное общество",
    "открытое акционерное общество",
    "закрытое акционерное общество",
    "акционерное общество",
    "индивидуальный предприниматель",
    "автономная некоммерческая организация",
    "некоммерческая организация",
    "limited liability company",
    "joint stock company",
    "private limited company",
)
_LEGAL_PHRASE_WORDS = tuple(tuple(p.split()) for p in _LEGAL_PHRASES if " " in p)
_LEGAL_TOKENS = words_of(
    "ооо оао зао пао ао нао ип нко ано гуп муп фгуп тоо чп пбоюл "
    "ooo oao zao pao ao ip llc ltd limited inc corp co gmbh jsc pjsc plc"
)


def fold(text: Any) -> str:
    """Lower case, ё as е, compatibility forms unified (`ﬁ`, full-width letters)."""
    value = unicodedata.normalize("NFKC", str(text or "")[:MAX_TEXT])
    return value.lower().replace("ё", "е")


def normalize_name(name: Any) -> str:
    """A name folded for comparison: `ООО «Вектор-Строй»` -> `вектор строй`."""
    folded = QUOTES_AND_PUNCT.sub(" ", fold(name))
    folded = f" {' '.join(folded.split())} "
    for phrase in _LEGAL_PHRASES:
        if phrase in folded:
            folded = folded.replace(f" {phrase} ", " ")
    words = _without_mistyped_form(folded.split())
    return " ".join(t for t in words if t not in _LEGAL_TOKENS)


def _without_mistyped_form(words: list[str]) -> list[str]:
    """`Обшество с ограниченой ответственостью «Вектор»`: a legal form with typos, first."""
    for phrase in _LEGAL_PHRASE_WORDS:
        n = len(phrase)
        starts_alike = len(words) > n and words[0][:1] == phrase[0][:1]
        if starts_alike and fuzz.ratio(" ".join(words[:n]), " ".join(phrase)) >= 88:
            return words[n:]
    return words


def name_tokens(name: Any) -> tuple[str, ...]:
    """The words of a name as skeletons (Latin, spelling variants folded)."""
    return tuple(
        word_skeleton(t)[:1] if len(t) == 1 else word_skeleton(t)  # `Ж.` is `z`, not `zh`
        for t in normalize_name(name).split()
    )


def name_similarity(a: Any, b: Any, *, person: bool = False) -> float:
    """How alike two names are, 0..1, whatever their script, word order or legal form."""
    return form_similarity(NameForm.of(name_tokens(a)), NameForm.of(name_tokens(b)), person)


@dataclass(frozen=True, slots=True)
class NameForm:
    tokens: tuple[str, ...]
    ordered: str  # the words sorted: word order does not matter
    joined: str  # the words run together: `Вектор-Строй` meets `ВекторСтрой`

    @classmethod
    def of(cls, tokens: tuple[str, ...]) -> NameForm:
        words = tuple(t for t in tokens if t)
        return cls(
            tokens=words,
            ordered=" ".join(sorted(words)),
            joined="".join(words),
        )


def form_similarity(a: NameForm, b: NameForm, person: bool) -> float:
    if not a.joined or not b.joined:
        return 0.0
    if a.ordered == b.ordered:
        return 1.0
    if person and min(len(a.tokens), len(b.tokens)) >= 2:
        return _person_names(a.tokens, b.tokens) / 100.0
    return max(fuzz.ratio(a.ordered, b.ordered), fuzz.ratio(a.joined, b.joined)) / 100.0


def _person_names(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """People's names word by word, in any order: each word of the shorter name against its
    best match in the longer one. A word missing (the patronymic) costs a little, an
    initial stands for a word that starts with it, and two full names whose words clearly
    disagree (another patronymic) are different people however alike the rest is."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    used = [False] * len(long_)
    total = weight = 0.0
    worst = 100.0
    initials = False
    for word in sorted(short, key=len, reverse=True):
        best, at = -1.0, -1
        for i, other in enumerate(long_):
            if not used[i]:
                ratio = _word_ratio(word, other)
                if ratio > best:
                    best, at = ratio, i
        if at < 0:
            break
        used[at] = True
        size = 2 if len(word) == 1 or len(long_[at]) == 1 else len(word)
        initials = initials or size == 2
        total, weight, worst = total + best * size, weight + size, min(worst, best)
    similarity = total / weight if weight else 0.0
    if initials or any(len(t) == 1 for t in long_):
        similarity = min(similarity, 93.0)  # initials fit many people
    elif len(long_) > len(short):
        similarity *= 0.97
    if worst < 60:
        similarity = min(similarity, 70.0)
    return similarity


def _word_ratio(a: str, b: str) -> float:
    if len(a) == 1 or len(b) == 1:
        return 100.0 if a[0] == b[0] else 0.0
    return fuzz.ratio(a, b)
