"""Search normalisation for Arabic and Kurdish (and Latin) text.

The same function builds the stored search text of a service version and the user's query, so a search
for "اجازة" finds "إجازة", "مدرسه" finds "مدرسة", "٢٠٢٤" finds "2024" and Kurdish "کارتی" finds "كارتي".
"""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ة": "ه",
        "ۃ": "ه",
        "ى": "ي",
        "ی": "ي",  # Persian/Kurdish yeh
        "ې": "ي",
        "ك": "ک",  # Arabic kaf -> keheh (Kurdish and Persian spelling)
        "ڪ": "ک",
        "ە": "ه",  # Kurdish ae is written as heh in Arabic script
        "ھ": "ه",  # heh doachashmee
        "ۀ": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ـ": None,  # tatweel
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic (Persian/Kurdish) digits
    }
)
_SPACES = re.compile(r"\s+")


def _is_mark(char: str) -> bool:
    # Harakat, tanwin, shadda, sukun, superscript alef, Quranic marks: all combining marks (Mn).
    return unicodedata.category(char) == "Mn"


def normalise(text: str) -> str:
    """Fold letter variants, drop diacritics and tatweel, Western digits, lower case, single spaces."""
    text = unicodedata.normalize("NFC", text)  # composed forms (آ as one code point) before folding
    text = "".join(char for char in text if not _is_mark(char))
    text = text.translate(_FOLD).casefold()
    return _SPACES.sub(" ", text).strip()
