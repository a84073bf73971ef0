//! Turns a drawing on a canvas into an input like an MNIST digit.
//!
//! MNIST's digits were made by scaling each digit's bounding box to fit a 20×20 box, keeping the
//! aspect ratio and anti-aliasing, and then placing it in a 28×28 image so that the centre of
//! mass of its ink is at the centre. A drawing goes through the same steps, so the network sees
//! drawn digits as it saw its training digits.

use crate::error::{Error, Result};

/// Side of the output image in pixels.
pub const SIDE: usize = 28;
/// Side of the box the digit's longer side is scaled to.
pub const BOX: usize = 20;
/// Ink below this level (0–1) is ignored when finding the digit's bounding box, so faint
/// anti-aliased edges and stray specks do not widen it.
pub const INK_THRESHOLD: f32 = 0.1;
/// Where MNIST puts a digit's centre of mass, in pixel indices on both axes. Measured on the
/// 9,000 bundled training digits: the mean is (14.00, 14.00), not the geometric centre 13.5.
pub const MNIST_CENTRE: f32 = 14.0;
/// MNIST's usual stroke widths, in pixels of the 28×28 image, measured as 2 · area / perimeter
/// of the pixels with ink ≥ 0.5 on the first 2,000 bundled training digits: the 10th
/// percentile, the median and the 90th percentile.
pub const MNIST_STROKE_WIDTHS: [f32; 3] = [1.4, 2.0, 2.8];
/// Resolution, as a multiple of the final box, at which stroke widths are measured and changed.
const WORK_SCALE: usize = 4;
/// Largest canvas accepted, in pixels (a 4096×4096 canvas).
pub const MAX_PIXELS: usize = 4096 * 4096;

/// Returns the ink of each pixel of RGBA bytes: alpha × (1 − luminance), in [0, 1].
///
/// Dark strokes on a white canvas and dark strokes on a transparent canvas both give ink 1 where
/// drawn and 0 elsewhere. Luminance uses the Rec. 709 weights.
pub fn ink_from_rgba(rgba: &[u8], width: usize, height: usize) -> Result<Vec<f32>> {
    if width == 0 || height == 0 {
        return Err(Error::new(format!(
            "image: size {width}×{height} is empty; expected at least 1×1 pixels"
        )));
    }
    let pixels = width
        .checked_mul(height)
        .filter(|&p| p <= MAX_PIXELS)
        .ok_or_else(|| Error::new(format!("image: size {width}×{height} is larger than the {MAX_PIXELS}-pixel limit; scale it down")))?;
    if rgba.len() != pixels * 4 {
        return Err(Error::new(format!(
            "image: {} bytes do not match {width}×{height} RGBA pixels; expected {} bytes (4 per pixel)",
            rgba.len(),
            pixels * 4
        )));
    }
    Ok(rgba
        .chunks_exact(4)
        .map(|p| {
            let luminance =
                (0.2126 * f32::from(p[0]) + 0.7152 * f32::from(p[1]) + 0.0722 * f32::from(p[2]))
                    / 255.0;
            let alpha = f32::from(p[3]) / 255.0;
            (alpha * (1.0 - luminance)).clamp(0.0, 1.0)
        })
        .collect())
}

/// Bounding box of pixels at or above [`INK_THRESHOLD`]: `(left, top, width, height)`.
fn ink_bounds(ink: &[f32], width: usize, height: usize) -> Option<(usize, usize, usize, usize)> {
    let (mut left, mut top, mut right, mut bottom) = (width, height, 0, 0);
    for y in 0..height {
        for x in 0..width {
            if ink[y * width + x] >= INK_THRESHOLD {
                left = left.min(x);
                right = right.max(x);
                top = top.min(y);
                bottom = bottom.max(y);
            }
        }
    }
    (left <= right && top <= bottom).then(|| (left, top, right - left + 1, bottom - top + 1))
}

