//! Widgets that draw a post's text. egui lays text out left to right with no bidi pass,
//! so lines with Arabic or Hebrew go through [`crate::text::visual_line`]: broken into
//! lines here first (the bidi algorithm reorders each drawn line on its own), and
//! right-to-left paragraphs are aligned right.

use egui::{Align, FontId, Layout, RichText, Ui};

use crate::text::{display_line, flat_head, has_rtl, is_rtl_paragraph, visual_line};

/// The whole text of a post, wrapped to the available width.
pub fn wrapped(ui: &mut Ui, text: &str, size: f32) {
    if !has_rtl(text) {
        ui.add(egui::Label::new(RichText::new(text).size(size)).wrap());
        return;
    }
    let font = FontId::proportional(size);
    let width = ui.available_width().max(40.0);
    for paragraph in text.split('\n') {
        let paragraph = paragraph.trim_end_matches('\r');
        let rtl = is_rtl_paragraph(paragraph);
        let mut rest = paragraph;
        loop {
            let cut = fitting_prefix(ui, rest, width, &font).max(first_word(rest));
            let line = visual_line(rest[..cut].trim_end());
            let label = egui::Label::new(RichText::new(line.as_ref()).size(size)).wrap();
            if rtl {
                ui.with_layout(Layout::right_to_left(Align::Min), |ui| ui.add(label));
            } else {
                ui.add(label);
            }
            rest = &rest[cut..];
            if rest.is_empty() {
                break;
            }
        }
    }
}

/// The start of a post's text on one line, cut to the available width. A right-to-left
/// post keeps its first words (which are drawn at the right), not its last.
pub fn one_line(text: &str, ui: &Ui, max_chars: usize) -> String {
    if !has_rtl(text) {
        return display_line(text, max_chars).into_owned();
    }
    let flat = flat_head(text, max_chars);
    let font = egui::TextStyle::Body.resolve(ui.style());
    let cut = fitting_prefix(ui, &flat, ui.available_width().max(40.0), &font);
    visual_line(flat[..cut.max(first_word(&flat))].trim_end()).into_owned()
}

/// The length in bytes of the longest run of whole words at the start of `text` that
/// fits in `width` (0 if not even the first word does). Words are measured one by one:
/// egui shapes each same-font run on its own, so a line's width is their sum, and the
/// galleys of common words are cached from frame to frame.
fn fitting_prefix(ui: &Ui, text: &str, width: f32, font: &FontId) -> usize {
    let width_of = |s: String| {
        ui.painter()
            .layout_no_wrap(s, font.clone(), egui::Color32::WHITE)
            .size()
            .x
    };
    let space = width_of(" ".into());
    let mut used = 0.0;
    let mut end = 0;
    for word in text.split_inclusive(' ') {
        let w = width_of(word.to_string());
        // The trailing space may hang over the edge.
        let visible = if word.ends_with(' ') { w - space } else { w };
        if used + visible > width {
            break;
        }
        used += w;
        end += word.len();
    }
    end
}

/// The length in bytes of the first word of `text` with the space after it.
fn first_word(text: &str) -> usize {
    text.split_inclusive(' ')
        .next()
        .map_or(text.len(), str::len)
}
