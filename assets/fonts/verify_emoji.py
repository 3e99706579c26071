"""Checks NotoEmoji-derail.ttf with fontTools (see README.md, "Monochrome emoji").

Checks that the font is static TrueType (glyf) with no hinting, that the cmap has the
emoji and joiners we need, and that their outlines are not empty. It also checks that
GSUB has ligatures for some ZWJ/flag/modifier sequences. If uharfbuzz is installed
(`pip install uharfbuzz`), the sequences are also shaped, with the same default
features that harfrust (egui 0.37) applies.

Usage:  python3 assets/fonts/verify_emoji.py [path/to/NotoEmoji-derail.ttf]
"""
import os
import sys

from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont

D = os.path.dirname(os.path.abspath(__file__))
PATH = sys.argv[1] if len(sys.argv) > 1 else os.path.join(D, "NotoEmoji-derail.ttf")

failed = False


def check(ok, msg):
    global failed
    failed |= not ok
    print(f"   {'OK  ' if ok else 'FAIL'} {msg}")


f = TTFont(PATH)
cm = f.getBestCmap()
gs = f.getGlyphSet()
go = f.getGlyphOrder()
name = f["name"]
print(f"== {os.path.basename(PATH)}: {os.path.getsize(PATH):,} bytes, "
      f"glyphs={len(go)} cmap={len(cm)}")
print("   tables:", " ".join(sorted(k for k in f.keys() if k != "GlyphOrder")))
for i in (0, 1, 2, 5, 13):
    print(f"   name{i}: {(name.getDebugName(i) or '')[:90]}")

check(f.sfntVersion == "\x00\x01\x00\x00" and "glyf" in f, "TrueType glyf outlines")
check(not any(t in f for t in ("fvar", "gvar", "HVAR", "CFF2", "avar")), "static (no fvar/gvar/CFF2)")
check(f["OS/2"].usWeightClass == 400, f"OS/2 weight class {f['OS/2'].usWeightClass} == 400")
check(not any(t in f for t in ("fpgm", "prep", "cvt ")), "no fpgm/prep/cvt")
glyf = f["glyf"]
instructed = [g for g in go if getattr(glyf[g], "program", None) is not None
              and glyf[g].program.getBytecode()]
check(not instructed, f"no glyph instructions ({len(instructed)} instructed glyphs)")
check(not any(t in f for t in ("CBDT", "CBLC", "sbix", "COLR", "SVG ")),
      "no color tables (egui only renders outlines)")
check(bool(name.getDebugName(0)) and "Open Font License" in (name.getDebugName(13) or ""),
      "name table keeps copyright and OFL license strings")

CODEPOINTS = {
    0x1F3F3: "white flag", 0x1F308: "rainbow", 0x1F970: "smiling face with hearts",
    0x1F3FB: "skin tone 1-2", 0x1F3FC: "skin tone 3", 0x1F3FD: "skin tone 4",
    0x1F3FE: "skin tone 5", 0x1F3FF: "skin tone 6", 0x1FAF6: "heart hands",
    0x1F49C: "purple heart", 0x1F680: "rocket", 0x1F449: "pointing right",
    0x1F525: "fire", 0x2728: "sparkles", 0x1F64F: "folded hands", 0x1F62D: "loudly crying",
    0x1F340: "four leaf clover", 0x1F44D: "thumbs up", 0x2764: "red heart",
    0x1FAE8: "shaking face (Unicode 15.0)", 0x1F426: "bird",
    **{cp: f"regional indicator {chr(cp - 0x1F1E6 + ord('A'))}" for cp in range(0x1F1E6, 0x1F200)},
}
JOINERS = {0x200D: "ZWJ", 0xFE0F: "VS16", 0x20E3: "combining keycap"}

print("-- cmap and outlines")
missing, empty = [], []
for cp, what in CODEPOINTS.items():
    if cp not in cm:
        missing.append(f"U+{cp:04X} {what}")
        continue
    pen = RecordingPen()
    gs[cm[cp]].draw(pen)
    if not pen.value:
        empty.append(f"U+{cp:04X} {what}")
check(not missing, f"{len(CODEPOINTS)} emoji code points in cmap; missing: {missing}")
check(not empty, f"outlines non-empty; empty: {empty}")
for cp, what in JOINERS.items():
    check(cp in cm, f"U+{cp:04X} {what} in cmap ({cm.get(cp)})")
print("   sample:", "".join(chr(cp) for cp in list(CODEPOINTS)[:21]))

print("-- GSUB")
gsub = f["GSUB"].table if "GSUB" in f else None
check(gsub is not None, "GSUB present")
if gsub is not None:
    feats = sorted({r.FeatureTag for r in gsub.FeatureList.FeatureRecord})
    print("   features:", feats, " lookup types:", [l.LookupType for l in gsub.LookupList.Lookup])
    check("ccmp" in feats, "ccmp feature kept (harfrust applies it by default)")
    # Collect every ligature (components -> glyph) in the GSUB.
    ligs = {}
    for lookup in gsub.LookupList.Lookup:
        for st in lookup.SubTable:
            if lookup.LookupType == 7:
                st = st.ExtSubTable
            if getattr(st, "LookupType", lookup.LookupType) == 4:
                for first, lst in st.ligatures.items():
                    for lig in lst:
                        ligs[(first, *lig.Component)] = lig.LigGlyph
    print(f"   {len(ligs)} ligatures")

SEQUENCES = [
    ("rainbow flag", "\U0001F3F3\uFE0F\u200D\U0001F308"),
    ("thumbs up, skin tone 5", "\U0001F44D\U0001F3FE"),
    ("flag UA", "\U0001F1FA\U0001F1E6"),
    ("flag JP", "\U0001F1EF\U0001F1F5"),
    ("family man woman girl", "\U0001F468\u200D\U0001F469\u200D\U0001F467"),
    ("pirate flag", "\U0001F3F4\u200D\u2620\uFE0F"),
    ("heart on fire", "\u2764\uFE0F\u200D\U0001F525"),
    ("technologist, skin tone 4", "\U0001F9D1\U0001F3FD\u200D\U0001F4BB"),
    ("keycap 1", "1\uFE0F\u20E3"),
    ("heart hands, skin tone 1-2", "\U0001FAF6\U0001F3FB"),
]
try:
    import uharfbuzz as hb
except ImportError:
    hb = None
    print("-- uharfbuzz not installed: shaping checks skipped (pip install uharfbuzz)")
if hb is not None:
    print(f"-- shaping with uharfbuzz {hb.__version__} (HarfBuzz {hb.version_string()})")
    with open(PATH, "rb") as fh:
        hb_font = hb.Font(hb.Face(hb.Blob(fh.read())))
    for what, s in SEQUENCES:
        buf = hb.Buffer()
        buf.add_str(s)
        buf.guess_segment_properties()
        hb.shape(hb_font, buf, {})
        out = [(go[i.codepoint], p.x_advance) for i, p in zip(buf.glyph_infos, buf.glyph_positions)]
        inked = [g for g, adv in out if adv != 0]
        # A sequence must end up as ONE visible glyph, none of them .notdef.
        ok = len(inked) == 1 and not any(g == ".notdef" for g, _ in out)
        check(ok, f"{what} {s!r} -> {out}")

print("ALL OK" if not failed else "FAILED")
sys.exit(1 if failed else 0)
