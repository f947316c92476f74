"""Which characters people may send us in names and text: no invisible control or format characters.

A right-to-left override (U+202E) makes "exe.txt" read as "txt.exe" and lets a name or a project title
display as something it is not (the "Trojan Source" trick); other control characters (NUL, escape, bell)
and invisible format characters (zero-width space, soft hyphen, byte-order mark, tag characters) make two
different texts look the same, and PostgreSQL cannot store NUL at all. So Unicode categories Cc (control)
and Cf (format) are refused, except:

- ordinary whitespace: tab, line feed, carriage return (multi-line text, and harmless elsewhere);
- the joiners and marks that real writing needs: ZERO WIDTH NON-JOINER and ZERO WIDTH JOINER (Urdu,
  Punjabi and emoji sequences), LEFT-TO-RIGHT MARK, RIGHT-TO-LEFT MARK and ARABIC LETTER MARK (what Urdu
  keyboards and Babel's number formats insert; a mark is one invisible strong letter, it reorders nothing).
"""

import unicodedata

ALLOWED = frozenset("\t\n\r\u200c\u200d\u200e\u200f\u061c")


def unwanted_characters(text):
    """The distinct control and format characters in text that we refuse, in order of appearance."""
    found = []
    for char in text or "":
        if char not in ALLOWED and unicodedata.category(char) in ("Cc", "Cf") and char not in found:
            found.append(char)
    return found


def code_point(char):
    """'U+202E' for display in an error message."""
    return f"U+{ord(char):04X}"
