"""Finding a person or document in text in every form the text can carry it.

The publication gate and the report's scrubbing (:mod:`workbench.core.redaction`) ask one
question of every printed string: does it name a confidential source? A name can be
written many ways, so both sides are *folded* before they are compared:

* invisible characters (soft hyphen, zero-width space and joiners, word joiner, BOM,
  bidi marks: Unicode category Cf) are dropped;
* each character with its combining marks is NFKD-decomposed, case-folded and stripped
  of its marks, so "İpek", "ipek", "IPEK", "Zoë" (composed or not), "Zoe", "ＺＯＥ" fold
  alike; a fold may change the length ("ß" is "ss"): every folded character keeps the
  span of the original characters it came from, so a match is mapped back exactly;
* typographic apostrophes (’ ‘ ʼ) are ', dashes are -, and whitespace runs are one space;
* letters Unicode does not decompose (ø ł đ æ œ þ ı) and Cyrillic or Greek lookalikes of
  Latin letters ("Оkafor" with a Cyrillic О) are read as the Latin letters.

Forms of a person's name (:func:`person_forms`): the full name; each part of it alone
(surname, given name, middle names); the initial(s) with the surname ("R Okafor",
"R. Okafor", "Okafor, R."); the dotted initials ("R.O.") and, in capitals only, bare
initials of three letters or more ("RAO"; two bare capitals are too often something else,
"PD"); and any possessive of those ("Okafor's", since ' is not a letter). An email
address is matched whole and by its local part ("r.okafor"); a phone number by its
digits, whatever the separators.

**The rule for common words.** A name part alone is what leaks most often ("Ms.
Whitlock said") and also what collides most with ordinary words ("Will Young" and
"will"). So a single name part is matched:

* never when it is shorter than 2 letters;
* case-insensitively when it is not a common English word (:data:`COMMON_WORDS`);
* when it *is* a common word, only where the text writes it with a capital letter
  (anywhere, including the start of a sentence: "Young said" cannot be told from
  "Young officers said", and a sentence is cheaper to rewrite than a source to lose);
* never inside the full name or alias of a *non-confidential* actor that shares it
  (a public "Tom Higgins" does not leak a confidential "Ann Higgins"); and a given name
  that a non-confidential actor also has is not distinctive, so it is not matched
  alone at all (the full name and the initials forms still are).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

_APOSTROPHES = dict.fromkeys(map(ord, "\u2019\u2018\u02bc\u0060\u00b4\u2032"), "'")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
#: Letters Unicode does not decompose, and Cyrillic and Greek letters that look like
#: Latin ones (a name typed with a lookalike must still be found).
_LETTERS = {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŀ": "l",
            "æ": "ae", "œ": "oe", "þ": "th",
            "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
            "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
            "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
            "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "m", "ν": "v",
            "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x"}
_FOLD_TABLE = {**_APOSTROPHES, **_DASHES, **{ord(k): v for k, v in _LETTERS.items()}}

TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "det", "sgt",
          "lt", "cmdr", "capt", "officer", "detective", "sergeant", "chief", "rev", "hon"}
SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"}
PARTICLES = {"de", "da", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den",
             "ter", "bin", "ibn", "al", "el", "st", "mac", "ap"}
#: Local parts of an email address that say nothing about who wrote it.
GENERIC_LOCAL = {"info", "press", "media", "contact", "admin", "office", "news", "noreply",
                 "no-reply", "mail", "webmaster", "support", "hello", "team", "tips",
                 "foia", "records", "pio", "communications", "comms", "inquiries"}

#: English words that are also names. A name part in this list is matched alone only
#: where it is capitalised (see the module docstring). Function words are here too.
COMMON_WORDS = frozenset("""
a about after all also am an and any are as at be been but by can could did do does
for from had has have he her here him his how i if in into is it its just me more
most my no not now of off on once one only or our out over own said say says she so
some such than that the their them then there these they this those through to too
under up us very was we were what when where which while who whom why will with
would yet you your
able ace age aid ail air all amber angel april art ash august autumn baker bank banks
bay bell belle bill birch bishop black blaine blanco bliss bloom blue bond booth bow
bowman brand bridge bright brook brooks brown bush butcher butler call cannon carter
cash chance chase cherry child church clay cliff coal cole colt cook cooper corn
crane cross crown dale dawn day dean dear diamond don dove drake drew dune dusty earl
east eve fair faith fall field fields finch fish fisher fleming fletcher ford forest
fort fox frank free friend frost gale gay gem gill glass glen gold golden good grace
grant gray green grey grove guy hale hall hands hardy harmony hart hawk hay heart
heath herb hill hills holly honey hood hope horn house hunt hunter iris irving ivy
jack jade jay jewel john joy judge june keen king kirk knight lake lamb lance land
lane law lawyer lee light lily little lock long lord love low lucky major march mark
marsh mason may mayo meadow mercy mill miller mills mint moon moore morning moss
nash neat new newman noble north oak olive page palmer park parker parks pat patience
payne peace pearl penny pepper pierce pike pine pitt pope porter post potter power
powers price prince pruitt queen rain ralph rich ridge river rivers robin rock rose
ross rowe ruby rush russell rust sage salt sand savage scott sharp shepherd short
silver sky skye slate small smith snow south sparks spring stark steel steele sterling
stone storm strong summer summers swan sweet taylor temple thorn thorne tower
townsend trinity true tucker turner victor wade walker wall walls ward warren
washington water waters weaver webb wells west white wild will williams wind winter
wolf wood woods worth wren wright young
""".split())

#: Words of titles and subjects that say what a document is, not whose it is.
GENERIC_WORDS = frozenset("""
about account accounts action agency agreement anonymous answer attached attachment
audit budget call calls case chat city confidential contract contracts copy county data
database detail details document documents draft email emails feed fiscal follow
forward forwarded further info information interview invoice invoices items ledger
letter list meeting meetings memo memorandum message minutes note notes office
payment payments phone please police private question questions quick record records
reply report reports request requests review schedule scan scans secret sharing source
sources statement statements summary thanks transfer transfers update urgent week
""".split())


@functools.lru_cache(maxsize=4096)
def _fold_piece(piece: str) -> str:
    out = unicodedata.normalize("NFKD", piece).casefold()
    out = unicodedata.normalize("NFKD", out)
    out = "".join(c for c in out if not unicodedata.combining(c))
    return out.translate(_FOLD_TABLE)


@dataclass(frozen=True)
class Folded:
    """Folded text and, for each of its characters, the span it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of folded characters ``start:end``."""
        return self.starts[start], self.ends[end - 1]


def fold(text: str) -> Folded:
    """``text`` folded for comparison, with the map back (see the module docstring)."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    category, combining = unicodedata.category, unicodedata.combining
    while i < n:
        ch = text[i]
        if ch < "\x80" and ch != "`" and not ch.isspace() and (
                i + 1 == n or text[i + 1] < "\u0300"):
            out.append(ch.lower())  # the common case: ASCII, no combining mark after it
            starts.append(i)
            ends.append(i + 1)
            i += 1
            continue
        if category(ch) == "Cf":
            i += 1
            continue
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                starts.append(i)
                ends.append(i + 1)
            i += 1
            continue
        j = i + 1
        while j < n and combining(text[j]):
            j += 1
        for c in _fold_piece(text[i:j]):
            if c.isspace():
                c = " "
            out.append(c)
            starts.append(i)
            ends.append(j)
        i = j
    return Folded("".join(out), tuple(starts), tuple(ends))


