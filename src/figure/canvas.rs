//! The braille canvas of the terminal renderer: a grid of cells, each
//! holding braille dots (2 x 4 per character) with the color of the last
//! drawn, an optional marker character and an optional contour level; and
//! cells of styled characters turned into text, with or without 24-bit
//! ANSI color.
//!
//! Invariant: dots, lines and marks outside the canvas are dropped, never
//! wrapped or clamped; text without color holds no ANSI code.

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

/// One line of cells as text: runs of one style share one escape
/// sequence; trailing blanks are dropped.
pub(super) fn line_text(cells: &[Cell], color: bool) -> String {
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
        out.push_str(&paint(text, &cells[start]));
        start += len;
    }
    out
}

/// 24-bit ANSI colors; written here rather than through `colored` so
/// that the caller's `color` decides alone (`colored` also reads the
/// process-wide setting).
fn paint(text: String, style: &Cell) -> String {
    let mut codes: Vec<String> = Vec::new();
    if style.bold {
        codes.push("1".into());
    }
    if let Some((r, g, b)) = style.fg {
        codes.push(format!("38;2;{r};{g};{b}"));
    }
    if let Some((r, g, b)) = style.bg {
        codes.push(format!("48;2;{r};{g};{b}"));
    }
    if codes.is_empty() {
        return text;
    }
    format!("\x1b[{}m{text}\x1b[0m", codes.join(";"))
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

    /// A marker in the cell holding the dot at `(x, y)`.
    pub(super) fn mark(&mut self, (x, y): (f64, f64), ch: char, color: Rgb) {
        let (cx, cy) = ((x / 2.0).floor(), (y / 4.0).floor());
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
