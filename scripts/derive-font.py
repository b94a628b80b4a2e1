#!/usr/bin/env python3
"""Derives assets/fonts/WenQuanYiMicroHei.ttf from Debian's fonts-wqy-microhei (face 0 of
wqy-microhei.ttc): every glyph kept with its outline, advance and id; the TrueType hinting and
the tables a PDF never reads are dropped (see assets/fonts/README.md).

Usage: python3 scripts/derive-font.py /usr/share/fonts/truetype/wqy/wqy-microhei.ttc OUT.ttf
(needs fontTools: pip install fonttools)."""
import sys
from fontTools.ttLib import TTFont
src, dst = sys.argv[1], sys.argv[2]
f = TTFont(src, fontNumber=0, recalcTimestamp=False)
for t in ['FFTM','GDEF','GPOS','GSUB','vhea','vmtx','fpgm','prep','cvt ','gasp','hdmx','LTSH','VDMX','kern']:
    if t in f: del f[t]
glyf = f['glyf']
for name in f.getGlyphOrder():
    g = glyf[name]
    if hasattr(g, 'program'):
        from fontTools.ttLib.tables import ttProgram
        p = ttProgram.Program(); p.fromBytecode(b''); g.program = p
f['maxp'].maxSizeOfInstructions = 0
f['maxp'].maxFunctionDefs = 0; f['maxp'].maxInstructionDefs=0; f['maxp'].maxStackElements=0; f['maxp'].maxTwilightPoints=0; f['maxp'].maxStorage=0; f['maxp'].maxZones=1
f['head'].flags &= ~(1<<4)  # no instructions may alter advance
f.save(dst)
