"""The training text: Newton's Opticks (1730, public domain) as Debian ships it in golang-1.19-src.

Go's compress tests carry Project Gutenberg's plain text of the 4th edition; Debian packages it as
/usr/share/go-1.19/src/testdata/Isaac.Newton-Opticks.txt. We read it from there (or --text PATH)
and refuse any file whose sha256 differs, so every run trains on the same bytes.
"""
import glob
import hashlib
import re
import unicodedata

TEXT_SHA256 = "d4a9ac22462b35e7821a4f2706c211093da678620a8f9997989ee7cf8d507bbd"
TEXT_GLOBS = [
    "/usr/share/go-1.19/src/testdata/Isaac.Newton-Opticks.txt",
    "/usr/share/go-*/src/testdata/Isaac.Newton-Opticks.txt",
    "/usr/lib/go-*/src/testdata/Isaac.Newton-Opticks.txt",
]
HELDOUT_FRACTION = 0.1  # the last 10% of the normalized text is never trained on

# Ligatures and letters outside ASCII that the text uses, spelled in ASCII.
ASCII_SPELLING = {"æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "’": "'", "‘": "'", "“": '"', "”": '"', "—": "--"}


def find_text(path=None):
    candidates = [path] if path else [p for g in TEXT_GLOBS for p in sorted(glob.glob(g))]
    for p in candidates:
        try:
            raw = open(p, "rb").read()
        except OSError:
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if digest != TEXT_SHA256:
            raise SystemExit(f"{p}: sha256 {digest}, expected {TEXT_SHA256} (a different text would train different weights)")
        return p, raw.decode("utf-8")
    raise SystemExit(
        "Newton's Opticks not found: apt-get install golang-1.19-src "
        "(or apt-get download golang-1.19-src and pass --text PATH to the extracted "
        "usr/share/go-1.19/src/testdata/Isaac.Newton-Opticks.txt)"
    )


def normalize(text):
    """One line of printable ASCII: the zoo's vocabulary has no newline.

    Underscores are Project Gutenberg's italics marks, not text; line breaks and runs of blanks
    become one space; accents are dropped (NFKD) and what is still not ASCII becomes <unk>.
    """
    text = text.replace("_", "")
    text = "".join(ASCII_SPELLING.get(c, c) for c in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip()


def encode(text):
    """The zoo's tokenizer (models/zoo/vocab.ts): ' '..'~' are ids 1..95, anything else is 0."""
    return [ord(c) - 31 if " " <= c <= "~" else 0 for c in text]


def load(path=None):
    """(source path, normalized text, train ids, held-out ids)."""
    src, raw = find_text(path)
    text = normalize(raw)
    ids = encode(text)
    cut = int(len(ids) * (1 - HELDOUT_FRACTION))
    return src, text, ids[:cut], ids[cut:]
