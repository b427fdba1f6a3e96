//! The braille canvas of the terminal renderer: a grid of cells, each
//! holding braille dots (2 x 4 per character) with the color of the last
//! drawn, an optional marker character and an optional contour level; and
//! cells of styled characters turned into text, plain or with ANSI colors
//! (24-bit, or the nearest of the 256 colors every color terminal has).
//!
//! Invariant: dots, lines and marks outside the canvas are dropped, never
//! wrapped or clamped; plain text holds no ANSI code.

use super::palette::{LEVEL_CHARS, LEVEL_COLORS, Rgb};

/// One character of terminal text and its style.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Cell {
    pub(super) ch: char,
    pub(super) fg: Option<Rgb>,
    pub(super) bg: Option<Rgb>,
    pub(super) bold: bool,
}

impl Cell {
    pub(super) fn blank() -> Cell {
        Cell {
            ch: ' ',
            fg: None,
            bg: None,
            bold: false,
        }
    }
}

impl Default for Cell {
    fn default() -> Cell {
        Cell::blank()
    }
}

pub(super) fn styled(text: &str, fg: Option<Rgb>, bold: bool) -> Vec<Cell> {
    text.chars()
        .map(|ch| Cell {
            ch,
            fg,
            bg: None,
            bold,
        })
        .collect()
}

/// How many colors the terminal shows.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Colors {
    /// None: no escape codes at all.
    Plain,
    /// The xterm palette of 256 colors (`38;5;N`), which every color
    /// terminal renders.
    Palette256,
    /// 24-bit colors (`38;2;R;G;B`), for terminals that say they have them
    /// (`COLORTERM=truecolor` or `24bit`).
    TrueColor,
}

impl Colors {
    pub fn any(self) -> bool {
        self != Colors::Plain
    }
}

/// One line of cells as text: runs of one style share one escape
/// sequence; trailing blanks are dropped.
pub(super) fn line_text(cells: &[Cell], colors: Colors) -> String {
    let color = colors.any();
    let end = cells
        .iter()
        .rposition(|c| c.ch != ' ' || (color && c.bg.is_some()))
        .map_or(0, |i| i + 1);
    let cells = &cells[..end];
    if !color {
        return cells.iter().map(|c| c.ch).collect();
    }
    let mut out = String::new();
    let mut start = 0;
    while start < cells.len() {
        let style = |c: &Cell| (c.fg, c.bg, c.bold);
        let len = cells[start..]
            .iter()
            .take_while(|c| style(c) == style(&cells[start]))
            .count();
        let text: String = cells[start..start + len].iter().map(|c| c.ch).collect();
        out.push_str(&paint(text, &cells[start], colors));
        start += len;
    }
    out
}

/// ANSI colors; written here rather than through `colored` so that the
/// caller's `colors` decides alone (`colored` also reads the process-wide
/// setting).
fn paint(text: String, style: &Cell, colors: Colors) -> String {
    let mut codes: Vec<String> = Vec::new();
    if style.bold {
        codes.push("1".into());
    }
    if let Some(fg) = style.fg {
        codes.push(color_code(38, fg, colors));
    }
    if let Some(bg) = style.bg {
        codes.push(color_code(48, bg, colors));
    }
    if codes.is_empty() {
        return text;
    }
    format!("\x1b[{}m{text}\x1b[0m", codes.join(";"))
}

/// The escape parameters of a foreground (38) or background (48) color.
fn color_code(ground: u8, (r, g, b): Rgb, colors: Colors) -> String {
    match colors {
        Colors::TrueColor => format!("{ground};2;{r};{g};{b}"),
        _ => format!("{ground};5;{}", palette_256((r, g, b))),
    }
}

/// The levels of each channel in the 6 x 6 x 6 color cube of the
/// 256-color palette (colors 16 to 231).
const CUBE_LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
/// The palette's gray ramp: colors 232 to 255 are 8, 18, ..., 238.
const GRAY_FIRST: u8 = 232;
const GRAY_STEPS: u8 = 24;

/// The nearest color of the 256-color palette (of its cube and gray ramp;
/// the first 16 vary between terminals), by squared distance in RGB.
pub(super) fn palette_256(rgb: Rgb) -> u8 {
    let distance = |(r, g, b): Rgb| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(r, rgb.0) + d(g, rgb.1) + d(b, rgb.2)
    };
    let nearest_level = |c: u8| {
        (0..CUBE_LEVELS.len())
            .min_by_key(|&i| (i32::from(CUBE_LEVELS[i]) - i32::from(c)).abs())
            .unwrap_or(0)
    };
    let (i, j, k) = (
        nearest_level(rgb.0),
        nearest_level(rgb.1),
        nearest_level(rgb.2),
    );
    let cube = (CUBE_LEVELS[i], CUBE_LEVELS[j], CUBE_LEVELS[k]);
    let cube_index = 16 + 36 * i + 6 * j + k;
    let gray = (0..GRAY_STEPS)
        .map(|s| (s, 8 + 10 * s))
        .min_by_key(|&(_, level)| distance((level, level, level)))
        .unwrap_or((0, 8));
    if distance((gray.1, gray.1, gray.1)) < distance(cube) {
        GRAY_FIRST + gray.0
    } else {
        cube_index as u8
    }
}

