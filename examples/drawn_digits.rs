//! Measures how well drawn digits are read. Each held-out digit is rendered as a person might
//! draw it on the page's pad: anywhere, at any size from a quarter of the pad to all of it, with
//! the pad's pen width. The rendering is classified through `predict_image`, the code the
//! page's `predictImage` runs. Prints the accuracy on those renderings beside the accuracy on
//! the same digits given directly, for several seeds.
//!
//! Run from the repository root:
//! `cargo run --release --example drawn_digits -- [seeds] [pad side in pixels] [augment]`
//! (defaults: 3 seeds, a 280-pixel pad, augmentation on).

mod bundled;

use std::error::Error;

use lazynet::preprocess;
use lazynet::rng::{Rng, Stream};
use lazynet::{Config, Trainer};

/// The pad's stroke width as a fraction of its side, as `www/draw.js` draws it.
const PAD_STROKE_FRACTION: f32 = 1.0 / 24.0;
/// Rendered stroke widths vary by this factor either way around the pad's, as a pen's
/// pressure and speed vary a canvas line's look.
const STROKE_SPREAD: f32 = 1.25;

/// A square binary image.
struct Mask {
    side: usize,
    ink: Vec<bool>,
}

impl Mask {
    /// Estimates the stroke width with the measure preprocessing uses: 2 · area / perimeter.
    fn stroke_width(&self) -> f32 {
        let ink: Vec<f32> = self
            .ink
            .iter()
            .map(|&inked| if inked { 1.0 } else { 0.0 })
            .collect();
        preprocess::stroke_width(&ink, self.side, self.side).unwrap_or(0.0)
    }

    /// Grows (`grow` true) or shrinks the ink by a square of `radius` pixels, separably.
    fn morph(&mut self, radius: usize, grow: bool) {
        let side = self.side;
        for horizontal in [true, false] {
            let source = self.ink.clone();
            for y in 0..side {
                for x in 0..side {
                    let mut value = !grow;
                    for offset in 0..=2 * radius {
                        let (sx, sy) = if horizontal {
                            ((x + offset).wrapping_sub(radius), y)
                        } else {
                            (x, (y + offset).wrapping_sub(radius))
                        };
                        let inside = sx < side && sy < side && source[sy * side + sx];
                        if grow && inside {
                            value = true;
                            break;
                        }
                        if !grow && !inside {
                            value = false;
                            break;
                        }
                    }
                    self.ink[y * side + x] = value;
                }
            }
        }
    }
}

