//! Line breaking for mixed Chinese/Latin text.
//!
//! Break opportunities come from the Unicode Line Breaking Algorithm (UAX #14, via the
//! `unicode-linebreak` crate): it allows breaks between ideographs, forbids them before
//! closing punctuation (，。、）》” …) and after opening brackets (（《“ …), and keeps Latin words
//! and numbers such as `2,000` or `12.5%` together. Lines are filled greedily; a segment wider
//! than a whole line (a very long word or code) is broken between characters as a last resort.
//!
//! Table cells use [`break_cell`], which also keeps short phrases together: a run of at most
//! [`MAX_PHRASE`] characters between spaces, separating punctuation or brackets (a unit such as
//! `（万元）`, a status such as `部分满足`, a bank branch such as `齐鲁银行高新支行`) is broken
//! only when it is wider than the whole cell, and then at its UAX #14 opportunities.

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

/// The longest run of characters [`break_cell`] keeps on one line when it can.
pub const MAX_PHRASE: usize = 10;

fn is_trailing_space(c: char) -> bool {
    matches!(c, ' ' | '\u{3000}' | '\n' | '\r' | '\t')
}

/// Characters that end a phrase (a break after them is a phrase boundary).
fn ends_phrase(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '，' | '。'
                | '、'
                | '；'
                | '：'
                | '！'
                | '？'
                | ','
                | ';'
                | ':'
                | '!'
                | '?'
                | '/'
                | '|'
                | '·'
                | '）'
                | ')'
                | '》'
                | '】'
                | '”'
                | '」'
        )
}

/// Characters that start a phrase (a break before them is a phrase boundary).
fn starts_phrase(c: char) -> bool {
    c.is_whitespace() || matches!(c, '（' | '(' | '《' | '【' | '“' | '「')
}

/// UAX #14 break opportunities of `text`.
fn uax14(text: &str) -> Vec<(usize, BreakOpportunity)> {
    linebreaks(text).collect()
}

/// UAX #14 opportunities minus those strictly inside a phrase of at most [`MAX_PHRASE`]
/// characters.
fn phrase_opportunities(text: &str) -> Vec<(usize, BreakOpportunity)> {
    // Phrase boundaries (byte offsets), including 0 and the end.
    let mut bounds = vec![0usize];
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if let Some(p) = prev {
            if ends_phrase(p) || starts_phrase(c) {
                bounds.push(i);
            }
        }
        prev = Some(c);
    }
    bounds.push(text.len());
    // Byte ranges of short phrases.
    let short: Vec<(usize, usize)> = bounds
        .windows(2)
        .filter(|w| text[w[0]..w[1]].chars().count() <= MAX_PHRASE)
        .map(|w| (w[0], w[1]))
        .collect();
    let mut k = 0;
    uax14(text)
        .into_iter()
        .filter(|&(pos, kind)| {
            if kind == BreakOpportunity::Mandatory {
                return true;
            }
            while k < short.len() && short[k].1 <= pos {
                k += 1;
            }
            !short.get(k).is_some_and(|&(a, b)| a < pos && pos < b)
        })
        .collect()
}

/// Breaks `text` into lines no wider than `first_width` (first line) and `width` (the
/// others), measuring each character with `advance` (its width in the same unit).
pub fn break_lines(
    text: &str,
    first_width: f32,
    width: f32,
    advance: impl Fn(char) -> f32,
) -> Vec<LineSpan> {
    if text.is_empty() {
        return Vec::new();
    }
    break_with(text, &uax14(text), first_width, width, &advance, false)
}

/// [`break_lines`] for table cells: short phrases stay whole unless wider than a line.
pub fn break_cell(
    text: &str,
    first_width: f32,
    width: f32,
    advance: impl Fn(char) -> f32,
) -> Vec<LineSpan> {
    if text.is_empty() {
        return Vec::new();
    }
    break_with(
        text,
        &phrase_opportunities(text),
        first_width,
        width,
        &advance,
        true,
    )
}

/// The width of the widest piece of `text` that [`break_cell`] (with `phrases`) or
/// [`break_lines`] never breaks when the line is wide enough: a column narrower than this
/// breaks a word or unit.
pub fn widest_unit(text: &str, phrases: bool, advance: impl Fn(char) -> f32) -> f32 {
    let opps = if phrases {
        phrase_opportunities(text)
    } else {
        uax14(text)
    };
    let mut start = 0;
    let mut widest = 0.0f32;
    for (brk, _) in opps {
        let w: f32 = text[start..brk]
            .trim_end_matches(is_trailing_space)
            .chars()
            .map(&advance)
            .sum();
        widest = widest.max(w);
        start = brk;
    }
    widest
}

/// The width of the widest hard line of `text` (its width if never wrapped).
pub fn widest_line(text: &str, advance: impl Fn(char) -> f32) -> f32 {
    text.split('\n')
        .map(|l| {
            l.trim_end_matches(is_trailing_space)
                .chars()
                .map(&advance)
                .sum::<f32>()
        })
        .fold(0.0, f32::max)
}

