#!/usr/bin/env bash
# Builds NotoEmoji-derail.ttf, the monochrome (outline) emoji font (see README.md,
# "Monochrome emoji: NotoEmoji-derail.ttf").
#
# Requires:
#   npm (Node.js)            to fetch the source font from the npm registry
#   pip install fonttools brotli
#
# Usage:  bash assets/fonts/make_emoji.sh
#         python3 assets/fonts/verify_emoji.py      # checks (pip install uharfbuzz for shaping)
#
# To update the font, bump NOTO_EMOJI_NPM_VERSION and set NOTO_EMOJI_SHA256 to the
# sha256 of the new NotoEmoji_400Regular.ttf (or run with NOTO_EMOJI_SHA256=any once
# to see it), then update README.md.
set -euo pipefail

OUT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="NotoEmoji-derail.ttf"

NOTO_EMOJI_NPM_PACKAGE="@expo-google-fonts/noto-emoji"
NOTO_EMOJI_NPM_VERSION="${NOTO_EMOJI_NPM_VERSION:-0.4.7}"
# The static Regular (wght 400) instance that Google Fonts serves, "Noto Emoji"
# Version 3.006, as shipped in the package above.
NOTO_EMOJI_FILE="package/400Regular/NotoEmoji_400Regular.ttf"
NOTO_EMOJI_SHA256="${NOTO_EMOJI_SHA256:-24aaa2a20c9c06ffe9bf04284bfd1f14376a329d10122f902abe2770817eb504}"

PY="${PYTHON:-python3}"
command -v npm >/dev/null || { echo "npm not found (apt-get install -y npm)" >&2; exit 1; }
command -v pyftsubset >/dev/null || { echo "pyftsubset not found: pip install fonttools brotli" >&2; exit 1; }

# Same convention as make_subsets.sh (pyftsubset keeps head.modified from the source
# anyway, so the output is deterministic for a given source and fontTools version).
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1577836800}"  # 2020-01-01T00:00:00Z

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# 1. Fetch the package tarball (npm checks its registry integrity hash) and unpack it.
(cd "$WORK" && npm pack --silent "$NOTO_EMOJI_NPM_PACKAGE@$NOTO_EMOJI_NPM_VERSION" >/dev/null)
tar -xzf "$WORK"/*.tgz -C "$WORK"
SRC="$WORK/$NOTO_EMOJI_FILE"
[ -f "$SRC" ] || { echo "missing $NOTO_EMOJI_FILE in $NOTO_EMOJI_NPM_PACKAGE@$NOTO_EMOJI_NPM_VERSION" >&2; exit 1; }

sha="$(sha256sum "$SRC" | cut -d' ' -f1)"
echo "source: $NOTO_EMOJI_NPM_PACKAGE@$NOTO_EMOJI_NPM_VERSION $NOTO_EMOJI_FILE sha256=$sha"
if [ "$NOTO_EMOJI_SHA256" != "any" ] && [ "$sha" != "$NOTO_EMOJI_SHA256" ]; then
  echo "sha256 mismatch: expected $NOTO_EMOJI_SHA256 (set NOTO_EMOJI_SHA256=any to accept)" >&2
  exit 1
fi

# 2. egui renders only outline fonts, and we want a static font. The pinned source is
#    already a static glyf font; should a future version be variable, pin wght=400.
if "$PY" -c 'import sys; from fontTools.ttLib import TTFont; sys.exit(0 if "fvar" in TTFont(sys.argv[1]) else 1)' "$SRC"; then
  echo "source is variable: instancing wght=400"
  fonttools varLib.instancer "$SRC" wght=400 --static --output="$WORK/static.ttf"
  SRC="$WORK/static.ttf"
fi
"$PY" - "$SRC" <<'EOF'
import sys
from fontTools.ttLib import TTFont
f = TTFont(sys.argv[1])
if "glyf" not in f or "fvar" in f or any(t in f for t in ("CBDT", "sbix", "COLR")):
    sys.exit("expected a static monochrome TrueType (glyf) font")
EOF

# 3. Subset:
#   --unicodes='*'          every code point of the source cmap: all the emoji, and
#                           also U+200D ZWJ, U+FE0F/FE0E, U+20E3 keycap, U+E0020-E007F
#                           tags, the regional indicators and 0-9 # * (keycap bases).
#   --layout-features='*'   keep the whole GSUB (the font has only `ccmp`, which holds
#                           the ZWJ, flag, keycap and skin-tone ligatures; egui 0.37
#                           shapes with harfrust, which applies ccmp).
#   --no-hinting            drop TrueType hinting (the source has none anyway).
#   --notdef-outline        keep the .notdef box.
#   --name-*                keep the whole name table (copyright, OFL license strings).
pyftsubset "$SRC" \
  --unicodes='*' \
  --layout-features='*' \
  --no-hinting \
  --notdef-outline \
  --name-IDs='*' \
  --name-languages='*' \
  --name-legacy \
  --output-file="$OUT_DIR/$OUT"

ls -l "$OUT_DIR/$OUT"
sha256sum "$OUT_DIR/$OUT"