/// Renders a 28×28 digit (values in [0, 1]) as dark ink on a white `pad × pad` RGBA canvas.
/// Returns the RGBA bytes and the drawn size as a fraction of the pad.
fn render(digit: &[f32], pad: usize, rng: &mut Rng) -> (Vec<u8>, f32) {
    // Bounding box of the digit's ink.
    let (mut left, mut top, mut right, mut bottom) = (28, 28, 0, 0);
    for y in 0..28 {
        for x in 0..28 {
            if digit[y * 28 + x] >= 0.3 {
                (left, right, top, bottom) = (left.min(x), right.max(x), top.min(y), bottom.max(y));
            }
        }
    }
    let (box_width, box_height) = ((right + 1 - left) as f32, (bottom + 1 - top) as f32);

    // Drawn size: the longer side covers a quarter of the pad to all of it.
    let fraction = rng.uniform(0.25, 0.95);
    let size = fraction * pad as f32;
    let scale = size / box_width.max(box_height);
    let (width, height) = ((box_width * scale) as usize, (box_height * scale) as usize);
    let origin_x = rng.below((pad - width).max(1) as u32) as usize;
    let origin_y = rng.below((pad - height).max(1) as u32) as usize;

    // Upscale bilinearly and keep what is at least half ink.
    let mut mask = Mask {
        side: pad,
        ink: vec![false; pad * pad],
    };
    for y in 0..height {
        for x in 0..width {
            let sx = left as f32 + (x as f32 + 0.5) / scale - 0.5;
            let sy = top as f32 + (y as f32 + 0.5) / scale - 0.5;
            let (x0, y0) = (
                sx.floor().clamp(0.0, 27.0) as usize,
                sy.floor().clamp(0.0, 27.0) as usize,
            );
            let (x1, y1) = ((x0 + 1).min(27), (y0 + 1).min(27));
            let (fx, fy) = (
                (sx - x0 as f32).clamp(0.0, 1.0),
                (sy - y0 as f32).clamp(0.0, 1.0),
            );
            let value = (digit[y0 * 28 + x0] * (1.0 - fx) + digit[y0 * 28 + x1] * fx) * (1.0 - fy)
                + (digit[y1 * 28 + x0] * (1.0 - fx) + digit[y1 * 28 + x1] * fx) * fy;
            mask.ink[(origin_y + y) * pad + origin_x + x] = value >= 0.5;
        }
    }

    // Thicken or thin the strokes to about the pad's stroke width.
    let target = pad as f32 * PAD_STROKE_FRACTION * rng.uniform(1.0 / STROKE_SPREAD, STROKE_SPREAD);
    let change = (target - mask.stroke_width()) / 2.0;
    let radius = change.abs().round() as usize;
    if radius > 0 {
        mask.morph(radius, change > 0.0);
    }

    let mut rgba = vec![255u8; pad * pad * 4];
    for (pixel, &ink) in rgba.chunks_exact_mut(4).zip(&mask.ink) {
        if ink {
            pixel[..3].copy_from_slice(&[21, 25, 30]);
        }
    }
    (rgba, fraction)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut arguments = std::env::args().skip(1);
    let seeds: u64 = arguments
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(3);
    let pad: usize = arguments
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(280);
    let augment: bool = arguments
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(true);

    let (train, test) = bundled::splits()?;

    println!(
        "pad {pad}×{pad} pixels, stroke {:.1} pixels, augmentation {augment}",
        pad as f32 * PAD_STROKE_FRACTION
    );
    for seed in 1..=seeds {
        let config = Config {
            seed,
            augment,
            ..Config::default()
        };
        let steps = train.len().div_ceil(config.batch_size) as u32 * config.epochs;
        let mut trainer = Trainer::new(config)?;
        trainer.set_training_data(train.clone())?;
        trainer.set_test_data(test.clone())?;
        trainer.train_steps(steps)?;
        let direct = trainer.evaluate()?.accuracy;

        let mut rng = Rng::new(seed, Stream::Augment);
        let mut correct = 0;
        let mut empty = 0;
        // Correct and total counts for drawn sizes in [0.25, 0.5), [0.5, 0.75) and [0.75, 0.95].
        let mut by_size = [(0, 0); 3];
        for (image, &label) in test.images().rows().into_iter().zip(test.labels()) {
            let (rgba, fraction) = render(&image.to_vec(), pad, &mut rng);
            let bucket = (((fraction - 0.25) / 0.25) as usize).min(2);
            by_size[bucket].1 += 1;
            match trainer.predict_image(&rgba, pad, pad)? {
                Some(prediction) => {
                    let best = (0..10).max_by(|&a, &b| {
                        prediction.probabilities[a].total_cmp(&prediction.probabilities[b])
                    });
                    if best == Some(usize::from(label)) {
                        correct += 1;
                        by_size[bucket].0 += 1;
                    }
                }
                None => empty += 1,
            }
        }
        let sizes: Vec<String> = [
            "a quarter to half",
            "half to three quarters",
            "three quarters to all",
        ]
        .iter()
        .zip(by_size)
        .map(|(name, (right, total))| {
            format!(
                "{name} of the pad {:.1} %",
                right as f32 / total.max(1) as f32 * 100.0
            )
        })
        .collect();
        let drawn = correct as f32 / test.len() as f32;
        println!(
            "seed {seed}: direct {:.2} %, drawn {:.2} %, gap {:+.2} points{}",
            direct * 100.0,
            drawn * 100.0,
            (drawn - direct) * 100.0,
            if empty > 0 {
                format!(" ({empty} renderings came out empty)")
            } else {
                String::new()
            }
        );
        println!("  by drawn size: {}", sizes.join(", "));
    }
    Ok(())
}
