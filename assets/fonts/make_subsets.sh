#!/usr/bin/env bash
# Regenerates the font subsets in this directory (see README.md).
#
# Requires (Debian 12 "bookworm"):
#   apt-get install -y fonts-noto-cjk fonts-noto-core
#   pip install fonttools brotli
#
# Usage:  bash assets/fonts/make_subsets.sh
# (The emoji font NotoEmoji-derail.ttf is built by make_emoji.sh; this script only
# writes its copyright line into OFL.txt.)
# Output is written next to this script. The output is deterministic for a given
# set of source fonts and fontTools version.
set -euo pipefail

OUT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

CJK_SRC="/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
# Index 0 of NotoSansCJK-Regular.ttc is "Noto Sans CJK JP" (1 = KR, 2 = SC,
# 3 = TC, 4 = HK, 5-9 = the Mono variants). All faces share the same cmap and the
# Hangul / kana / punctuation glyphs are identical; they only differ in the
# regional shapes of ~630 ideographs. JP is used so that kanji look Japanese.
CJK_FACE=0
CJK_EXPECTED_NAME="Noto Sans CJK JP"
CJK_OUT="NotoSansCJK-derail-subset.otf"

ARABIC_SRC="/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"
ARABIC_OUT="NotoSansArabic-derail-subset.ttf"

SANS_SRC="/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
SANS_OUT="NotoSans-derail-specials.ttf"

PY="${PYTHON:-python3}"
command -v pyftsubset >/dev/null || { echo "pyftsubset not found: pip install fonttools brotli" >&2; exit 1; }
for f in "$CJK_SRC" "$ARABIC_SRC" "$SANS_SRC"; do
  [ -f "$f" ] || { echo "missing $f: apt-get install -y fonts-noto-cjk fonts-noto-core" >&2; exit 1; }
done

# Make fontTools write a fixed head.modified timestamp -> reproducible output.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1577836800}"  # 2020-01-01T00:00:00Z

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Check that the collection index really is the face we expect.
"$PY" - "$CJK_SRC" "$CJK_FACE" "$CJK_EXPECTED_NAME" <<'EOF'
import sys
from fontTools.ttLib import TTCollection
path, idx, expected = sys.argv[1], int(sys.argv[2]), sys.argv[3]
font = TTCollection(path, lazy=True).fonts[idx]
family = font["name"].getDebugName(1)
if family != expected:
    sys.exit(f"{path} face #{idx} is {family!r}, expected {expected!r}")
if "CFF " not in font or "fvar" in font:
    sys.exit("expected a static CFF (not CFF2 / variable) face")
EOF

# ---------------------------------------------------------------------------
# 1. CJK: Hangul + kana + CJK punctuation/forms + common ideographs.
# ---------------------------------------------------------------------------
CJK_BLOCKS=(
  U+1100-11FF   # Hangul Jamo
  U+3130-318F   # Hangul Compatibility Jamo
  U+AC00-D7A3   # Hangul Syllables (all 11,172)
  U+3040-309F   # Hiragana
  U+30A0-30FF   # Katakana
  U+31F0-31FF   # Katakana Phonetic Extensions
  U+3000-303F   # CJK Symbols and Punctuation
  U+FF00-FFEF   # Halfwidth and Fullwidth Forms
  # Small extras that egui's default fonts lack and that are common in CJK text:
  U+3100-312F   # Bopomofo
  U+3190-31BF   # Kanbun, Bopomofo Extended
  U+3200-32FF   # Enclosed CJK Letters and Months (e.g. U+321C)
  U+3300-33FF   # CJK Compatibility (e.g. U+339D)
  U+203B        # reference mark (kome-jirushi)
  U+2190-21FF   # Arrows
  U+2460-24FF   # Enclosed Alphanumerics (circled numbers)
  U+25A0-25FF   # Geometric Shapes
  U+2600-26FF   # Miscellaneous Symbols (stars, suits, notes)
)

# Ideographs, generated from the legacy national character-set standards with
# Python's built-in codecs (no external lists needed):
#   GB2312      level 1 (rows 16-55, bytes 0xB0A1-0xD7F9)  3,755 hanzi
#               level 2 (rows 56-87, bytes 0xD8A1-0xF7FE)  3,008 hanzi
#   JIS X 0208  level 1 (rows 16-47, EUC-JP 0xB0A1-0xCFD3) 2,965 kanji
#               level 2 (rows 48-84, EUC-JP 0xD0A1-0xF4A6) 3,390 kanji
#   Big5        level 1 (0xA440-0xC67E)                    5,401 hanzi (Traditional)
#   KS X 1001   hanja (rows 42-93, EUC-KR 0xCAA1-0xFDFE)   4,888 hanja (unified ones only)
#   + the 4 Joyo kanji that are not in JIS X 0208: U+20B9F U+5861 U+525D U+9830
# HAN_SET=level1 restricts this to GB2312 level 1 + JIS X 0208 level 1 only
# (the minimum; saves ~1.3 MB).
HAN_SET="${HAN_SET:-extended}"
"$PY" - "$HAN_SET" > "$WORK/han.txt" <<'EOF'
import sys

def euc_rows(codec, first_lead, last_lead):
    out = set()
    for hi in range(first_lead, last_lead + 1):
        for lo in range(0xA1, 0xFF):
            try:
                s = bytes([hi, lo]).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(s) == 1:
                out.add(ord(s))
    return out

