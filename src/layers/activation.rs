//! Element-wise activation functions.

use ndarray::{Array2, ArrayView2, Zip};

use crate::error::{Error, Result};
use crate::layers::resize;

/// Rectified linear unit, `y = max(x, 0)`; the width is whatever the previous layer produces.
#[derive(Clone, Debug)]
pub struct Relu {
    /// The last output, kept for `backward`: the gradient passes where it is positive.
    output: Array2<f32>,
    grad_input: Array2<f32>,
    width: Option<usize>,
}

impl Default for Relu {
    fn default() -> Self {
        Self::new()
    }
}

impl Relu {
    pub fn new() -> Self {
        Self {
            output: Array2::zeros((0, 0)),
            grad_input: Array2::zeros((0, 0)),
            width: None,
        }
    }

    /// Returns the width seen on the last batch, or `None` before the first one.
    pub fn width(&self) -> Option<usize> {
        self.width
    }

    /// Returns the output of the last forward pass (empty before the first one).
    pub fn output(&self) -> ArrayView2<'_, f32> {
        self.output.view()
    }

    /// Returns the input gradient of the last backward pass.
    pub fn grad_input(&self) -> ArrayView2<'_, f32> {
        self.grad_input.view()
    }

    /// Returns `max(x, 0)`. NaN stays NaN, because mapping it to 0 would hide a diverged
    /// layer from the loss.
    pub fn forward(&mut self, x: &Array2<f32>) -> Array2<f32> {
        self.forward_view(x.view()).to_owned()
    }

    /// Like [`Relu::forward`], but writes into the layer's output buffer and returns a view.
    pub fn forward_view(&mut self, x: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        resize(&mut self.output, x.nrows(), x.ncols());
        Zip::from(&mut self.output).and(&x).for_each(|y, &v| {
            *y = if v < 0.0 { 0.0 } else { v };
        });
        self.width = Some(x.ncols());
        self.output.view()
    }

    /// Returns `g` where the output was positive and 0 elsewhere.
    pub fn backward(&mut self, grad_output: &Array2<f32>) -> Result<Array2<f32>> {
        Ok(self.backward_view(grad_output.view())?.to_owned())
    }

    /// Like [`Relu::backward`], but writes into the layer's gradient buffer and returns a view.
    pub fn backward_view(&mut self, grad_output: ArrayView2<f32>) -> Result<ArrayView2<'_, f32>> {
        if self.width.is_none() {
            return Err(Error::new("relu: backward called before forward"));
        }
        if self.output.dim() != grad_output.dim() {
            return Err(Error::new(format!(
                "relu: output gradient has shape {:?}, expected {:?}",
                grad_output.dim(),
                self.output.dim()
            )));
        }
        resize(
            &mut self.grad_input,
            grad_output.nrows(),
            grad_output.ncols(),
        );
        Zip::from(&mut self.grad_input)
            .and(&grad_output)
            .and(&self.output)
            .for_each(|g_in, &g_out, &y| {
                *g_in = if y > 0.0 { g_out } else { 0.0 };
            });
        Ok(self.grad_input.view())
    }
}
