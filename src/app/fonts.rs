//! Fonts for every script derail's users post in. egui's default fonts cover Latin, Greek
//! and Cyrillic, and (with `monochrome_emoji_fonts`) emoji; the OFL Noto subsets shipped in
//! `assets/fonts` add Hangul, kana, common Han and Arabic. They are compiled into the
//! binary, so the app renders them wherever it runs.

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

pub const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJK-derail-subset.otf");
pub const ARABIC_FONT: &[u8] =
    include_bytes!("../../assets/fonts/NotoSansArabic-derail-subset.ttf");
/// Noto Sans for U+FFFD (what undecodable bytes of a damaged file become), combining marks,
/// Vietnamese and the punctuation and symbol blocks egui's default font lacks.
pub const SPECIALS_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSans-derail-specials.ttf");
/// Google's current monochrome Noto Emoji (Unicode 15+), ahead of egui's older emoji font.
pub const EMOJI_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoEmoji-derail.ttf");

/// egui's default fonts plus the Noto subsets as fallbacks (Latin stays in the defaults).
pub fn font_definitions() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    fonts
        .font_data
        .insert("noto-cjk".into(), Arc::new(FontData::from_static(CJK_FONT)));
    fonts.font_data.insert(
        "noto-arabic".into(),
        Arc::new(FontData::from_static(ARABIC_FONT)),
    );
    fonts.font_data.insert(
        "noto-specials".into(),
        Arc::new(FontData::from_static(SPECIALS_FONT)),
    );
    fonts.font_data.insert(
        "noto-emoji".into(),
        Arc::new(FontData::from_static(EMOJI_FONT).tweak(egui::FontTweak {
            scale: 0.81,
            ..Default::default()
        })),
    );
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        let list = fonts.families.entry(family).or_default();
        // Before the emoji fonts, so CJK punctuation comes from Noto, not the emoji set.
        let at = list
            .iter()
            .position(|n| n.contains("Emoji") || n.contains("emoji"))
            .unwrap_or(list.len());
        list.insert(at, "noto-cjk".into());
        list.insert(at + 1, "noto-arabic".into());
        list.insert(at + 2, "noto-specials".into());
        list.insert(at + 3, "noto-emoji".into());
    }
    fonts
}

pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(font_definitions());
}