/// Resamples one axis by area averaging: each output cell is the mean of the source over the
/// interval it covers, which anti-aliases when shrinking and interpolates when enlarging.
///
/// `source` has `lines` lines of `source_len` values, and `at(line, s)` gives the index of value
/// `s` of a line. The output is `lines` lines of `target_len` values, one line after another.
fn resample_axis(
    source: &[f32],
    source_len: usize,
    target_len: usize,
    lines: usize,
    at: impl Fn(usize, usize) -> usize,
) -> Vec<f32> {
    let scale = source_len as f32 / target_len as f32;
    let mut output = vec![0.0; lines * target_len];
    for line in 0..lines {
        for t in 0..target_len {
            let start = t as f32 * scale;
            let end = (t + 1) as f32 * scale;
            let mut sum = 0.0;
            let mut covered = 0.0;
            let first = start.floor() as usize;
            let last = (end.ceil() as usize).min(source_len);
            for s in first..last {
                let overlap = end.min((s + 1) as f32) - start.max(s as f32);
                if overlap > 0.0 {
                    sum += overlap * source[at(line, s)];
                    covered += overlap;
                }
            }
            // Dividing by the overlaps as summed, not by `scale`, keeps each mean within the
            // range of its source values despite rounding, so values in [0, 1] stay in [0, 1].
            output[line * target_len + t] = if covered > 0.0 { sum / covered } else { 0.0 };
        }
    }
    output
}

/// Scales a `width × height` image to `target_width × target_height` by area averaging.
pub fn resize(
    image: &[f32],
    width: usize,
    height: usize,
    target_width: usize,
    target_height: usize,
) -> Vec<f32> {
    let rows = resample_axis(image, width, target_width, height, |y, x| y * width + x);
    let columns = resample_axis(&rows, height, target_height, target_width, |x, y| {
        y * target_width + x
    });
    // `columns` is column-major (one line per output column); transpose back to rows.
    let mut output = vec![0.0; target_width * target_height];
    for x in 0..target_width {
        for y in 0..target_height {
            output[y * target_width + x] = columns[x * target_height + y];
        }
    }
    output
}

/// Converts a canvas's ink (`width × height`, values in [0, 1]) into a 28×28 MNIST-style image,
/// row-major, or returns `None` if nothing is drawn.
pub fn mnist_style(ink: &[f32], width: usize, height: usize) -> Result<Option<Vec<f32>>> {
    if width.checked_mul(height) != Some(ink.len()) {
        return Err(Error::new(format!(
            "image: {} ink values do not match {width}×{height} pixels; expected one value per pixel",
            ink.len()
        )));
    }
    let Some((left, top, box_width, box_height)) = ink_bounds(ink, width, height) else {
        return Ok(None);
    };

    // Crop to the bounding box.
    let mut cropped = Vec::with_capacity(box_width * box_height);
    for y in top..top + box_height {
        cropped.extend_from_slice(&ink[y * width + left..y * width + left + box_width]);
    }

    // Bring the strokes to a width MNIST's writers used, at WORK_SCALE times the final size:
    // the pad draws with one pen width, so a small digit would otherwise come out bolder than
    // any training digit, and a large one thinner.
    let work_side = (BOX * WORK_SCALE) as f32;
    let work_scale = work_side / box_width.max(box_height) as f32;
    let work_width = ((box_width as f32 * work_scale).round() as usize).clamp(1, BOX * WORK_SCALE);
    let work_height =
        ((box_height as f32 * work_scale).round() as usize).clamp(1, BOX * WORK_SCALE);
    let mut work = resize(&cropped, box_width, box_height, work_width, work_height);
    normalize_stroke_width(&mut work, work_width, work_height, WORK_SCALE as f32);

    // Scale the longer side to BOX pixels, keeping the aspect ratio.
    let scale = BOX as f32 / box_width.max(box_height) as f32;
    let scaled_width = ((box_width as f32 * scale).round() as usize).clamp(1, BOX);
    let scaled_height = ((box_height as f32 * scale).round() as usize).clamp(1, BOX);
    let digit = resize(&work, work_width, work_height, scaled_width, scaled_height);

    // Centre of mass of the scaled digit, in its own pixel coordinates.
    let (mut mass, mut sum_x, mut sum_y) = (0.0f32, 0.0f32, 0.0f32);
    for y in 0..scaled_height {
        for x in 0..scaled_width {
            let v = digit[y * scaled_width + x];
            mass += v;
            sum_x += v * x as f32;
            sum_y += v * y as f32;
        }
    }
    if mass <= 0.0 {
        return Ok(None);
    }
    let offset_x = (MNIST_CENTRE - sum_x / mass).round() as isize;
    let offset_y = (MNIST_CENTRE - sum_y / mass).round() as isize;

    // Place it so that the centre of mass lands on the image centre; ink pushed past an edge
    // is dropped, as in MNIST.
    let mut output = vec![0.0; SIDE * SIDE];
    for y in 0..scaled_height {
        for x in 0..scaled_width {
            let (target_x, target_y) = (x as isize + offset_x, y as isize + offset_y);
            if (0..SIDE as isize).contains(&target_x) && (0..SIDE as isize).contains(&target_y) {
                output[target_y as usize * SIDE + target_x as usize] =
                    digit[y * scaled_width + x].clamp(0.0, 1.0);
            }
        }
    }
    Ok(Some(output))
}

