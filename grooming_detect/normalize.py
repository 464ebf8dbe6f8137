"""Thai chat normalizer with an offset map back to the original message.

Chat messages are cleaned before scoring so that evasive spellings (zero-width characters, spaced or
dotted letters, leetspeak, elongated words) look like the plain words they hide, and personal
identifiers (URLs, phone numbers, LINE ids, bank accounts) become placeholders that keep their meaning
but not their value. Every normalized character remembers which span of the original message it came
from, so a span that the model highlights can be shown to the moderator in the text they actually see.

Design, in the PyThaiNLP manner: a normalization is a plain sequence of *rules* (``DEFAULT_RULES``)
that a caller may reorder, drop or extend. A rule takes an :class:`AlignedText` (text plus offsets)
and returns a new one; :func:`regex_rule` turns a regex substitution into an alignment-keeping rule
(the replacement of a match maps to the span of that match), :func:`char_map_rule` a one-to-one
character mapping, and :func:`until_stable` merges rules that feed each other into one rule.
PyThaiNLP's own helpers (``pythainlp.util.normalize`` and friends) do not track offsets, so their
effect is re-implemented here as aligned rules, each citing the function it mirrors;
``remove_trailing_repeat_consonants`` and ``thai_digit_to_arabic_digit`` are called directly.

Documented choices:

* Invisible characters go (zero-width, bidi controls, BOM, soft hyphen, tags), except a ZWJ between two
  emoji and a variation selector after an emoji, so 👨\u200d👩\u200d👧 and ❤️ stay intact. Other
  controls go; every whitespace character (line breaks too) becomes one space: the result is one line.
* NFKC, but not on Thai (it would split sara am) and not where a character expands beyond 3
  characters; Latin (and every other cased script) is lowercased; placeholders stay upper case.
* Thai digits become Arabic digits, one to one (``๑๔`` -> ``14``).
* ``555``/``5555+``/``๕๕๕``/``ถถถ``/``hahaha``/``ฮ่าๆ`` become one ``[LAUGH]`` unless the number is
  money: followed by a currency word (``555 บาท``, ``555฿``, ``555.-``, ``555k``) or preceded by
  ``฿``/``$``/``โอน``/``จ่าย``/``ราคา``, or part of a longer number (``5,555``, ``1555``). Other
  quantities (``555 คน``) count as laughter: chat rarely has them, and word boundaries are not known.
  A bare run of 5s of any length is laughter, never an account number.
* Thai abbreviations are kept: bare consonants each followed by a dot (``ก.พ.``, ``พ.ศ.``, ``ร.ร.``,
  ``ด.ญ.``) and a consonant-dot before a digit or word (``ม.2``, ``จ.เชียงใหม่``).
* Letters split by symbols are joined only for runs of >= 3 one-consonant fragments with at least one
  fragment lacking a vowel (``ส.่ง.รู.ป``); split by spaces only when at least two fragments lack a
  vowel (``ส่ ง รู ป``), so spaced ordinary words (``ไป กิน ข้าว กัน``, ``มา นี่ สิ``) stay apart.
* Leetspeak is undone in Latin tokens where a leet digit sits between letters and the token has no
  other digit, no number of 3+ digits and no placeholder (``s3nd p1c`` -> ``send pic``, ``ph0t0``,
  ``l1ne``); ``mp3``, ``2k``, ``covid19``, ``3 คน`` stay.
* A run of >= 3 equal letters (or >= 2 of the Thai follow vowels ``ะ า ำ``, or ``!``/``?``) becomes
  one letter plus ``[REP]``; a Thai consonant run at the end of a word is cut to its dictionary form
  by PyThaiNLP (``อืมมมมม`` -> ``อืมมม[REP]``, ``มากก`` -> ``มาก[REP]``, ``แดด`` kept). Repeated
  combining marks and lead vowels are typos and are removed silently, as PyThaiNLP does.
* Identifiers: ``[URL]``, ``[EMAIL]``, ``[PHONE]`` (Thai formats and ``+`` international), chat ids
  ``[HANDLE]`` after an app word (which is kept: ``แอดไลน์ [HANDLE]``, ``t.me/[HANDLE]``) or as
  ``@name``; ``[ID]`` for 13 digits in national-ID grouping (no checksum test: a mistyped ID is still
  personal); ``[ACCOUNT]`` for the bank layout ``xxx-x-xxxxx-x``, numbers of 10 or more digits that
  are not phones, and any 9+ digit number after a bank/wallet/PromptPay word. Money, ages and times
  stay (``500 บาท``, ``฿1,500``, ``อายุ 13``, ``ม.2``, ``20:00``, ``3 ทุ่ม``).
* Output length: ``len(out) <= 4 * len(in)``. Compatibility characters expand to at most 3, a
  placeholder replaces at least 2 characters of that (worst case ``@℡`` -> ``@tel`` -> ``[HANDLE]``).
* Idempotent: normalizing the output again changes nothing; placeholders pass through unchanged.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeAlias

from pythainlp import thai_digits
from pythainlp.util import remove_trailing_repeat_consonants, thai_digit_to_arabic_digit

__all__ = [
    "ACCOUNT",
    "DEFAULT_RULES",
    "EMAIL",
    "HANDLE",
    "ID",
    "LAUGH",
    "PHONE",
    "PLACEHOLDERS",
    "REP",
    "THAI_SPELLING_RULES",
    "URL",
    "AlignedText",
    "NormalizedText",
    "Rule",
    "char_map_rule",
    "iter_normalized",
    "normalize_all",
    "normalize_text",
    "regex_rule",
    "until_stable",
]

URL = "[URL]"
EMAIL = "[EMAIL]"
PHONE = "[PHONE]"
HANDLE = "[HANDLE]"
ACCOUNT = "[ACCOUNT]"
ID = "[ID]"
REP = "[REP]"
LAUGH = "[LAUGH]"
PLACEHOLDERS: frozenset[str] = frozenset({URL, EMAIL, PHONE, HANDLE, ACCOUNT, ID, REP, LAUGH})


@dataclass(frozen=True, slots=True)
class AlignedText:
    """Intermediate text of the pipeline with, per character, its source span in the original.

    ``starts`` has ``len(text) + 1`` entries (the last is ``len(original)``), ``ends`` has
    ``len(text)``; both are non-decreasing and ``starts[i] <= ends[i]``.
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def from_text(cls, text: str) -> AlignedText:
        """Identity alignment: character i comes from span (i, i + 1)."""
        n = len(text)
        return cls(text, tuple(range(n + 1)), tuple(range(1, n + 1)))

    def replace_spans(self, edits: Iterable[tuple[int, int, str | None]]) -> AlignedText:
        """Apply sorted, non-overlapping ``(begin, end, replacement)`` edits of ``text``.

        Every replacement character maps to the whole source span of ``text[begin:end]``; an empty
        span (an insertion) maps to an empty span at that point. ``None`` or an unchanged replacement
        is skipped, and ``self`` is returned when nothing changes, so rules are cheap when idle.
        """
        text, old_starts, old_ends = self.text, self.starts, self.ends
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for begin, end, repl in edits:
            if begin < pos or end < begin or end > len(text):
                raise ValueError("edits must be sorted, non-overlapping and inside the text")
            if repl is None or text[begin:end] == repl:
                continue
            pieces.append(text[pos:begin])
            starts.extend(old_starts[pos:begin])
            ends.extend(old_ends[pos:begin])
            if repl:
                src_begin = old_starts[begin]
                if end > begin:
                    src_end = old_ends[end - 1]
                else:
                    src_end = max(src_begin, old_ends[begin - 1]) if begin else src_begin
                pieces.append(repl)
                starts.extend([src_begin] * len(repl))
                ends.extend([src_end] * len(repl))
            pos = end
        if not pieces:
            return self
        pieces.append(text[pos:])
        starts.extend(old_starts[pos:])
        ends.extend(old_ends[pos:])
        return AlignedText("".join(pieces), tuple(starts), tuple(ends))