def fold_key(text: str) -> str:
    """Folded text alone, trimmed (for comparing whole values)."""
    return fold(text).text.strip()


@dataclass(frozen=True)
class Form:
    """One way a source can be written: a regex over folded text.

    ``capital`` asks that the original text be capitalised there (common words);
    ``upper`` that it be all capitals (bare initials); ``part`` marks a single name
    part, which a non-confidential actor's full name may contain without leaking.
    """

    pattern: str
    what: str
    capital: bool = False
    upper: bool = False
    part: bool = False


_EDGE_BEFORE = r"(?<![^\W_])"
_EDGE_AFTER = r"(?![^\W_])"


def phrase(text: str) -> str:
    """A regex over folded text for ``text`` written as it is, spaces flexible."""
    words = fold_key(text).split(" ")
    return r"\s?".join(re.escape(w) for w in words if w)


def name_parts(name: str) -> list[str]:
    """The folded words of a person's name without titles, suffixes and particles."""
    words = [w.strip(".,") for w in re.split(r"[\s,]+", fold_key(name)) if w.strip(".,")]
    while words and words[0].rstrip(".") in TITLES:
        words.pop(0)
    while words and words[-1].rstrip(".") in SUFFIXES:
        words.pop()
    return words


def looks_like_name(text: str) -> bool:
    """A proper name: every word after a title starts with a capital (or is an
    initial). A description used as an alias ("the ledger clerk") is matched only as
    the phrase it is, never word by word."""
    words = [w for w in re.split(r"[\s,]+", text.strip()) if w]
    while words and fold_key(words[0]).rstrip(".") in TITLES:
        words.pop(0)
    letters = [w for w in words if any(c.isalpha() for c in w)]
    return bool(letters) and all(
        next(c for c in w if c.isalpha()).isupper() or fold_key(w) in PARTICLES
        for w in letters)


