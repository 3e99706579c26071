"""Checks the subsets in this directory with fontTools (cmap coverage, non-empty outlines, static CFF/glyf)."""
from fontTools.ttLib import TTFont
from fontTools.pens.recordingPen import RecordingPen
import os, sys
D=os.path.dirname(os.path.abspath(__file__))+'/'
failed=False
checks={'NotoSansCJK-derail-subset.otf':['방탄소년단','ファンカム','東京','中国','日本語','한국어','简体中文','繁體中文','「こんにちは」','ＡＢＣ１２３','①※★'],
        'NotoSansArabic-derail-subset.ttf':['العربية','مرحبا','بالعالم','ﻻ','،؛؟','٠١٢٣']}
for fn,samples in checks.items():
    f=TTFont(D+fn); cm=f.getBestCmap(); gs=f.getGlyphSet()
    outl='CFF ' if 'CFF ' in f else ('glyf' if 'glyf' in f else None)
    print(f'== {fn}: sfntVersion={f.sfntVersion!r} outlines={outl} CFF2={"CFF2" in f} variable={"fvar" in f} glyphs={len(f.getGlyphOrder())} cmap={len(cm)}')
    if 'CFF ' in f:
        cff=f['CFF '].cff; td=cff.topDictIndex[0]
        print('   CFF CID-keyed:', hasattr(td,'ROS'), 'FDArray:', len(td.FDArray) if hasattr(td,'FDArray') else 0)
    print('   tables:', ' '.join(sorted(k for k in f.keys() if k!='GlyphOrder')))
    print('   name1/4/5:', f['name'].getDebugName(1),'|',f['name'].getDebugName(4),'|',f['name'].getDebugName(5))
    print('   license(13):', (f['name'].getDebugName(13) or '')[:70])
    if 'GSUB' in f: print('   GSUB features:', sorted({r.FeatureTag for r in f['GSUB'].table.FeatureList.FeatureRecord}))
    if 'GPOS' in f: print('   GPOS features:', sorted({r.FeatureTag for r in f['GPOS'].table.FeatureList.FeatureRecord}))
    for s in samples:
        miss=[c for c in s if ord(c) not in cm]
        # glyphs must have non-empty outlines
        empty=[]
        for c in s:
            if ord(c) in cm:
                p=RecordingPen(); gs[cm[ord(c)]].draw(p)
                if not p.value: empty.append(c)
        failed |= bool(miss or empty)
        print(f'   {s!r}: {"OK" if not miss and not empty else "FAIL"} missing={miss} empty_outline={empty}')
print('ALL OK' if not failed else 'FAILED'); sys.exit(1 if failed else 0)
