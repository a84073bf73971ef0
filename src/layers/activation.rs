//! Element-wise activation functions.

use ndarray::{Array2, Zip};

use crate::error::{Error, Result};

/// Rectified linear unit, `y = max(x, 0)`; the width is whatever the previous layer produces.
#[derive(Clone, Debug, Default)]
pub struct Relu {
    /// The last output, kept for `backward`: the gradient passes where it is positive.
    output: Option<Array2<f32>>,
    width: Option<usize>,
}

impl Relu {
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the width seen on the last batch, or `None` before the first one.
    pub fn width(&self) -> Option<usize> {
        self.width
    }

    /// Returns `max(x, 0)`. NaN stays NaN, because mapping it to 0 would hide a diverged
    /// layer from the loss.
    pub fn forward(&mut self, x: &Array2<f32>) -> Array2<f32> {
        let y = x.mapv(|v| if v < 0.0 { 0.0 } else { v });
        self.width = Some(x.ncols());
        self.output = Some(y.clone());
        y
    }

    /// Returns `g` where the output was positive and 0 elsewhere.
    pub fn backward(&mut self, grad_output: &Array2<f32>) -> Result<Array2<f32>> {
        let Some(y) = self.output.as_ref() else {
            return Err(Error::new("relu: backward called before forward"));
        };
        if y.dim() != grad_output.dim() {
            return Err(Error::new(format!(
                "relu: output gradient has shape {:?}, expected {:?}",
                grad_output.dim(),
                y.dim()
            )));
        }
        let mut grad_input = grad_output.clone();
        Zip::from(&mut grad_input).and(y).for_each(|g, &out| {
            if out <= 0.0 {
                *g = 0.0;
            }
        });
        Ok(grad_input)
    }
}