/// Estimates the stroke width of an image's ink in pixels, as 2 · area / perimeter of the
/// pixels with ink ≥ 0.5 (exact for a long stroke of constant width), or `None` without ink.
pub fn stroke_width(image: &[f32], width: usize, height: usize) -> Option<f32> {
    let inked = |x: usize, y: usize| x < width && y < height && image[y * width + x] >= 0.5;
    let (mut area, mut perimeter) = (0usize, 0usize);
    for y in 0..height {
        for x in 0..width {
            if !inked(x, y) {
                continue;
            }
            area += 1;
            let neighbours = [
                (x.wrapping_sub(1), y),
                (x + 1, y),
                (x, y.wrapping_sub(1)),
                (x, y + 1),
            ];
            perimeter += neighbours
                .iter()
                .filter(|&&(nx, ny)| !inked(nx, ny))
                .count();
        }
    }
    (perimeter > 0).then(|| 2.0 * area as f32 / perimeter as f32)
}

/// Thins or thickens strokes whose width lies outside MNIST's usual range to MNIST's median
/// width, by a grey-scale erosion (minimum) or dilation (maximum) over a square.
///
/// `scale` is how many pixels of `image` make one pixel of the final 20-pixel box. Erosion
/// removes at most a third of the width on each side, so no stroke disappears.
fn normalize_stroke_width(image: &mut [f32], width: usize, height: usize, scale: f32) {
    let Some(measured) = stroke_width(image, width, height) else {
        return;
    };
    let [low, median, high] = MNIST_STROKE_WIDTHS.map(|w| w * scale);
    if (low..=high).contains(&measured) {
        return;
    }
    let change = (median - measured) / 2.0;
    let radius = if change < 0.0 {
        (-change).min(measured / 3.0).round() as usize
    } else {
        change.round() as usize
    };
    if radius > 0 {
        let keep = if change < 0.0 { f32::min } else { f32::max };
        filter_square(image, width, height, radius, keep);
    }
}

/// Replaces each pixel by `keep` (min or max) over the square of `radius` around it, with
/// pixels outside the image counting as background (0). Runs as two one-dimensional passes.
fn filter_square(
    image: &mut [f32],
    width: usize,
    height: usize,
    radius: usize,
    keep: fn(f32, f32) -> f32,
) {
    let mut line = Vec::with_capacity(width.max(height));
    for horizontal in [true, false] {
        let (lines, length) = if horizontal {
            (height, width)
        } else {
            (width, height)
        };
        let index = |l: usize, i: usize| {
            if horizontal {
                l * width + i
            } else {
                i * width + l
            }
        };
        for l in 0..lines {
            line.clear();
            line.extend((0..length).map(|i| image[index(l, i)]));
            for i in 0..length {
                let mut value = if i < radius || i + radius >= length {
                    0.0
                } else {
                    line[i]
                };
                let start = i.saturating_sub(radius);
                let end = (i + radius + 1).min(length);
                for &v in &line[start..end] {
                    value = keep(value, v);
                }
                image[index(l, i)] = value;
            }
        }
    }
}

/// Converts canvas RGBA bytes into a 28×28 MNIST-style image, or `None` for an empty canvas.
pub fn preprocess_rgba(rgba: &[u8], width: usize, height: usize) -> Result<Option<Vec<f32>>> {
    let ink = ink_from_rgba(rgba, width, height)?;
    mnist_style(&ink, width, height)
}