Rule: TypeAlias = Callable[[AlignedText], AlignedText]
"""A normalization step; see :func:`regex_rule` and :func:`char_map_rule` for easy ways to write one."""

Replacement: TypeAlias = "str | Callable[[re.Match[str]], str | None]"


def regex_rule(
    pattern: str | re.Pattern[str], repl: Replacement, name: str | None = None, *, hint: str | None = None
) -> Rule:
    """Build a rule that substitutes regex matches while keeping the alignment.

    ``repl`` is a template as for :meth:`re.Match.expand` or a function of the match returning the
    replacement (``None`` keeps the match). Each replacement maps to the span of its match, so a
    placeholder points at the whole identifier it hides. ``hint`` is an optional cheap regex that any
    match contains; texts without it are skipped, which keeps complex patterns off the hot path.
    """
    compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
    hint_re = re.compile(hint) if hint else None
    if callable(repl):
        func = repl
    elif "\\" in repl:
        template = repl

        def func(m: re.Match[str]) -> str:
            return m.expand(template)
    else:
        literal = repl

        def func(m: re.Match[str]) -> str:
            return literal

    def rule(at: AlignedText) -> AlignedText:
        if hint_re is not None and hint_re.search(at.text) is None:
            return at
        matches = compiled.finditer(at.text)
        first = next(matches, None)
        if first is None:  # the common case: one scan, nothing built
            return at
        return at.replace_spans((m.start(), m.end(), func(m)) for m in itertools.chain((first,), matches))

    rule.__name__ = rule.__qualname__ = name or f"regex_rule({compiled.pattern[:40]!r})"
    return rule


def until_stable(rules: Sequence[Rule], name: str, max_rounds: int = 4) -> Rule:
    """Compose ``rules`` into one rule that repeats them until the text stops changing.

    For rules that feed each other (removing a doubled vowel can complete a dotted word that a join
    rule then accepts): the composite is idempotent when each round converges within ``max_rounds``.
    Text that needs no change costs one round.
    """
    steps = tuple(rules)

    def rule(at: AlignedText) -> AlignedText:
        for _ in range(max_rounds):
            before = at.text
            for step in steps:
                at = step(at)
            if at.text == before:
                break
        return at

    rule.__name__ = rule.__qualname__ = name
    return rule


def char_map_rule(mapping: dict[str, str], name: str | None = None) -> Rule:
    """Build a rule that maps single characters to single characters; offsets stay as they are."""
    if any(len(k) != 1 or len(v) != 1 for k, v in mapping.items()):
        raise ValueError("char_map_rule needs a one-to-one character mapping")
    table = str.maketrans(mapping)

    def rule(at: AlignedText) -> AlignedText:
        mapped = at.text.translate(table)
        return at if mapped == at.text else AlignedText(mapped, at.starts, at.ends)

    rule.__name__ = rule.__qualname__ = name or "char_map_rule"
    return rule


