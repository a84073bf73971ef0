//! Layers of a sequential model: one file per layer kind.

mod activation;
mod dense;

pub use activation::{
    Activation, Function, Relu, ReluFunction, Sigmoid, SigmoidFunction, Tanh, TanhFunction,
};
pub use dense::Dense;

use ndarray::{Array2, ArrayView2};

use crate::error::Result;
use crate::rng::Rng;

/// One step of a [`crate::model::Sequential`] model.
#[derive(Clone, Debug)]
pub enum Layer {
    Dense(Dense),
    Relu(Relu),
    Tanh(Tanh),
    Sigmoid(Sigmoid),
}

/// Runs `$body` with `$a` bound to the activation inside `$layer`, or evaluates `$dense`
/// with `$d` bound to a dense layer.
macro_rules! dispatch {
    ($layer:expr, $d:ident => $dense:expr, $a:ident => $body:expr) => {
        match $layer {
            Layer::Dense($d) => $dense,
            Layer::Relu($a) => $body,
            Layer::Tanh($a) => $body,
            Layer::Sigmoid($a) => $body,
        }
    };
}

/// Gives `buffer` the shape `rows × cols`, reallocating only when the shape changes.
pub(crate) fn resize(buffer: &mut Array2<f32>, rows: usize, cols: usize) {
    if buffer.dim() != (rows, cols) {
        *buffer = Array2::zeros((rows, cols));
    }
}

impl Layer {
    /// Returns the kind used in layer names: `dense`, `relu`, `tanh` or `sigmoid`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Dense(_) => "dense",
            Self::Relu(_) => ReluFunction::KIND,
            Self::Tanh(_) => TanhFunction::KIND,
            Self::Sigmoid(_) => SigmoidFunction::KIND,
        }
    }

    /// Returns the fraction of all values of the last batch's output that are inactive. Dense
    /// layers, and activations before their first batch, return `None`.
    pub fn inactive_fraction(&self) -> Option<f64> {
        dispatch!(self, _d => None, a => a.inactive_fraction())
    }

    /// Returns the dense layer inside, or `None` for an activation.
    pub fn as_dense(&self) -> Option<&Dense> {
        dispatch!(self, dense => Some(dense), _a => None)
    }

    /// Returns the dense layer inside, mutably, or `None` for an activation.
    pub fn as_dense_mut(&mut self) -> Option<&mut Dense> {
        dispatch!(self, dense => Some(dense), _a => None)
    }

    /// Returns a new activation layer of `kind`.
    pub fn activation(kind: crate::config::ActivationKind) -> Self {
        use crate::config::ActivationKind;
        match kind {
            ActivationKind::Relu => Self::Relu(Relu::new()),
            ActivationKind::Tanh => Self::Tanh(Tanh::new()),
            ActivationKind::Sigmoid => Self::Sigmoid(Sigmoid::new()),
        }
    }

    /// Returns the fraction of units inactive on every row of the last batch. Dense layers,
    /// and activations before their first batch, return `None`.
    pub fn dead_fraction(&self) -> Option<f64> {
        dispatch!(self, _d => None, a => a.dead_fraction())
    }

    /// Computes the output for a batch into the layer's buffer and keeps what `backward` needs.
    ///
    /// `rng` is used only by a dense layer that is still waiting for its first batch.
    pub fn forward(&mut self, x: ArrayView2<f32>, rng: &mut Rng) -> Result<()> {
        dispatch!(self, dense => dense.forward_view(x, rng).map(|_| ()), a => {
            a.forward_view(x);
            Ok(())
        })
    }

    /// Returns the output of the last forward pass (empty before the first one).
    pub fn output(&self) -> ArrayView2<'_, f32> {
        dispatch!(self, dense => dense.output(), a => a.output())
    }

    /// Takes the gradient of the loss with respect to this layer's output, stores parameter
    /// gradients, and computes the gradient with respect to its input when `input_grad` is set.
    pub fn backward(&mut self, grad_output: ArrayView2<f32>, input_grad: bool) -> Result<()> {
        dispatch!(
            self,
            dense => dense.backward_view(grad_output, input_grad).map(|_| ()),
            a => a.backward_view(grad_output).map(|_| ())
        )
    }

    /// Returns the input gradient of the last backward pass.
    pub fn grad_input(&self) -> ArrayView2<'_, f32> {
        dispatch!(self, dense => dense.grad_input(), a => a.grad_input())
    }

    /// Returns the input width, or `None` while it is not known yet.
    pub fn inputs(&self) -> Option<usize> {
        dispatch!(self, dense => dense.inputs(), a => a.width())
    }

    /// Returns the output width, or `None` while it is not known yet.
    pub fn outputs(&self) -> Option<usize> {
        dispatch!(self, dense => Some(dense.units()), a => a.width())
    }

    /// Returns the number of trainable values (0 until a dense layer is built).
    pub fn parameter_count(&self) -> usize {
        dispatch!(self, dense => dense.parameter_count(), _a => 0)
    }

    /// Returns each parameter tensor as a flat slice beside its gradient.
    pub fn parameters_and_gradients(&mut self) -> Vec<(&mut [f32], &[f32])> {
        dispatch!(self, dense => dense.parameters_and_gradients(), _a => Vec::new())
    }
}