def big5_level1():
    out = set()
    for hi in range(0xA4, 0xC7):
        for lo in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            if hi == 0xC6 and lo > 0x7E:
                break
            try:
                s = bytes([hi, lo]).decode("big5")
            except UnicodeDecodeError:
                continue
            if len(s) == 1:
                out.add(ord(s))
    return out

def is_unified_ideograph(cp):
    return 0x3400 <= cp <= 0x9FFF or 0x20000 <= cp <= 0x3FFFF

han = euc_rows("gb2312", 0xB0, 0xD7) | euc_rows("euc_jp", 0xB0, 0xCF)
if sys.argv[1] == "extended":
    han |= euc_rows("gb2312", 0xD8, 0xF7)
    han |= euc_rows("euc_jp", 0xD0, 0xF4)
    han |= big5_level1()
    han |= euc_rows("euc_kr", 0xCA, 0xFD)
    han |= {0x20B9F, 0x5861, 0x525D, 0x9830}
elif sys.argv[1] != "level1":
    sys.exit("HAN_SET must be 'extended' or 'level1'")
han = sorted(cp for cp in han if is_unified_ideograph(cp))
print(f"{len(han)} ideographs", file=sys.stderr)
for cp in han:
    print(f"U+{cp:04X}")
EOF
printf '%s\n' "${CJK_BLOCKS[@]}" | sed 's/[[:space:]]*#.*//' >> "$WORK/han.txt"

# --layout-features='' drops GSUB/GPOS: CJK needs no shaping for horizontal text.
# --name-IDs='*' keeps the copyright / license strings in the name table.
pyftsubset "$CJK_SRC" \
  --font-number="$CJK_FACE" \
  --unicodes-file="$WORK/han.txt" \
  --layout-features='' \
  --no-hinting \
  --name-IDs='*' \
  --output-file="$OUT_DIR/$CJK_OUT"

# ---------------------------------------------------------------------------
# 2. Arabic. egui >= 0.37 shapes text with harfrust, so the default OpenType
#    layout features (init/medi/fina/isol/rlig/ccmp/locl/mark/mkmk/kern/...) are
#    kept so that letters join. The presentation-form blocks are kept as well,
#    for text that is already stored in presentation forms.
# ---------------------------------------------------------------------------
ARABIC_UNICODES="U+0600-06FF,U+0750-077F,U+08A0-08FF,U+FB50-FDFF,U+FE70-FEFF"
# Joiners/marks the shaper relies on: ZWSP, ZWNJ, ZWJ, LRM, RLM, CGJ, dotted circle,
# reversed comma/semicolon.
ARABIC_UNICODES+=",U+200B-200F,U+034F,U+25CC,U+2E41,U+204F"
pyftsubset "$ARABIC_SRC" \
  --unicodes="$ARABIC_UNICODES" \
  --no-hinting \
  --name-IDs='*' \
  --output-file="$OUT_DIR/$ARABIC_OUT"

# ---------------------------------------------------------------------------
# 2b. Noto Sans: the replacement character (U+FFFD, shown for undecodable bytes in
#     damaged files) and the Latin, punctuation and symbol blocks egui's default font
#     lacks.
# ---------------------------------------------------------------------------
pyftsubset "$SANS_SRC" \
  --unicodes="U+0300-036F,U+1E00-1EFF,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2200-22FF,U+FFF0-FFFD" \
  --layout-features='*' --no-hinting --desubroutinize \
  --output-file="$OUT_DIR/$SANS_OUT"

# ---------------------------------------------------------------------------
# 3. License text (SIL OFL 1.1), taken from the Debian copyright file of
#    fonts-noto-cjk (DEP-5 format: strip the leading space, " ." = empty line).
# ---------------------------------------------------------------------------
{
  echo "Noto Sans CJK (NotoSansCJK-derail-subset.otf):"
  echo "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'."
  echo
  echo "Noto Sans Arabic (NotoSansArabic-derail-subset.ttf):"
  echo "Copyright 2015-2020 Google LLC. All Rights Reserved."
  echo
  echo "Noto Sans (NotoSans-derail-specials.ttf):"
  echo "Copyright 2015 Google LLC. All Rights Reserved."
  echo
  # NotoEmoji-derail.ttf is built by make_emoji.sh; its copyright line (name ID 0):
  echo "Noto Emoji (NotoEmoji-derail.ttf):"
  echo "Copyright 2013-2026 Google LLC"
  echo
  echo "This Font Software is licensed under the SIL Open Font License, Version 1.1."
  echo "This license is copied below, and is also available with a FAQ at:"
  echo "https://openfontlicense.org"
  echo
  awk '
    prev == "" && $0 == "License: SIL-1.1" { inlic = 1; prev = $0; next }
    inlic && $0 == "" { exit }
    inlic { sub(/^ /, ""); if ($0 == ".") $0 = ""; print }
    { prev = $0 }
  ' /usr/share/doc/fonts-noto-cjk/copyright
} > "$OUT_DIR/OFL.txt"
grep -q "SIL OPEN FONT LICENSE Version 1.1" "$OUT_DIR/OFL.txt" \
  || { echo "failed to extract the OFL text" >&2; exit 1; }

ls -l "$OUT_DIR/$CJK_OUT" "$OUT_DIR/$ARABIC_OUT" "$OUT_DIR/$SANS_OUT" "$OUT_DIR/OFL.txt"