# --------------------------------------------------------------------------- character classes
_TH_CONS = "\u0e01-\u0e2e"  # ก-ฮ, including ฤ and ฦ which behave as consonants in a fragment
_TH_LEAD = "\u0e40-\u0e44"  # เ แ โ ใ ไ
_TH_FOLLOW = "\u0e30\u0e32\u0e33\u0e45"  # ะ า ำ ๅ
_TH_TONES = "\u0e48-\u0e4b"
# Non-spacing marks: above/below vowels, tones, signs (= pythainlp.util.normalize._DANGLING_CHARS).
_TH_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_TH_LETTER = "\u0e01-\u0e4e"  # letters and marks, without digits and punctuation
_TH_VOWEL_MARKS = "\u0e31\u0e34-\u0e39\u0e47\u0e4d"  # marks that make a fragment a full syllable

_EMOJI_RANGES = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u23cf"
    "\u23e9-\u23f3\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u27bf"
    "\u2934\u2935\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
)


def _char_class(chars: Iterable[str]) -> str:
    """Compact ``[...]`` body for a set of characters (ranges where contiguous)."""
    codes = sorted({ord(c) for c in chars})
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append(re.escape(chr(codes[i])) + ("-" + re.escape(chr(codes[j])) if j > i else ""))
        i = j + 1
    return "".join(parts)


def _expand_class(body: str) -> Iterator[str]:
    for m in re.finditer(r"(.)(?:-(.))?", body, re.S):
        for code in range(ord(m.group(1)), ord(m.group(2) or m.group(1)) + 1):
            yield chr(code)


# Emoji that compatibility normalization leaves alone (Ⓜ, ™, ℹ would turn into letters), so that a
# zero-width joiner kept between two emoji still sits between two emoji on a second pass.
_EMOJI = _char_class(c for c in _expand_class(_EMOJI_RANGES) if unicodedata.normalize("NFKC", c) == c)
_VS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
# Invisible characters: Unicode format characters (Cf: ZW space/joiners, bidi controls, BOM, soft
# hyphen, tags, ...), Hangul fillers and the combining grapheme joiner, used to hide words from filters.
_INVISIBLE = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\ufff9-\ufffb\uffa0"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)

# --------------------------------------------------------------------------- mandatory repair
_SURROGATES = re.compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")


def _join_surrogates(m: re.Match[str]) -> str:
    pair = m.group()
    if len(pair) == 1:
        return "\ufffd"
    return chr(0x10000 + ((ord(pair[0]) - 0xD800) << 10) + ord(pair[1]) - 0xDC00)


_repair_surrogates = regex_rule(_SURROGATES, _join_surrogates, "repair_surrogates")


# --------------------------------------------------------------------------- rules: characters
def _keep_flag_tags(m: re.Match[str]) -> str:
    return m.group(1) or ""


remove_invisible = regex_rule(
    # A flag tag sequence (🏴 + tag letters + cancel tag) is kept whole; ZWJ is kept between emoji;
    # variation selectors are kept after an emoji or in a keycap (5 + VS16 + U+20E3); everything else
    # listed in _INVISIBLE goes.
    rf"(\U0001f3f4[\U000e0020-\U000e007e]{{2,6}}\U000e007f)|[{_INVISIBLE}]"
    rf"|(?<![{_EMOJI}])(?<![{_EMOJI}][{_VS}])\u200d|\u200d(?![{_EMOJI}])|(?<![{_EMOJI}])[{_VS}](?!\u20e3)",
    _keep_flag_tags,
    "remove_invisible",
    hint=f"[{_INVISIBLE}\u200d{_VS}]",
)