def person_forms(name: str, *, what: str, public_parts: set[str]) -> list[Form]:
    """Every form of a person's ``name`` (see the module docstring)."""
    forms = [Form(phrase(name), what)]
    words = name_parts(name)
    if not words:
        return forms
    if len(words) > 1:
        forms.append(Form(r"\s?".join(re.escape(w) for w in words), what))
    core = [w for w in words if w not in PARTICLES and "." not in w]
    surname = core[-1] if core else words[-1]
    # each half of a double-barrelled name is a part too ("Okafor" of "Okafor-Smith")
    halves = [h for w in core if "-" in w for h in w.split("-") if len(h) >= 3]
    given = [w for w in core[:-1]]
    for part in core + halves:
        if len(part) < 2 or part.isdigit():
            continue
        if part in given and part in public_parts:
            continue  # a given name another (public) actor shares is not distinctive
        forms.append(Form(re.escape(part), f"{'surname' if part == surname else 'given name'}"
                          f" (of the {what})", capital=part in COMMON_WORDS, part=True))
    if given:
        initials = [g[0] for g in given]
        sur = re.escape(surname)
        first = re.escape(initials[0])
        forms.append(Form(rf"{first}\.?\s?(?:[a-z]\.?\s?){{0,2}}{sur}", f"initial and surname "
                          f"(of the {what})"))
        forms.append(Form(rf"{sur},\s?{first}\.?", f"surname and initial (of the {what})"))
        letters = [*initials, surname[0]]
        dotted = r"\.\s?".join(re.escape(c) for c in letters) + r"\."
        forms.append(Form(dotted, f"initials (of the {what})"))
        if len(letters) >= 3:  # two bare capitals are too often something else ("PD")
            forms.append(Form("".join(re.escape(c) for c in letters),
                              f"initials (of the {what})", upper=True))
    return forms


EMAIL = re.compile(r"[\w.+\-']+@[\w\-]+(?:\.[\w\-]+)+")


def email_forms(address: str, *, what: str, public_parts: set[str]) -> list[Form]:
    """An email address whole, its local part, and the name its local part spells."""
    address = address.strip().strip("<>")
    forms = [Form(phrase(address), what)]
    local = fold_key(address.split("@", 1)[0])
    if len(local) >= 3 and local not in GENERIC_LOCAL:
        forms.append(Form(re.escape(local), f"local part of the {what}"))
        tokens = [t for t in re.split(r"[._+\-]", local) if t]
        for t in tokens:
            if len(t) >= 4 and not t.isdigit() and t not in GENERIC_LOCAL \
                    and t not in public_parts:
                forms.append(Form(re.escape(t), f"name in the {what}",
                                  capital=t in COMMON_WORDS, part=True))
    return forms


PHONE = re.compile(r"\+?\(?\d[\d\s().\-/]{5,}\d")


def phone_digits(text: str) -> str:
    return re.sub(r"\D", "", text)


#: A date written with digits ("2019-04-06", "06/04/2019", "2019.04.06"): not a phone.
DATE_SHAPED = re.compile(r"\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})\s*")


def phones_in(text: str) -> list[str]:
    """Digit strings of the phone numbers written in ``text`` (7 digits or more; a date
    is not one, or every date printed beside a confidential origin's would leak)."""
    return [phone_digits(m.group(0)) for m in PHONE.finditer(text)
            if len(phone_digits(m.group(0))) >= 7 and not DATE_SHAPED.fullmatch(m.group(0))]


def same_phone(a: str, b: str) -> bool:
    """True when two digit strings are one number (a country or area code may be left
    off one of them)."""
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 7 and long_.endswith(short)


def compile_forms(forms: list[Form]) -> re.Pattern[str] | None:
    """One regex with a named group per form (longest first), or None."""
    if not forms:
        return None
    order = sorted(range(len(forms)), key=lambda k: -len(forms[k].pattern))
    alts = [f"(?P<f{k}>{forms[k].pattern})" for k in order]
    return re.compile(_EDGE_BEFORE + "(?:" + "|".join(alts) + ")" + _EDGE_AFTER)


def allowed(original: str, start: int, end: int, form: Form) -> bool:
    """Whether the original text at ``start:end`` meets the form's letter-case rule."""
    found = original[start:end]
    letters = [c for c in found if c.isalpha()]
    if not letters:
        return True
    if form.upper:
        return all(c.isupper() for c in letters)
    if form.capital:
        return letters[0].isupper()
    return True
