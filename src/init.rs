//! Weight initializers for dense layers.

use ndarray::Array2;

use crate::error::{Error, Result};
use crate::rng::Rng;

/// Weight initializer of a dense layer, applied when the layer is built. Biases always start at zero.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Initializer {
    /// U(−l, l) with l = sqrt(6 / (fan_in + fan_out)).
    ///
    /// Glorot and Bengio (2010), "Understanding the difficulty of training deep feedforward
    /// neural networks": this bound gives the weights variance 2 / (fan_in + fan_out), which keeps
    /// the variance of activations and of gradients roughly equal from layer to layer.
    #[default]
    GlorotUniform,
    /// U(−l, l) with l = sqrt(6 / fan_in).
    ///
    /// He et al. (2015), "Delving deep into rectifiers": variance 2 / fan_in compensates for
    /// ReLU zeroing half of its inputs.
    HeUniform,
    /// N(0, std²). With std = 1 it shows what happens without any scaling by fan-in.
    Normal { std: f32 },
    /// All zeros: every unit of a layer then computes the same thing and gets the same gradient.
    Zeros,
}

impl Initializer {
    /// Parses the names used in the JavaScript config: `glorot_uniform`, `he_uniform`, `zeros`.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "glorot_uniform" => Ok(Self::GlorotUniform),
            "he_uniform" => Ok(Self::HeUniform),
            "normal" => Ok(Self::Normal { std: 1.0 }),
            "zeros" => Ok(Self::Zeros),
            other => Err(Error::new(format!(
                "initializer: unknown name {other:?}; expected \"glorot_uniform\", \"he_uniform\", \"normal\" or \"zeros\""
            ))),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::GlorotUniform => "glorot_uniform",
            Self::HeUniform => "he_uniform",
            Self::Normal { .. } => "normal",
            Self::Zeros => "zeros",
        }
    }

    /// Returns the bound l of the uniform initializers, or `None` for the others.
    pub fn uniform_limit(&self, fan_in: usize, fan_out: usize) -> Option<f32> {
        match self {
            Self::GlorotUniform => Some((6.0 / (fan_in + fan_out) as f64).sqrt() as f32),
            Self::HeUniform => Some((6.0 / fan_in as f64).sqrt() as f32),
            Self::Normal { .. } | Self::Zeros => None,
        }
    }

    /// Builds a weight matrix.
    ///
    /// Shapes: the result is `fan_in × fan_out`, so a batch `x` (`n × fan_in`) maps to `x · W`.
    pub fn weights(&self, fan_in: usize, fan_out: usize, rng: &mut Rng) -> Array2<f32> {
        match self {
            Self::GlorotUniform | Self::HeUniform => {
                let limit = self.uniform_limit(fan_in, fan_out).unwrap_or(0.0);
                Array2::from_shape_simple_fn((fan_in, fan_out), || rng.uniform(-limit, limit))
            }
            Self::Normal { std } => {
                Array2::from_shape_simple_fn((fan_in, fan_out), || std * rng.normal())
            }
            Self::Zeros => Array2::zeros((fan_in, fan_out)),
        }
    }
}