_WHITESPACE = "\t\n\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_CONTROL_OR_SPACE = re.compile(rf"[{_WHITESPACE}]|[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def _control_or_space(m: re.Match[str]) -> str:
    return " " if m.group().isspace() else ""


normalize_controls = regex_rule(_CONTROL_OR_SPACE, _control_or_space, "normalize_controls")
normalize_controls.__doc__ = "Every whitespace character (line breaks too) -> space; other C0/C1 controls removed."

# Runs outside ASCII and the Thai block: NFKC would split Thai sara am (ำ -> ํา), so Thai is never fed
# to it. The preceding ASCII character joins the run so that e + U+0301 can compose.
_COMPAT_RUN = re.compile(r"[\x00-\x7f]?[^\x00-\x7f\u0e00-\u0e7f]+")


@lru_cache(maxsize=8192)
def _compat_char(char: str) -> str:
    """NFKC of one character unless it expands beyond 3 characters (e.g. ﷺ): bounds the length."""
    mapped = unicodedata.normalize("NFKC", char)
    # Spacing accents (¨ -> space + U+0308) would only add noise and spaces.
    return mapped if len(mapped) <= 3 and (mapped == " " or " " not in mapped) else char


def _compose_edits(text: str, char_map: Callable[[str], str]) -> Iterator[tuple[int, int, str]]:
    """Map the characters of each non-Thai run, then NFC-compose the run."""
    for m in _COMPAT_RUN.finditer(text):
        run = m.group()
        pieces = [char_map(c) for c in run]
        mapped = "".join(pieces)
        composed = unicodedata.normalize("NFC", mapped)
        if composed == run:
            continue
        if composed == mapped:  # no composition: keep per-character alignment
            start = m.start()
            yield from ((start + i, start + i + 1, p) for i, p in enumerate(pieces) if p != run[i])
        else:
            yield m.start(), m.end(), composed


def unicode_compat(at: AlignedText) -> AlignedText:
    """NFKC where safe: fullwidth, math-styled and circled letters, ligatures, superscript digits."""
    if at.text.isascii():
        return at
    return at.replace_spans(_compose_edits(at.text, _compat_char))


_WS_RUN = re.compile(r"\s{2,}|[^\S ]|^ | $")


def _whitespace(m: re.Match[str]) -> str:
    return "" if m.start() == 0 or m.end() == len(m.string) else " "


collapse_whitespace = regex_rule(_WS_RUN, _whitespace, "collapse_whitespace")
collapse_whitespace.__doc__ = (
    "Whitespace runs -> one space, none at either end (pythainlp remove_dup_spaces). Runs early: the"
    " later rules never leave double spaces, and they can rely on single spaces."
)

_PLACEHOLDER_NAMES = "url|email|phone|handle|account|id|rep|laugh"
_LOWER_PLACEHOLDER = re.compile(rf"\[(?:{_PLACEHOLDER_NAMES})\]")
_LOWER_FIX = str.maketrans({"\u0130": "i"})  # İ lowercases to two characters; all others to one


def lowercase(at: AlignedText) -> AlignedText:
    """Lowercase every cased letter one-to-one (``str.lower``), keeping placeholders upper case."""
    text = at.text
    lowered = text.translate(_LOWER_FIX).lower()
    if "[" in lowered:
        lowered = _LOWER_PLACEHOLDER.sub(lambda m: m.group().upper(), lowered)
    if lowered == text:
        return at
    at = AlignedText(lowered, at.starts, at.ends)
    # T + U+0308 has no composed form but t + U+0308 has (ẗ): compose again, as NFKC did before.
    return at if lowered.isascii() else at.replace_spans(_compose_edits(lowered, str))


# pythainlp.util.thai_digit_to_arabic_digit, applied character by character to keep offsets.
thai_digits_to_arabic = char_map_rule({d: thai_digit_to_arabic_digit(d) for d in thai_digits}, "thai_digits_to_arabic")

# --------------------------------------------------------------------------- rules: identifiers
_URL_CHAR = "[^\\s<>\"'`\u0e00-\u0e7f\\[\\]]"
_URL_END = "[^\\s<>\"'`\u0e00-\u0e7f\\[\\].,;:!?)}]"
_URL_REST = f"(?:{_URL_CHAR}*{_URL_END})?"
_APP_DOMAINS = (
    r"t\.me|telegram\.me|line\.me|lin\.ee|instagram\.com|instagr\.am|facebook\.com|fb\.com|fb\.me"
    r"|m\.me|tiktok\.com|twitter\.com|x\.com|discord\.gg|discord\.com|wa\.me|snapchat\.com"
)
_TLDS = (
    "com|net|org|info|biz|io|co|me|ly|gg|app|xyz|th|link|site|online|shop|store|club|live|tv|cc|to"
    "|be|gl|ee|page|dev|ai|us|uk|jp|cn|asia|top|vip|fun|icu|ru|in|ws|la"
)
# Latin lookarounds treat "[" and "]" like letters: collapse_repeats later turns "aaa" into "a[REP]",
# and a second pass must take the same decisions as the first.
_URL_OR_EMAIL = re.compile(
    rf"(?<![a-z0-9._%+/@\]-])(?:https?://)?(?:www\.|m\.)?(?P<app>{_APP_DOMAINS})/{_URL_CHAR}+"
    rf"|(?:https?|ftp)://{_URL_CHAR}*{_URL_END}"
    rf"|(?<![a-z0-9._%+/@\]-])www\.{_URL_CHAR}*{_URL_END}"
    rf"|(?P<email>(?<![a-z0-9._%+\]-])[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{{2,}})"
    rf"(?![a-z\[-])"
    rf"|(?<![a-z0-9._%+/@\]-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS})"
    rf"(?![a-z\[-]|\.[a-z\[]|/\[)(?:/{_URL_REST})?"
)


def _url_or_email(m: re.Match[str]) -> str:
    if m.group("app"):
        return f"{m.group('app')}/{HANDLE}"
    return EMAIL if m.group("email") else URL


replace_urls = regex_rule(_URL_OR_EMAIL, _url_or_email, "replace_urls", hint="[.@]|//")
replace_urls.__doc__ = "URLs -> [URL], e-mails -> [EMAIL], app links keep the app: t.me/x -> t.me/[HANDLE]."

_ACCOUNT_WORDS = (
    "เลขที่บัญชี|เลขบัญชี|บัญชี|บช\\.?|พร้อมเพย์|พร้อมเพ|promptpay|prompt pay|ทรูมันนี่|ทรูมันนี|ทรูวอลเล็[ทต]"
    "|truemoney|true money|true wallet|วอลเล็[ทต]|wallet|กสิกร|kbank|scb|ไทยพาณิชย์|กรุงไทย|ktb|ออมสิน"
    "|gsb|กรุงศรี|krungsri|ttb|ธกส|a/c|acc(?:ount)?(?: no)?\\.?"
)
_NUMBER_HINT = r"\d(?:\D{0,3}\d){7}"  # every number rule needs at least 8 digits
_NUMBER_HINT_RE = re.compile(_NUMBER_HINT)
# Numbers must not continue another number. A placeholder counts as a number there: a later rule may
# turn a neighbouring number into one, and the second pass must decide as the first did.
_NO_NUMBER_BEFORE = r"(?<![\d\]])(?<![\d\]][.,-])"
_NO_NUMBER_AFTER = r"(?![.,-]?[\d\[])"
_CONTEXT_ACCOUNT = re.compile(rf"(?:{_ACCOUNT_WORDS})[^\d\n]{{0,15}}?(\d(?:[ -]?\d){{8,14}}){_NO_NUMBER_AFTER}")


def replace_context_accounts(at: AlignedText) -> AlignedText:
    """A 9-15 digit number right after a bank/wallet/PromptPay word -> [ACCOUNT], even if phone-like."""
    if not _NUMBER_HINT_RE.search(at.text):
        return at
    return at.replace_spans((m.start(1), m.end(1), ACCOUNT) for m in _CONTEXT_ACCOUNT.finditer(at.text))


def _unless_laughter(placeholder: str) -> Callable[[re.Match[str]], str | None]:
    """Replacement that leaves a number made only of 5s (``5555555555``) to the laughter rule."""

    def repl(m: re.Match[str]) -> str | None:
        return None if m.group().strip("5- ") == "" else placeholder

    return repl


replace_bank_accounts = regex_rule(
    rf"{_NO_NUMBER_BEFORE}\d{{3}}-\d-\d{{5,6}}-\d{_NO_NUMBER_AFTER}",
    ACCOUNT,
    "replace_bank_accounts",
    hint=_NUMBER_HINT,
)
replace_bank_accounts.__doc__ = "Thai bank account layout xxx-x-xxxxx-x (before phones: it may start with 0)."

replace_national_ids = regex_rule(
    rf"{_NO_NUMBER_BEFORE}\d[ -]?\d{{4}}[ -]?\d{{5}}[ -]?\d{{2}}[ -]?\d{_NO_NUMBER_AFTER}",
    _unless_laughter(ID),
    "replace_national_ids",
    hint=_NUMBER_HINT,
)
replace_national_ids.__doc__ = "13 digits, bare or grouped 1-4-5-2-1 -> [ID]."

replace_phones = regex_rule(
    rf"{_NO_NUMBER_BEFORE}(?<!\+)(?:(?:\+|00)?66[ .-]?(?:\(0\)[ .-]?)?|0[ .-]?)[1-9](?:[ .-]?\d){{7,8}}"
    rf"{_NO_NUMBER_AFTER}"
    rf"|{_NO_NUMBER_BEFORE}\(0\d{{1,2}}\)[ .-]?\d(?:[ .-]?\d){{6}}{_NO_NUMBER_AFTER}"
    rf"|{_NO_NUMBER_BEFORE}\+[1-9]\d{{0,2}}[ .-]?\d(?:[ .-]?\d){{6,12}}{_NO_NUMBER_AFTER}",
    PHONE,
    "replace_phones",
    hint=_NUMBER_HINT,
)
replace_phones.__doc__ = (
    "Thai phones (081-234-5678, 0812345678, +66 81 234 5678, 02-123-4567, 0 8 1 2 ...) and other"
    " international numbers (+1 ...) -> [PHONE]."
)

replace_long_numbers = regex_rule(
    rf"{_NO_NUMBER_BEFORE}\d(?:-?\d){{9,}}{_NO_NUMBER_AFTER}",
    _unless_laughter(ACCOUNT),
    "replace_long_numbers",
    hint=_NUMBER_HINT,
)
replace_long_numbers.__doc__ = "Remaining numbers of 10 or more digits (accounts, wallet ids) -> [ACCOUNT]."

_LATIN_APPS = (
    "line|ig|insta|instagram|fb|facebook|tg|telegram|discord|snap|snapchat|tiktok|twitter|wechat"
    "|kakao|kakaotalk|whatsapp|add"
)
_THAI_APPS = (
    "(?<!น)ไลน์?|ไอจี|อินสตา(?:แกรม)?|เฟซ(?:บุ๊?[กค])?|เฟส(?:บุ๊?[กค])?|เทเล(?:แกรม)?|ดิสคอร์ด|ติ๊?กต๊?อก"
    "|ทวิตเตอร์|ทวิต|วีแชท|วอทส์?แอป|สแนป(?:แชท)?|แอ๊?ด(?!มิน)"
)
_APP_HANDLE = re.compile(
    rf"(?:(?<![a-z\]])(?P<latin>{_LATIN_APPS})(?![a-z\[])|{_THAI_APPS})"
    rf"(?P<gap>[\u0e00-\u0e7f ]{{0,20}}?)(?P<mark>(?:id|ไอดี)? *[:=] *| *(?:id|ไอดี) *|)"
    r"(?P<id>@?[a-z0-9](?:[a-z0-9._-]{0,30}[a-z0-9_])?)(?![a-z0-9_@\[/]|[.-][a-z0-9\[])"
)
_LATIN_LETTER = re.compile("[a-z]")
_ID_LIKE = re.compile(r"[\d_.]")
_NOT_IDS = frozenset(
    "ok okay id na me my you pls plz please call vdo video story live group chat app name account acc"
    " link official oa pc ios android sticker profile status the and or to for add line ig fb".split()
)


def _is_handle(m: re.Match[str]) -> bool:
    handle = m.group("id")
    name = handle.lstrip("@")
    if len(name) < 3 or name in _NOT_IDS or not _LATIN_LETTER.search(name):
        return False
    explicit = bool(m.group("mark").strip()) or handle[0] == "@" or "ไอดี" in m.group("gap")
    # "line today": a Latin app word needs "id", ":", "@" or an id-like token
    return not m.group("latin") or explicit or bool(_ID_LIKE.search(name))


def _app_handle_edits(text: str) -> Iterator[tuple[int, int, str]]:
    pos = 0
    while m := _APP_HANDLE.search(text, pos):
        if _is_handle(m):
            yield m.start("id"), m.end("id"), HANDLE
            pos = m.end()
        else:  # a rejected candidate must not hide an app word inside it ("lineไลน์abc")
            pos = m.start() + 1


def replace_app_handles(at: AlignedText) -> AlignedText:
    """``แอดไลน์ abc_123``, ``line id: xyz``, ``ig: @name`` -> keep the app words, id -> [HANDLE]."""
    if not _LATIN_LETTER.search(at.text):  # every id has a Latin letter
        return at
    return at.replace_spans(_app_handle_edits(at.text))


replace_at_handles = regex_rule(
    r"(?<![a-z0-9_.@\]])@(?=[a-z0-9._]{0,31}[a-z])[a-z0-9_](?:[a-z0-9._]{0,30}[a-z0-9_])"
    r"(?![a-z0-9_@\[/]|\.[a-z0-9\[])",
    HANDLE,
    "replace_at_handles",
    hint="@",
)
replace_at_handles.__doc__ = "A bare ``@username`` (with a letter: ``@5555`` is not one) -> [HANDLE]."

# --------------------------------------------------------------------------- rules: chat style
_MONEY_AFTER = r"(?! ?(?:บาท|บ\.|฿|baht|thb|\$|usd|ดอล|เหรียญ|ล้าน|แสน|หมื่น|พัน|ตัง|k(?![a-z\[])|\.-))"
_LAUGH_ATOM = (
    rf"(?<![\d\]])(?<![\d\]][.,:/-])(?<![฿$])(?<![฿$] )5{{3,}}\+*(?![.,:/-]?[\d\[]){_MONEY_AFTER}"
    r"|ถ{3,}\+*|(?<![a-z\]])(?:(?:h+[aei]+){2,}h*|lo+l+|lmf?ao+|rofl+)(?![a-z\[])"
    r"|(?:ฮ่?า+){2,}|ฮ่?า+(?: ?ๆ)+|(?:อิ){2,}|(?:คิ){2,}|\[LAUGH\]"
)
_LAUGH_HINT = re.compile(r"555|ถถถ|h[aei]+h|lo|lm|rof|ฮ|อิอิ|คิคิ|\[LAUGH\]")
_LAUGHTER = re.compile(rf"(?:{_LAUGH_ATOM})(?: ?(?:{_LAUGH_ATOM}))*")
_MONEY_BEFORE = re.compile(r"(?:โอน|จ่าย|ราคา) ?\Z")


def _laughter(at: AlignedText) -> Iterator[tuple[int, int, str | None]]:
    text = at.text
    for m in _LAUGHTER.finditer(text):
        if m.group()[0] == "5" and _MONEY_BEFORE.search(text, max(0, m.start() - 6), m.start()):
            continue
        yield m.start(), m.end(), LAUGH


def replace_laughter(at: AlignedText) -> AlignedText:
    """``555``, ``5555+``, ``ถถถ``, ``hahaha``, ``ฮ่าๆ`` (and runs of them) -> one [LAUGH]; money stays."""
    if not _LAUGH_HINT.search(at.text):
        return at
    return at.replace_spans(_laughter(at))


_LEET_HINT = re.compile(r"[a-z][013457]+[a-z]")
# Placeholders belong to the token: on a second pass they stand where a number or [REP] was.
_LATIN_TOKEN = re.compile(r"(?:[a-z0-9]|\[[A-Z]+\])+")
_LEET = str.maketrans("013457", "oieast")
_NOT_LEET = re.compile(r"[2689]|\d{3}|\[")  # a non-leet digit, a real number or a placeholder


def _leet_edits(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _LATIN_TOKEN.finditer(text):
        token = m.group()
        if _LEET_HINT.search(token) and not _NOT_LEET.search(token):
            start = m.start()
            for i, char in enumerate(token):
                if char in "013457":
                    letter = char.translate(_LEET)
                    after = text[start + i + 1 : start + i + 2]
                    # o + U+0301 would compose to ó on the next pass: leave such a digit alone.
                    if not after or unicodedata.normalize("NFC", letter + after) == letter + after:
                        yield start + i, start + i + 1, letter


def undo_leetspeak(at: AlignedText) -> AlignedText:
    """``s3nd p1c`` -> ``send pic`` when digits sit between letters; ``mp3``, ``2k``, ``3 คน`` stay."""
    if not _LEET_HINT.search(at.text):
        return at
    return at.replace_spans(_leet_edits(at.text))


# pythainlp.util.remove_spaces_before_marks: "พ ุ่ม" -> "พุ่ม" (only after a consonant without a vowel).
remove_spaces_before_marks = regex_rule(
    " (?<=[\u0e01-\u0e23\u0e25\u0e27-\u0e2e] )(?<![\u0e24\u0e26\u0e30-\u0e39\u0e40-\u0e45\u0e47\u0e4d]"
    "[\u0e01-\u0e23\u0e25\u0e27-\u0e2e] )(?=[" + _TH_MARKS + "])",
    "",
    "remove_spaces_before_marks",
)

_MV = f"{_TH_MARKS}{_TH_FOLLOW}"
# One "fragment" of an obfuscated word: at most one consonant with its marks and vowels.
_FRAGMENT = f"(?:[{_MV}]+(?:[{_TH_LEAD}]?[{_TH_CONS}][{_MV}]*)?|[{_TH_LEAD}]?[{_TH_CONS}][{_MV}]*)"
_SEP_CHARS = r".\-*_|/+~•·"
_SYMBOL_SPLIT = re.compile(
    rf"(?<![{_TH_LETTER}{_SEP_CHARS}\]]){_FRAGMENT}(?:[{_SEP_CHARS}]+{_FRAGMENT}){{2,}}"
    rf"(?![{_SEP_CHARS}]*[{_TH_LETTER}\[])"
)
_SPACE_SPLIT = re.compile(rf"(?<![{_TH_LETTER}\]]){_FRAGMENT}(?: +{_FRAGMENT}){{2,}}(?![{_TH_LETTER}\[])")
_SEPARATOR = re.compile(rf"[{_SEP_CHARS}]+")
_SPACES = re.compile(" +")
_FRAGMENT_RE = re.compile(_FRAGMENT)
_SYLLABLE_START = re.compile(f"[{_TH_LEAD}]?[{_TH_CONS}]")
_HAS_VOWEL = re.compile(f"[{_TH_VOWEL_MARKS}{_TH_LEAD}{_TH_FOLLOW}]")


def _broken_fragments(run: str) -> int:
    """Fragments that cannot be a syllable on their own: no vowel (``ส่``, ``ง``) or a leading mark."""
    return sum(1 for f in _FRAGMENT_RE.findall(run) if not (_SYLLABLE_START.match(f) and _HAS_VOWEL.search(f)))


def _split_word_edits(
    text: str, pattern: re.Pattern[str], separator: re.Pattern[str], min_broken: int, dotted: bool
) -> Iterator[tuple[int, int, str]]:
    for m in pattern.finditer(text):
        run = m.group()
        if _broken_fragments(run) < min_broken:
            continue
        if dotted and text.startswith(".", m.end()) and all(len(piece) == 1 for piece in separator.split(run)):
            continue  # abbreviation: bare consonants each followed by a dot, e.g. พ.ร.บ.
        start = m.start()
        yield from ((start + s.start(), start + s.end(), "") for s in separator.finditer(run))


def join_symbol_split_thai(at: AlignedText) -> AlignedText:
    """``ส.่ง.รู.ป``, ``ส-่ง-รู-ป``, ``ส*ง*รู*ป`` -> ``ส่งรูป``; abbreviations (``ก.พ.``) are kept."""
    return at.replace_spans(_split_word_edits(at.text, _SYMBOL_SPLIT, _SEPARATOR, 1, True))


def join_space_split_thai(at: AlignedText) -> AlignedText:
    """``ส่ ง รู ป`` -> ``ส่งรูป``; spaced ordinary words (``มา นี่ สิ``) have no broken fragment and stay."""
    return at.replace_spans(_split_word_edits(at.text, _SPACE_SPLIT, _SPACES, 2, False))


# pythainlp.util.reorder_vowels, first pair: two Sara E -> Sara Ae.
fix_double_sara_e = regex_rule("\u0e40\u0e40", "\u0e41", "fix_double_sara_e")
# pythainlp.util.reorder_vowels: Lakkhangyao -> Sara Aa, except after ฤ/ฦ.
fix_lakkhangyao = regex_rule("\u0e45(?<=[^\u0e24\u0e26]\u0e45)", "\u0e32", "fix_lakkhangyao")

_MARK_GROUP = {c: 0 for c in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e4d"}
_MARK_GROUP.update({"\u0e47": 1, "\u0e48": 2, "\u0e49": 2, "\u0e4a": 2, "\u0e4b": 2})
_MARK_GROUP.update({"\u0e4c": 3, "\u0e4e": 3})


def _reorder_cluster(m: re.Match[str]) -> str:
    run = m.group()
    marks = [c for c in run if c in _MARK_GROUP]
    tones = [c for c in marks if _MARK_GROUP[c] == 2]
    kept = dict.fromkeys(c for c in marks if _MARK_GROUP[c] != 2)  # dedupe, keep first order
    marks = sorted([*kept, *tones[-1:]], key=_MARK_GROUP.__getitem__)
    return "".join(marks) + "".join(c for c in run if c not in _MARK_GROUP)


# pythainlp.util.reorder_vowels + remove_repeat_vowels, for a run of marks and follow vowels: marks
# first (vowel marks, then the last tone mark, then other signs; duplicates dropped), follow vowels
# after them (ก่า, not กา่). The result is sorted, so a second pass leaves it alone.
_G0, _G1, _G2, _G3 = "\u0e31\u0e34-\u0e3a\u0e4d", "\u0e47", _TH_TONES, "\u0e4c\u0e4e"
# Adjacent pairs out of order: a mark after a follow vowel, a lower group after a higher one, two
# tone marks, or the same mark twice.
_MISORDERED = (
    f"[{_TH_FOLLOW}][{_TH_MARKS}]|[{_G1}{_G2}{_G3}][{_G0}]|[{_G2}{_G3}][{_G1}]|[{_G3}][{_G2}]|[{_G2}]{{2}}"
    f"|([{_TH_MARKS}])\\1"
)
reorder_thai_marks = regex_rule(
    f"(?<![{_MV}])[{_MV}]*?(?:{_MISORDERED})[{_MV}]*", _reorder_cluster, "reorder_thai_marks", hint=_MISORDERED
)
# pythainlp.util.reorder_vowels: Nikhahit + tone marks + Sara Aa -> tone marks + Sara Am.
compose_sara_am = regex_rule(f"\u0e4d([{_TH_TONES}]*)\u0e32", "\\1\u0e33", "compose_sara_am")

_REPEAT = re.compile(r"([^\W\d_]|[!?])\1\1+|([ะาำ])\2+")
_REPEAT_DICT_CANDIDATE = re.compile(f"([{_TH_CONS}])\\1(?![{_TH_LETTER}])")
_THAI_WORD = re.compile(f"[{_TH_LETTER}]+")
_THAI_LETTER = re.compile(f"[{_TH_LETTER}]")
_thai_dictionary_loaded = False


def _trailing_repeat_edits(text: str) -> Iterator[tuple[int, int, str]]:
    global _thai_dictionary_loaded
    for m in _THAI_WORD.finditer(text):
        word = m.group()
        last = word[-1]
        if len(word) < 2 or word[-2] != last or not "\u0e01" <= last <= "\u0e2e":
            continue
        # The first call builds PyThaiNLP's table of dictionary words that end in a doubled consonant.
        kept = remove_trailing_repeat_consonants(word, has_dictionary_updated=not _thai_dictionary_loaded)
        _thai_dictionary_loaded = True
        if kept == word:
            continue
        run = len(word) - len(word.rstrip(last))
        keep = run - (len(word) - len(kept))
        yield m.end() - run, m.end(), last * keep + REP


def collapse_trailing_repeats(at: AlignedText) -> AlignedText:
    """Thai word ending in a repeated consonant -> dictionary form + [REP] (PyThaiNLP's
    ``remove_trailing_repeat_consonants``): ``มากกก`` -> ``มาก[REP]``, ``อืมมมมม`` -> ``อืมมม[REP]``."""
    if not _REPEAT_DICT_CANDIDATE.search(at.text):
        return at
    return at.replace_spans(_trailing_repeat_edits(at.text))


def _repeat(m: re.Match[str]) -> str | None:
    char = m.group(1) or m.group(2)
    end = m.end()
    if "\u0e01" <= char <= "\u0e2e" and not _THAI_LETTER.match(m.string, end):
        return None  # a word-final Thai consonant run is left in its dictionary form
    return char + REP


collapse_repeats = regex_rule(_REPEAT, _repeat, "collapse_repeats")
collapse_repeats.__doc__ = "Three or more equal letters (two for ะ า ำ) -> one + [REP]: ``soooo`` -> ``so[REP]``."

# pythainlp.util.remove_repeat_vowels: a lead vowel or mark repeated, possibly with spaces between,
# -> once (a typo). Follow vowels (ค่าา) are emphasis and are left to collapse_repeats.
remove_repeat_vowels = regex_rule(
    "([\u0e31\u0e34-\u0e3a\u0e40-\u0e44\u0e47\u0e4c-\u0e4e])(?: *\\1)+", r"\1", "remove_repeat_vowels"
)
# pythainlp.util.remove_dangling: marks at the start of the text or after a space; a space left
# alone by them goes too, so whitespace stays collapsed.
remove_dangling = regex_rule(
    f"^(?:[{_TH_MARKS}]+ )*[{_TH_MARKS}]+ ?| [{_TH_MARKS}]+(?= |$)|(?<= )[{_TH_MARKS}]+",
    "",
    "remove_dangling",
    hint=f"(?:^| )[{_TH_MARKS}]",
)

THAI_SPELLING_RULES: tuple[Rule, ...] = (
    remove_spaces_before_marks,
    join_symbol_split_thai,
    join_space_split_thai,
    fix_double_sara_e,
    fix_lakkhangyao,
    reorder_thai_marks,
    compose_sara_am,
    remove_dangling,
    remove_repeat_vowels,
)
"""Thai spelling and de-obfuscation, the aligned counterpart of ``pythainlp.util.normalize``."""

fix_thai_spelling = until_stable(THAI_SPELLING_RULES, "fix_thai_spelling")

DEFAULT_RULES: tuple[Rule, ...] = (
    remove_invisible,
    normalize_controls,
    unicode_compat,
    collapse_whitespace,
    lowercase,
    thai_digits_to_arabic,
    undo_leetspeak,
    fix_thai_spelling,
    replace_urls,
    replace_context_accounts,
    replace_bank_accounts,
    replace_national_ids,
    replace_phones,
    replace_long_numbers,
    replace_laughter,
    replace_app_handles,
    replace_at_handles,
    collapse_trailing_repeats,
    collapse_repeats,
)
"""The default pipeline, in order; pass a reordered, shortened or extended copy as ``rules=``."""


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normalized message with the way back to the original.

    ``offsets[i]`` is where normalized character ``i`` starts in ``original`` (``offsets[len(text)] ==
    len(original)``); ``ends[i]`` is where its source ends. Both are non-decreasing.
    """

    text: str
    original: str
    offsets: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original_span(self, begin: int, end: int) -> tuple[int, int]:
        """Map ``text[begin:end]`` to the span of ``original`` it came from.

        A placeholder maps to the whole identifier and a collapsed repeat to the whole run, even when
        only part of it is selected.
        """
        if not 0 <= begin <= end <= len(self.text):
            raise ValueError("span is outside the normalized text")
        if begin == end:
            return self.offsets[begin], self.offsets[begin]
        return self.offsets[begin], self.ends[end - 1]


def normalize_text(text: str, rules: Sequence[Rule] | None = None) -> NormalizedText:
    """Normalize one chat message with ``rules`` (default :data:`DEFAULT_RULES`).

    Lone surrogates (e.g. from ``surrogateescape`` decoding) are always repaired first: a valid pair is
    joined, any other becomes U+FFFD, so the result can be encoded. Offsets index the input as given.
    Each rule runs once, in order. The default rules are idempotent together (a second normalization
    changes nothing): no rule creates work for an earlier one, except inside ``fix_thai_spelling``,
    which repeats its rules until they are stable.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    at = _repair_surrogates(AlignedText.from_text(text))
    for rule in DEFAULT_RULES if rules is None else rules:
        at = rule(at)
    return NormalizedText(at.text, text, at.starts, at.ends)


_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def iter_normalized(lines: Iterable[str], rules: Sequence[Rule] | None = None) -> Iterator[str]:
    """Normalize each input line to exactly one output line (without its line terminator).

    For ``grooming-detect normalize``: the default rules turn line breaks into spaces; with custom
    ``rules`` any that remain are replaced here, so one line in is always one line out.
    """
    for line in lines:
        normalized = normalize_text(line, rules).text
        if rules is not None:
            normalized = _LINE_BREAKS.sub(" ", normalized)
        yield normalized


def normalize_all(texts: Iterable[str]) -> list[str]:
    """The normalized text of each message: the pipeline's first step, before the encoder and the tagger."""
    return [normalize_text(text).text for text in texts]
