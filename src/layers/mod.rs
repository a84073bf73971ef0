//! Layers of a sequential model: one file per layer kind.

mod activation;
mod dense;

pub use activation::Relu;
pub use dense::Dense;

use ndarray::{Array2, ArrayView2};

use crate::error::Result;
use crate::rng::Rng;

/// One step of a [`crate::model::Sequential`] model.
#[derive(Clone, Debug)]
pub enum Layer {
    Dense(Dense),
    Relu(Relu),
}

/// Gives `buffer` the shape `rows × cols`, reallocating only when the shape changes.
pub(crate) fn resize(buffer: &mut Array2<f32>, rows: usize, cols: usize) {
    if buffer.dim() != (rows, cols) {
        *buffer = Array2::zeros((rows, cols));
    }
}

impl Layer {
    /// Returns the kind used in layer names: `dense` or `relu`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Dense(_) => "dense",
            Self::Relu(_) => "relu",
        }
    }

    /// Computes the output for a batch into the layer's buffer and keeps what `backward` needs.
    ///
    /// `rng` is used only by a dense layer that is still waiting for its first batch.
    pub fn forward(&mut self, x: ArrayView2<f32>, rng: &mut Rng) -> Result<()> {
        match self {
            Self::Dense(dense) => dense.forward_view(x, rng).map(|_| ()),
            Self::Relu(relu) => {
                relu.forward_view(x);
                Ok(())
            }
        }
    }

    /// Returns the output of the last forward pass (empty before the first one).
    pub fn output(&self) -> ArrayView2<'_, f32> {
        match self {
            Self::Dense(dense) => dense.output(),
            Self::Relu(relu) => relu.output(),
        }
    }

    /// Takes the gradient of the loss with respect to this layer's output, stores parameter
    /// gradients, and computes the gradient with respect to its input when `input_grad` is set.
    pub fn backward(&mut self, grad_output: ArrayView2<f32>, input_grad: bool) -> Result<()> {
        match self {
            Self::Dense(dense) => dense.backward_view(grad_output, input_grad).map(|_| ()),
            Self::Relu(relu) => relu.backward_view(grad_output).map(|_| ()),
        }
    }

    /// Returns the input gradient of the last backward pass.
    pub fn grad_input(&self) -> ArrayView2<'_, f32> {
        match self {
            Self::Dense(dense) => dense.grad_input(),
            Self::Relu(relu) => relu.grad_input(),
        }
    }

    /// Returns the input width, or `None` while it is not known yet.
    pub fn inputs(&self) -> Option<usize> {
        match self {
            Self::Dense(dense) => dense.inputs(),
            Self::Relu(relu) => relu.width(),
        }
    }

    /// Returns the output width, or `None` while it is not known yet.
    pub fn outputs(&self) -> Option<usize> {
        match self {
            Self::Dense(dense) => Some(dense.units()),
            Self::Relu(relu) => relu.width(),
        }
    }

    /// Returns the number of trainable values (0 until a dense layer is built).
    pub fn parameter_count(&self) -> usize {
        match self {
            Self::Dense(dense) => dense.parameter_count(),
            Self::Relu(_) => 0,
        }
    }

    /// Returns each parameter tensor as a flat slice beside its gradient.
    pub fn parameters_and_gradients(&mut self) -> Vec<(&mut [f32], &[f32])> {
        match self {
            Self::Dense(dense) => dense.parameters_and_gradients(),
            Self::Relu(_) => Vec::new(),
        }
    }
}
