//! Line breaking for mixed Chinese/Latin text.
//!
//! Break opportunities come from the Unicode Line Breaking Algorithm (UAX #14, via the
//! `unicode-linebreak` crate): it allows breaks between ideographs, forbids them before
//! closing punctuation (，。、）》” …) and after opening brackets (（《“ …), and keeps Latin words
//! and numbers such as `2,000` or `12.5%` together. Lines are filled greedily; a segment wider
//! than a whole line (a very long word or code) is broken between characters as a last resort.

use unicode_linebreak::{linebreaks, BreakOpportunity};

/// One laid-out line: a byte range of the source text (trailing spaces and newlines
/// excluded), its natural width, and whether it should be justified (every line of a
/// paragraph except the last and those ended by a hard break).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineSpan {
    pub start: usize,
    pub end: usize,
    pub width: f32,
    pub justify: bool,
}

fn is_trailing_space(c: char) -> bool {
    matches!(c, ' ' | '\u{3000}' | '\n' | '\r' | '\t')
}

/// Breaks `text` into lines no wider than `first_width` (first line) and `width` (the
/// others), measuring each character with `advance` (its width in the same unit).
pub fn break_lines(
    text: &str,
    first_width: f32,
    width: f32,
    advance: impl Fn(char) -> f32,
) -> Vec<LineSpan> {
    let mut lines = Vec::new();
    if text.is_empty() {
        return lines;
    }
    // Current line: start offset, end of visible text, width of visible text, width including
    // trailing spaces.
    let mut start = 0usize;
    let mut vis_end = 0usize;
    let mut vis_w = 0.0f32;
    let mut full_w = 0.0f32;
    let mut has_content = false;
    let max_for = |lines: &[LineSpan]| if lines.is_empty() { first_width } else { width };

    let mut seg_start = 0usize;
    for (brk, kind) in linebreaks(text) {
        let seg = &text[seg_start..brk];
        // Split the segment into visible part and trailing spaces.
        let trimmed = seg.trim_end_matches(is_trailing_space);
        let seg_vis_w: f32 = trimmed.chars().map(&advance).sum();
        let seg_space_w: f32 = seg[trimmed.len()..]
            .chars()
            .filter(|c| *c != '\n' && *c != '\r')
            .map(&advance)
            .sum();

        if has_content && full_w + seg_vis_w > max_for(&lines) {
            lines.push(LineSpan {
                start,
                end: vis_end,
                width: vis_w,
                justify: true,
            });
            start = seg_start;
            vis_w = 0.0;
            full_w = 0.0;
            has_content = false;
        }
        if !has_content && seg_vis_w > max_for(&lines) {
            // Emergency: the segment alone is wider than a line; break between characters.
            let mut w = 0.0f32;
            let mut line_start = seg_start;
            for (i, c) in trimmed.char_indices() {
                let a = advance(c);
                let pos = seg_start + i;
                if w > 0.0 && w + a > max_for(&lines) {
                    lines.push(LineSpan {
                        start: line_start,
                        end: pos,
                        width: w,
                        justify: true,
                    });
                    line_start = pos;
                    w = 0.0;
                }
                w += a;
            }
            start = line_start;
            vis_end = seg_start + trimmed.len();
            vis_w = w;
            full_w = w + seg_space_w;
            has_content = true;
        } else {
            if !trimmed.is_empty() {
                vis_end = seg_start + trimmed.len();
                vis_w = full_w + seg_vis_w;
                has_content = true;
            } else if !has_content {
                vis_end = start;
            }
            full_w += seg_vis_w + seg_space_w;
        }
        seg_start = brk;

        let at_end = brk == text.len();
        if kind == BreakOpportunity::Mandatory && !at_end {
            lines.push(LineSpan {
                start,
                end: if has_content { vis_end } else { start },
                width: if has_content { vis_w } else { 0.0 },
                justify: false,
            });
            start = brk;
            vis_end = brk;
            vis_w = 0.0;
            full_w = 0.0;
            has_content = false;
        }
    }
    if has_content || lines.is_empty() {
        lines.push(LineSpan {
            start,
            end: if has_content { vis_end } else { start },
            width: if has_content { vis_w } else { 0.0 },
            justify: false,
        });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CJK characters are 1 unit wide, ASCII 0.5 — like a real CJK font.
    fn adv(c: char) -> f32 {
        if c.is_ascii() {
            0.5
        } else {
            1.0
        }
    }

    fn texts<'a>(text: &'a str, lines: &[LineSpan]) -> Vec<&'a str> {
        lines.iter().map(|l| &text[l.start..l.end]).collect()
    }

    const CLOSING: &str = "，。、；：？！）》」』】”’%";
    const OPENING: &str = "（《「『【“‘";

    #[test]
    fn chinese_breaks_anywhere_but_never_before_closing_punctuation() {
        let text = "企业成立于二零一五年，主要从事工业软件研发。现有员工一百二十人（其中研发人员六十人），拥有发明专利八项。";
        for w in 3..20 {
            let lines = break_lines(text, w as f32, w as f32, adv);
            let ls = texts(text, &lines);
            assert_eq!(ls.concat(), text, "nothing lost at width {w}");
            for (i, l) in ls.iter().enumerate() {
                let first = l.chars().next().unwrap();
                let last = l.chars().last().unwrap();
                assert!(
                    !CLOSING.contains(first),
                    "width {w} line {i} starts with {first}: {ls:?}"
                );
                assert!(
                    !OPENING.contains(last),
                    "width {w} line {i} ends with {last}: {ls:?}"
                );
                assert!(
                    lines[i].width <= w as f32 + 1.0,
                    "at most one hanging mark over"
                );
            }
        }
    }

    #[test]
    fn numbers_and_latin_words_are_never_split() {
        let text = "申请贷款金额为2,000万元，年利率3.45%，用于购置CNC加工中心及MES系统升级。";
        for w in 3..16 {
            let lines = break_lines(text, w as f32, w as f32, adv);
            let ls = texts(text, &lines);
            assert!(ls.iter().any(|l| l.contains("2,000")), "width {w}: {ls:?}");
            assert!(ls.iter().any(|l| l.contains("3.45%")), "width {w}: {ls:?}");
            assert!(ls.iter().any(|l| l.contains("CNC")), "width {w}: {ls:?}");
            assert!(ls.iter().any(|l| l.contains("MES")), "width {w}: {ls:?}");
        }
    }

    #[test]
    fn lines_fill_greedily_and_only_last_is_unjustified() {
        let text = "一二三四五六七八九十一二三四五六七八九十一二三";
        let lines = break_lines(text, 10.0, 10.0, adv);
        assert_eq!(
            texts(text, &lines),
            vec!["一二三四五六七八九十", "一二三四五六七八九十", "一二三"]
        );
        assert_eq!(
            lines.iter().map(|l| l.justify).collect::<Vec<_>>(),
            vec![true, true, false]
        );
        assert_eq!(lines[0].width, 10.0);
    }

    #[test]
    fn first_line_width_is_honoured_for_indentation() {
        let text = "一二三四五六七八九十一二三四五六七八九十";
        let lines = break_lines(text, 8.0, 10.0, adv);
        assert_eq!(
            texts(text, &lines),
            vec!["一二三四五六七八", "九十一二三四五六七八", "九十"]
        );
    }

    #[test]
    fn spaces_at_line_ends_are_dropped_and_not_measured() {
        let text = "alpha beta gamma delta";
        let lines = break_lines(text, 4.0, 4.0, adv);
        let ls = texts(text, &lines);
        assert_eq!(ls, vec!["alpha", "beta", "gamma", "delta"]);
        let wide = break_lines(text, 6.0, 6.0, adv);
        assert_eq!(texts(text, &wide), vec!["alpha beta", "gamma delta"]);
        assert_eq!(wide[0].width, 5.0);
        assert_eq!(lines[0].width, 2.5);
    }

    #[test]
    fn hard_breaks_end_unjustified_lines_and_keep_empty_lines() {
        let text = "第一行\n\n第三行很长很长很长";
        let lines = break_lines(text, 5.0, 5.0, adv);
        assert_eq!(
            texts(text, &lines),
            vec!["第一行", "", "第三行很长", "很长很长"]
        );
        assert!(!lines[0].justify && !lines[1].justify && lines[2].justify);
    }

    #[test]
    fn overlong_words_are_broken_between_characters() {
        let text = "编号ABCDEFGHIJKLMNOPQRSTUVWXYZ结束";
        let lines = break_lines(text, 4.0, 4.0, adv);
        let ls = texts(text, &lines);
        assert_eq!(ls.concat(), text);
        assert!(lines.iter().all(|l| l.width <= 4.0), "{ls:?}");
    }

    #[test]
    fn empty_text_gives_no_lines() {
        assert!(break_lines("", 5.0, 5.0, adv).is_empty());
    }
}
