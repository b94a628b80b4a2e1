//! The glyphs (almost) every plan shows, deflated once per process.
//!
//! A plan's subset font program is ≈ 100 KB of TrueType outlines, and most of them are the
//! same in every plan: the boilerplate of 一企一策 plans (headings, table headers, the
//! standard paragraphs) uses ≈ 480 of a plan's ≈ 570 distinct characters. Deflating those
//! outlines again in every plan was most of the deflate time (≈ 39 % of a plan's CPU). So the
//! subset starts with a fixed block, [`COMMON_CHARS`] (closed over composite components, see
//! [`truetype::Common`]), whose bytes are deflated once ([`CommonBlock::deflated`]) and copied
//! into every plan's font stream by [`crate::writer`].

use crate::fonts::Face;
use crate::truetype;

/// The characters shown by at least 90 % of the plans of `fudao demo` data: derived from 200
/// firms × seeds 42 and 7 (400 plans, 2026-12-03) by
/// `FUDAO_COMMON_CHARS=print cargo test -p fudao-pdf --test demo_plans -- --nocapture`, which
/// prints the list of the current plan composition; the same test fails when the list is no
/// longer right (a character used by fewer than 80 % of the plans, or one used by more than
/// 97 % missing), so that the list follows the boilerplate. Sorted by code point, no
/// duplicates. A common character a plan does not show costs that plan its outline
/// (≈ 100 bytes deflated); one left out costs deflating it in every plan.
pub const COMMON_CHARS: &str = concat!(
    " %+,-./0123456789=>ADFJMNv·–—“”•ⅠⅡ≤≥\u{3000}、。《",
    "》〔〕一七万三上下不与专且业东两严个中为主之也事二于五产享人从他代以件价任份企会",
    "位低体作例供依保信债值健偿元充免入全八公六共关其具内册况净准减出分划列则创利别到",
    "制前力加务动助化北区十升华单南占卡厅历及发取受口可号司各合名后否告员和品售商四回",
    "因团国在地场均型城域培基境增处备外大失始字季安完定实审客家密对导小尚层居展属山工",
    "差已市师常平年并序库应度康建异式强归当录征径得心快性总息情意成或截户房所才扣批技",
    "投报抵押担拥持指按挥据授接推措提支收改放政故效数料断新方施无日时明是更最月有服期",
    "未本术机权条来构析果染查标核根格案档植概次款止段每比民水求汇污汰泉法注流测济润淘",
    "清源满火点版特状独率环现理生用由申登白的监盖目直相省知码研确示社禁种科称税稿立章",
    "符第等策签算管类精系素约级线组细织经结统维综编缴网者职联股育能至色范草营落著融行",
    "补表要观规计认议记设访证评识诊试该说请负财责账质贴贷费资走足跟路踪转软较辅过近违",
    "述适通逾部重量金银销键长门间队阶附限除险集需革页项须预领额风首验高鲁齐（），：；",
);

/// The common glyphs of a face and their outlines deflated once.
pub(crate) struct CommonBlock {
    pub glyphs: truetype::Common,
    /// `glyphs.glyf` as raw deflate ending with a sync flush: byte-aligned and not final, so
    /// the rest of a program can follow it in the same zlib stream.
    pub deflated: Vec<u8>,
}

/// zlib level of the common block, deflated once per process. Measured on the outlines of the
/// ≈ 910 glyphs of [`COMMON_CHARS`] (77,696 bytes): level 6 43,953 bytes, 7 43,652, 8 43,647,
/// 9 44,539 (level 9's lazier matching does worse on TrueType outlines).
const COMMON_LEVEL: u32 = 8;

impl CommonBlock {
    /// The common block of `face` for `chars` (each must be in the font).
    /// Errors (a build problem) are for [`crate::PdfError::Font`].
    pub fn new(face: &Face, chars: &str) -> Result<Self, String> {
        let gids = chars
            .chars()
            .map(|c| {
                face.glyph(c)
                    .ok_or_else(|| format!("common character {c:?} is not in the font"))
            })
            .collect::<Result<Vec<u16>, String>>()?;
        let glyphs = truetype::Common::new(face.bytes, gids).map_err(|e| e.0)?;
        let mut deflated = Vec::with_capacity(glyphs.glyf.len());
        crate::writer::raw_deflate(COMMON_LEVEL, &glyphs.glyf, false, &mut deflated);
        Ok(Self { glyphs, deflated })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_chars_are_sorted_unique_and_in_the_font() {
        let face = Face::parse(crate::fonts::REGULAR_TTF, "t").unwrap();
        let chars: Vec<char> = COMMON_CHARS.chars().collect();
        assert!(chars.len() > 400, "{}", chars.len());
        assert!(
            chars.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
        for c in &chars {
            assert!(face.glyph(*c).is_some(), "{c:?} is not in the font");
        }
        let block = CommonBlock::new(&face, COMMON_CHARS).unwrap();
        assert!(block.glyphs.order.len() >= chars.len());
        assert!(block.deflated.len() < block.glyphs.glyf.len());
        // Ends with the empty stored block of a sync flush.
        assert!(block.deflated.ends_with(&[0, 0, 0xff, 0xff]));
    }
}
