//! Random affine distortions of training images, drawn per image and per step.
//!
//! Each image is rotated, scaled, sheared and shifted about its centre and resampled
//! bilinearly, with zeros (background) outside the source. The ranges are close to the ways
//! one person's digits differ from another's. MNIST's digits are already size-normalized and
//! centred, so only a little of each is needed. More starts to turn a 6 into a 9 or a 1 into
//! a 7.

use std::f32::consts::PI;

use crate::rng::Rng;

/// Ranges of the random distortions; each value is drawn uniformly from ±range (or
/// `1 ± scale`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Distortions {
    /// Largest rotation, in degrees. 12° covers the slant of most handwriting without turning
    /// a 1 into a 7.
    pub rotation_degrees: f32,
    /// Largest relative change of size: 0.1 gives scales from 0.9 to 1.1.
    pub scale: f32,
    /// Largest horizontal shear, as the shift in x per unit of y: 0.15 is about 8.5° of slant.
    pub shear: f32,
    /// Largest shift, as a fraction of the image side: 0.08 is about 2 pixels of 28, as far as
    /// MNIST's centring by centre of mass moves digits from one another.
    pub translation: f32,
    /// Largest change of stroke width, as a blend towards a one-pixel dilation (bolder) or
    /// erosion (thinner): 0.5 changes a 2-pixel stroke by up to about a pixel, the spread
    /// between MNIST's thin and bold writers, so drawn digits of any boldness read alike.
    pub stroke: f32,
}

impl Default for Distortions {
    fn default() -> Self {
        Self {
            rotation_degrees: 12.0,
            scale: 0.1,
            shear: 0.15,
            translation: 0.08,
            stroke: 0.5,
        }
    }
}

impl Distortions {
    /// Distorts each row of `images` (`count × side²`, row-major squares) in place, drawing
    /// new parameters for each row. `scratch` must have `side²` values.
    pub fn apply(&self, images: &mut [f32], side: usize, rng: &mut Rng, scratch: &mut Vec<f32>) {
        let pixels = side * side;
        if pixels == 0 {
            return;
        }
        scratch.resize(pixels, 0.0);
        for image in images.chunks_exact_mut(pixels) {
            let boldness = rng.uniform(-self.stroke, self.stroke);
            change_stroke_width(image, scratch, side, boldness);
            scratch.copy_from_slice(image);
            let transform = self.draw(side, rng);
            transform.resample(scratch, image, side);
        }
    }

    /// Draws one random transform for images of `side × side` pixels.
    fn draw(&self, side: usize, rng: &mut Rng) -> Affine {
        let angle = rng.uniform(-self.rotation_degrees, self.rotation_degrees) * PI / 180.0;
        let scale = rng.uniform(1.0 - self.scale, 1.0 + self.scale);
        let shear = rng.uniform(-self.shear, self.shear);
        let shift = self.translation * side as f32;
        let shift_x = rng.uniform(-shift, shift);
        let shift_y = rng.uniform(-shift, shift);

        // Forward map: p' = R · H · S · p + t, with p relative to the image centre. Sampling
        // needs the inverse, (R · H · S)⁻¹ = S⁻¹ · H⁻¹ · Rᵀ.
        let (sin, cos) = angle.sin_cos();
        let inverse_scale = 1.0 / scale;
        // Rᵀ = [[cos, sin], [−sin, cos]]; H⁻¹ = [[1, −shear], [0, 1]].
        let a = inverse_scale * (cos + shear * sin);
        let b = inverse_scale * (sin - shear * cos);
        let c = inverse_scale * -sin;
        let d = inverse_scale * cos;
        Affine {
            matrix: [a, b, c, d],
            shift: [shift_x, shift_y],
        }
    }
}

/// Blends each pixel towards the maximum (`boldness` > 0) or minimum (< 0) of itself and its
/// four neighbours, by |boldness|; `scratch` receives a copy of the image first.
fn change_stroke_width(image: &mut [f32], scratch: &mut [f32], side: usize, boldness: f32) {
    scratch.copy_from_slice(image);
    let keep = if boldness > 0.0 { f32::max } else { f32::min };
    let amount = boldness.abs();
    for y in 0..side {
        for x in 0..side {
            let at = |nx: usize, ny: usize| {
                if nx < side && ny < side {
                    scratch[ny * side + nx]
                } else {
                    0.0
                }
            };
            let centre = scratch[y * side + x];
            let extreme = [
                at(x.wrapping_sub(1), y),
                at(x + 1, y),
                at(x, y.wrapping_sub(1)),
                at(x, y + 1),
            ]
            .into_iter()
            .fold(centre, keep);
            image[y * side + x] = centre + amount * (extreme - centre);
        }
    }
}

/// The inverse of a distortion: maps a pixel of the output to a point of the source.
struct Affine {
    /// Row-major 2×2 inverse of the linear part.
    matrix: [f32; 4],
    shift: [f32; 2],
}

impl Affine {
    fn resample(&self, source: &[f32], output: &mut [f32], side: usize) {
        let centre = (side as f32 - 1.0) / 2.0;
        let [a, b, c, d] = self.matrix;
        let limit = side as f32 - 1.0;
        for y in 0..side {
            let dy = y as f32 - centre - self.shift[1];
            for x in 0..side {
                let dx = x as f32 - centre - self.shift[0];
                let sx = a * dx + b * dy + centre;
                let sy = c * dx + d * dy + centre;
                output[y * side + x] =
                    if sx > -1.0 && sy > -1.0 && sx < limit + 1.0 && sy < limit + 1.0 {
                        bilinear(source, side, sx, sy)
                    } else {
                        0.0
                    };
            }
        }
    }
}

/// Samples `source` at (x, y) with bilinear interpolation; pixels outside count as 0.
fn bilinear(source: &[f32], side: usize, x: f32, y: f32) -> f32 {
    let x0 = x.floor();
    let y0 = y.floor();
    let fx = x - x0;
    let fy = y - y0;
    let pixel = |px: f32, py: f32| -> f32 {
        if px < 0.0 || py < 0.0 || px >= side as f32 || py >= side as f32 {
            0.0
        } else {
            source[py as usize * side + px as usize]
        }
    };
    let top = pixel(x0, y0) * (1.0 - fx) + pixel(x0 + 1.0, y0) * fx;
    let bottom = pixel(x0, y0 + 1.0) * (1.0 - fx) + pixel(x0 + 1.0, y0 + 1.0) * fx;
    top * (1.0 - fy) + bottom * fy
}
