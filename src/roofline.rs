//! The matrix products of training alone: the ceiling a training step cannot beat.
//!
//! The benchmarks (`benches/train.rs` natively, `bench/` through the wasm build) time these
//! products and compare them with whole training steps.

use ndarray::linalg::general_mat_mul;
use ndarray::Array2;

/// Batch size of the standard model, as in the page's default settings.
pub const BATCH: usize = 64;
/// Layer widths of the standard model: 784 → 256 → 128 → 10.
pub const WIDTHS: [usize; 4] = [784, 256, 128, 10];
/// Floating-point operations of one step's products, counting a multiply-add as two.
pub const FLOPS_PER_STEP: u64 = 64_454_656;

/// Fills a `rows × cols` matrix with small values in [-0.5, 0.5) that vary from element to
/// element, so no product is all zeros or denormal.
fn filled(rows: usize, cols: usize, salt: usize) -> Array2<f32> {
    Array2::from_shape_fn((rows, cols), |(i, j)| {
        ((i * 131 + j * 71 + salt * 37) % 1000) as f32 / 1000.0 - 0.5
    })
}

/// Operands and results of one step's products, allocated once.
pub struct MatrixProducts {
    x: Array2<f32>,
    weights: [Array2<f32>; 3],
    /// Output gradients stand in for the backward pass; their values do not affect the speed.
    grads: [Array2<f32>; 3],
    activations: [Array2<f32>; 3],
    weight_grads: [Array2<f32>; 3],
    input_grads: [Array2<f32>; 2],
}

impl Default for MatrixProducts {
    fn default() -> Self {
        Self::new()
    }
}

impl MatrixProducts {
    pub fn new() -> Self {
        let [inputs, hidden1, hidden2, outputs] = WIDTHS;
        Self {
            x: filled(BATCH, inputs, 1),
            weights: [
                filled(inputs, hidden1, 2),
                filled(hidden1, hidden2, 3),
                filled(hidden2, outputs, 4),
            ],
            grads: [
                filled(BATCH, hidden1, 7),
                filled(BATCH, hidden2, 6),
                filled(BATCH, outputs, 5),
            ],
            activations: [
                Array2::zeros((BATCH, hidden1)),
                Array2::zeros((BATCH, hidden2)),
                Array2::zeros((BATCH, outputs)),
            ],
            weight_grads: [
                Array2::zeros((inputs, hidden1)),
                Array2::zeros((hidden1, hidden2)),
                Array2::zeros((hidden2, outputs)),
            ],
            input_grads: [
                Array2::zeros((BATCH, hidden1)),
                Array2::zeros((BATCH, hidden2)),
            ],
        }
    }

    /// Runs one step's products, with the operand layouts `Dense` uses: the forward `x · W` of
    /// the three layers, the three weight gradients `xᵀ · g`, and the input gradients `g · Wᵀ`
    /// of layers 2 and 3 (the first layer's is never needed).
    pub fn step(&mut self) {
        let [w1, w2, w3] = &self.weights;
        let [g1, g2, g3] = &self.grads;
        let [h1, h2, logits] = &mut self.activations;
        let [dw1, dw2, dw3] = &mut self.weight_grads;
        let [dh1, dh2] = &mut self.input_grads;

        general_mat_mul(1.0, &self.x, w1, 0.0, h1);
        general_mat_mul(1.0, &*h1, w2, 0.0, h2);
        general_mat_mul(1.0, &*h2, w3, 0.0, logits);

        general_mat_mul(1.0, &h2.t(), g3, 0.0, dw3);
        general_mat_mul(1.0, g3, &w3.t(), 0.0, dh2);
        general_mat_mul(1.0, &h1.t(), g2, 0.0, dw2);
        general_mat_mul(1.0, g2, &w2.t(), 0.0, dh1);
        general_mat_mul(1.0, &self.x.t(), g1, 0.0, dw1);
    }

    /// Returns the sum of every result, so a benchmark can show the work was done.
    pub fn checksum(&self) -> f64 {
        self.activations
            .iter()
            .chain(&self.weight_grads)
            .chain(&self.input_grads)
            .map(|array| array.iter().map(|&value| f64::from(value)).sum::<f64>())
            .sum()
    }
}
