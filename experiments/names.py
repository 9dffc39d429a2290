"""Names in words: a scenario's ``meta.name`` or a parameter's key as a reader should see it.

``isa_bootcamp`` reads "ISA bootcamp", not "Isa bootcamp"; ``sectoral_tuition_free``
reads "sectoral tuition-free". :func:`nice` is for use inside a sentence,
:func:`capital` starts one (only the first letter changes, so acronyms survive).
"""

from __future__ import annotations

ACRONYMS = {"isa": "ISA", "it": "IT", "seiu": "SEIU", "lpn": "LPN", "cna": "CNA", "rct": "RCT", "ui": "UI"}
# Words that belong together once the underscores are gone.
COMPOUNDS = {
    "tuition free": "tuition-free",
    "labor management": "labor-management",
    "hire on day one": "hire-on-day-one",
    "homecare": "home care",
}


def nice(name: str) -> str:
    """``name`` with underscores as spaces, acronyms in capitals and compounds hyphenated."""
    words = " ".join(ACRONYMS.get(w.lower(), w) for w in name.replace("_", " ").split())
    for loose, joined in COMPOUNDS.items():
        words = words.replace(loose, joined)
    return words


def capital(text: str) -> str:
    """``text`` with its first letter in capitals and the rest as it was."""
    return text[:1].upper() + text[1:]