/// Greedy line filling at the given opportunities. A segment wider than a whole line is
/// broken at its own UAX #14 opportunities when `refine` (the segment was a kept phrase),
/// else between characters.
/// Long because it is one state machine over the current line (start, visible end and widths)
/// that every branch updates; split up, the steps would share that state through many `&mut`s.
fn break_with(
    text: &str,
    opps: &[(usize, BreakOpportunity)],
    first_width: f32,
    width: f32,
    advance: &dyn Fn(char) -> f32,
    refine: bool,
) -> Vec<LineSpan> {
    let mut lines = Vec::new();
    // Current line: start offset, end of visible text, width of visible text, width including
    // trailing spaces.
    let mut start = 0usize;
    let mut vis_end = 0usize;
    let mut vis_w = 0.0f32;
    let mut full_w = 0.0f32;
    let mut has_content = false;
    let max_for = |lines: &[LineSpan]| if lines.is_empty() { first_width } else { width };

    let mut seg_start = 0usize;
    for &(brk, kind) in opps {
        let seg = &text[seg_start..brk];
        // Split the segment into visible part and trailing spaces.
        let trimmed = seg.trim_end_matches(is_trailing_space);
        let seg_vis_w: f32 = trimmed.chars().map(advance).sum();
        let seg_space_w: f32 = seg[trimmed.len()..]
            .chars()
            .filter(|c| *c != '\n' && *c != '\r')
            .map(advance)
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
            if refine {
                // A kept phrase wider than a line: break it at its UAX #14 opportunities.
                let inner = break_with(
                    trimmed,
                    &uax14(trimmed),
                    max_for(&lines),
                    width,
                    advance,
                    false,
                );
                let n = inner.len();
                for (j, l) in inner.into_iter().enumerate() {
                    let l = LineSpan {
                        start: seg_start + l.start,
                        end: seg_start + l.end,
                        width: l.width,
                        justify: true,
                    };
                    if j + 1 < n {
                        lines.push(l);
                    } else {
                        start = l.start;
                        vis_end = l.end;
                        vis_w = l.width;
                        full_w = l.width + seg_space_w;
                        has_content = true;
                    }
                }
            } else {
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
            }
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

    /// The breaks the issue saw in narrow columns: units, statuses and branch names stay whole
    /// in a cell wide enough for them, wherever they fall on the line.
    #[test]
    fn cells_keep_units_statuses_and_branch_names_whole() {
        for (text, keep) in [
            ("金额（万元）", "（万元）"),
            ("抵押物评估价值（万元）", "（万元）"),
            ("担保方式：融资担保", "融资担保"),
            ("状态：部分满足", "部分满足"),
            ("经办：齐鲁银行高新支行", "齐鲁银行高新支行"),
            ("需求700万元", "需求700万元"),
        ] {
            let unit = widest_unit(text, true, adv);
            assert!(
                unit >= keep.chars().map(adv).sum::<f32>(),
                "{text}: widest unit {unit} covers {keep}"
            );
            let mut w = unit;
            while w < text.chars().map(adv).sum::<f32>() + 2.0 {
                let lines = break_cell(text, w, w, adv);
                let ls = texts(text, &lines);
                assert_eq!(ls.concat(), text, "nothing lost at width {w}");
                assert!(
                    ls.iter().any(|l| l.contains(keep)),
                    "width {w}: {keep} broken in {ls:?}"
                );
                assert!(lines.iter().all(|l| l.width <= w), "width {w}: {ls:?}");
                w += 0.5;
            }
        }
        // Plain breaking splits the same phrase where it falls.
        let plain = break_lines("状态：部分满足", 5.0, 5.0, adv);
        assert_eq!(texts("状态：部分满足", &plain), vec!["状态：部分", "满足"]);
    }

    /// A phrase wider than the cell, or longer than MAX_PHRASE, breaks as plain text does.
    #[test]
    fn cells_break_long_phrases_at_their_own_opportunities() {
        let text = "齐鲁银行济南高新区科创支行营业部";
        assert!(text.chars().count() > MAX_PHRASE);
        let lines = break_cell(text, 6.0, 6.0, adv);
        assert_eq!(
            texts(text, &lines),
            vec!["齐鲁银行济南", "高新区科创支", "行营业部"]
        );
        let text = "状态：部分满足";
        let lines = break_cell(text, 3.0, 3.0, adv);
        let ls = texts(text, &lines);
        assert_eq!(ls.concat(), text);
        assert!(lines.iter().all(|l| l.width <= 3.0), "{ls:?}");
        assert!(ls.iter().all(|l| !l.starts_with('：')), "{ls:?}");
    }

    #[test]
    fn widest_unit_and_line_measure_what_cannot_break() {
        assert_eq!(widest_unit("部分满足", false, adv), 1.0);
        assert_eq!(widest_unit("部分满足", true, adv), 4.0);
        assert_eq!(widest_unit("合计 2,000.50", true, adv), 4.0);
        assert_eq!(widest_line("一二三\n一二三四五", adv), 5.0);
    }
}
