//! The palette: how runs and levels are told apart, as colors (shared by
//! the terminal and SVG renderers) and, in plain text, as characters.
//!
//! Invariant: constants only, nothing drawn: a run or a level is picked by
//! its index alone, so it has the same color (and in plain text the same
//! character) in every panel.

/// RGB color.
pub type Rgb = (u8, u8, u8);

/// Run colors (matplotlib's tab10, red first so that a single path stands
/// out on a map), shared with the SVG renderer.
pub const RUN_COLORS: [Rgb; 8] = [
    (214, 39, 40),
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (23, 190, 207),
];

/// Marker characters of runs in plain text (none is a level character).
pub const RUN_MARKERS: [char; 8] = ['o', 'x', '@', '&', '$', '~', '^', 'v'];

/// Level colors, low to high (viridis), shared with the SVG renderer.
pub const LEVEL_COLORS: [Rgb; 8] = [
    (68, 1, 84),
    (70, 50, 127),
    (54, 92, 141),
    (39, 127, 142),
    (31, 161, 135),
    (74, 194, 109),
    (159, 218, 58),
    (253, 231, 37),
];

/// Level characters in plain text, low to high (dense); where the
/// function is undefined, blank.
pub const LEVEL_CHARS: [char; 8] = ['.', ':', '-', '=', '+', '*', '#', '%'];