/// A braille canvas: each cell holds dots, the color of the last dots
/// drawn there, an optional marker character and an optional level.
pub(super) struct Canvas {
    pub(super) cols: usize,
    pub(super) rows: usize,
    dots: Vec<u8>,
    dot_color: Vec<Option<Rgb>>,
    marker: Vec<Option<(char, Rgb)>>,
    /// The band of the contour map behind each cell, if any.
    pub(super) level: Vec<Option<usize>>,
}

/// The bit of each dot in a braille character, by (column, row) in the cell.
const BRAILLE_BITS: [[u8; 4]; 2] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]];

impl Canvas {
    pub(super) fn new(cols: usize, rows: usize) -> Canvas {
        let n = cols * rows;
        Canvas {
            cols,
            rows,
            dots: vec![0; n],
            dot_color: vec![None; n],
            marker: vec![None; n],
            level: vec![None; n],
        }
    }

    /// Dot coordinates: x in 0..2*cols, y in 0..4*rows from the top.
    fn dot(&mut self, x: i64, y: i64, color: Rgb) {
        if x < 0 || y < 0 || x >= 2 * self.cols as i64 || y >= 4 * self.rows as i64 {
            return;
        }
        let (x, y) = (x as usize, y as usize);
        let i = (y / 4) * self.cols + x / 2;
        self.dots[i] |= BRAILLE_BITS[x % 2][y % 4];
        self.dot_color[i] = Some(color);
    }

    pub(super) fn line(&mut self, (x0, y0): (f64, f64), (x1, y1): (f64, f64), color: Rgb) {
        let length = (x1 - x0).abs().max((y1 - y0).abs()).ceil().max(1.0);
        // Points inside the canvas are never further apart than its size;
        // anything else (infinitely far) is not drawn.
        if length > (2 * self.cols + 4 * self.rows) as f64 {
            return;
        }
        let n = length as usize;
        for k in 0..=n {
            let t = k as f64 / n as f64;
            let x = x0 + (x1 - x0) * t;
            let y = y0 + (y1 - y0) * t;
            self.dot(x.round() as i64, y.round() as i64, color);
        }
    }

    /// A marker in the cell holding the dot at `(x, y)` (rounded as `dot`
    /// rounds, so a marker sits in the cell its line passes through).
    pub(super) fn mark(&mut self, (x, y): (f64, f64), ch: char, color: Rgb) {
        let (cx, cy) = ((x.round() / 2.0).floor(), (y.round() / 4.0).floor());
        if cx < 0.0 || cy < 0.0 || cx >= self.cols as f64 || cy >= self.rows as f64 {
            return;
        }
        self.marker[cy as usize * self.cols + cx as usize] = Some((ch, color));
    }

    pub(super) fn cells(&self, row: usize, color: bool) -> Vec<Cell> {
        (0..self.cols)
            .map(|col| {
                let i = row * self.cols + col;
                let level = self.level[i];
                let bg = level.filter(|_| color).map(|l| dim(LEVEL_COLORS[l]));
                if let Some((ch, fg)) = self.marker[i] {
                    return Cell {
                        ch,
                        fg: Some(fg),
                        bg,
                        bold: true,
                    };
                }
                if self.dots[i] != 0 {
                    return Cell {
                        ch: char::from_u32(0x2800 + self.dots[i] as u32).unwrap_or('?'),
                        fg: self.dot_color[i],
                        bg,
                        bold: false,
                    };
                }
                let ch = match (level, color) {
                    (Some(l), false) => LEVEL_CHARS[l],
                    _ => ' ',
                };
                Cell {
                    ch,
                    fg: None,
                    bg,
                    bold: false,
                }
            })
            .collect()
    }
}

/// Levels behind braille dots are darkened so the dots stay readable.
pub(super) fn dim((r, g, b): Rgb) -> Rgb {
    let d = |c: u8| (c as f64 * 0.55) as u8;
    (d(r), d(g), d(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_256_palette_has_the_nearest_color() {
        // Corners of the cube, and its levels.
        assert_eq!(palette_256((0, 0, 0)), 16);
        assert_eq!(palette_256((255, 255, 255)), 231);
        assert_eq!(palette_256((255, 0, 0)), 196);
        assert_eq!(palette_256((95, 135, 175)), 16 + 36 + 12 + 3);
        // Grays between the cube's levels go to the gray ramp: 128 is
        // nearest to 128 (232 + 12).
        assert_eq!(palette_256((128, 128, 128)), 244);
        // matplotlib's blue (31, 119, 180) is nearest to (0, 135, 175).
        assert_eq!(palette_256((31, 119, 180)), 16 + 12 + 3);
    }

    #[test]
    fn colors_are_written_at_the_depth_asked() {
        let cell = Cell {
            ch: 'x',
            fg: Some((255, 0, 0)),
            bg: None,
            bold: false,
        };
        let line = [cell];
        assert_eq!(line_text(&line, Colors::Plain), "x");
        assert_eq!(
            line_text(&line, Colors::TrueColor),
            "\x1b[38;2;255;0;0mx\x1b[0m"
        );
        assert_eq!(
            line_text(&line, Colors::Palette256),
            "\x1b[38;5;196mx\x1b[0m"
        );
    }
}
