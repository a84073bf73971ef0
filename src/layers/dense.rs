//! Fully connected layer with deferred initialization.

use ndarray::{Array1, Array2, Axis};

use crate::error::{Error, Result};
use crate::init::Initializer;
use crate::rng::Rng;

/// A fully connected layer, `y = x · W + b`, declared with its output width only.
///
/// The input width is read from the first batch, and only then are the weights created with the
/// layer's initializer (as `LazyLinear` in PyTorch and `Dense` in Keras do). A later batch of a
/// different width is an error.
///
/// Shapes: `x` is `batch × inputs`, `W` is `inputs × units`, `b` is `units`, `y` is `batch × units`.
#[derive(Clone, Debug)]
pub struct Dense {
    units: usize,
    initializer: Initializer,
    parameters: Option<Box<Parameters>>,
    /// The last input, kept for `backward`.
    input: Option<Array2<f32>>,
}

#[derive(Clone, Debug)]
struct Parameters {
    weight: Array2<f32>,
    bias: Array1<f32>,
    weight_grad: Array2<f32>,
    bias_grad: Array1<f32>,
}

impl Dense {
    /// Declares a layer with `units` outputs; it has no parameters until its first batch.
    pub fn new(units: usize, initializer: Initializer) -> Self {
        Self {
            units,
            initializer,
            parameters: None,
            input: None,
        }
    }

    pub fn units(&self) -> usize {
        self.units
    }

    pub fn initializer(&self) -> Initializer {
        self.initializer
    }

    /// Returns the input width, or `None` before the first batch.
    pub fn inputs(&self) -> Option<usize> {
        self.parameters.as_ref().map(|p| p.weight.nrows())
    }

    pub fn parameter_count(&self) -> usize {
        self.parameters
            .as_ref()
            .map_or(0, |p| p.weight.len() + p.bias.len())
    }

    /// Returns the weight matrix (`inputs × units`), or `None` before the first batch.
    pub fn weight(&self) -> Option<&Array2<f32>> {
        self.parameters.as_ref().map(|p| &p.weight)
    }

    /// Returns the bias (`units`), or `None` before the first batch.
    pub fn bias(&self) -> Option<&Array1<f32>> {
        self.parameters.as_ref().map(|p| &p.bias)
    }

    /// Builds the weights for `inputs` input features now, as a first batch would.
    pub fn build(&mut self, inputs: usize, rng: &mut Rng) {
        let weight = self.initializer.weights(inputs, self.units, rng);
        self.parameters = Some(Box::new(Parameters {
            weight_grad: Array2::zeros(weight.raw_dim()),
            bias_grad: Array1::zeros(self.units),
            bias: Array1::zeros(self.units),
            weight,
        }));
    }

    /// Computes `x · W + b`, building the weights first if this is the first batch.
    pub fn forward(&mut self, x: &Array2<f32>, rng: &mut Rng) -> Result<Array2<f32>> {
        let width = x.ncols();
        if width == 0 {
            return Err(Error::new(
                "dense layer: the batch has 0 features per sample; expected at least 1",
            ));
        }
        match self.inputs() {
            None => self.build(width, rng),
            Some(built) if built != width => {
                return Err(Error::new(format!(
                    "dense layer: the batch has {width} features per sample, but the layer was built for {built} on its first batch; \
                     feed {built} features, or reset the model to build it for {width}"
                )));
            }
            Some(_) => {}
        }
        let Some(parameters) = self.parameters.as_ref() else {
            return Err(Error::new("dense layer: weights missing after build"));
        };

        let mut y = x.dot(&parameters.weight);
        y += &parameters.bias;
        self.input = Some(x.clone());
        Ok(y)
    }

    /// Stores `dL/dW = xᵀ · g` and `dL/db = Σ_rows g`, and returns `dL/dx = g · Wᵀ` if requested.
    pub fn backward(
        &mut self,
        grad_output: &Array2<f32>,
        input_grad: bool,
    ) -> Result<Option<Array2<f32>>> {
        let (Some(parameters), Some(x)) = (self.parameters.as_mut(), self.input.as_ref()) else {
            return Err(Error::new("dense layer: backward called before forward"));
        };
        if grad_output.dim() != (x.nrows(), self.units) {
            return Err(Error::new(format!(
                "dense layer: output gradient has shape {:?}, expected {:?}",
                grad_output.dim(),
                (x.nrows(), self.units)
            )));
        }

        parameters.weight_grad = x.t().dot(grad_output);
        parameters.bias_grad = grad_output.sum_axis(Axis(0));

        if input_grad {
            Ok(Some(grad_output.dot(&parameters.weight.t())))
        } else {
            Ok(None)
        }
    }

    /// Returns `[(W, dL/dW), (b, dL/db)]` as flat slices, or nothing before the first batch.
    pub fn parameters_and_gradients(&mut self) -> Vec<(&mut [f32], &[f32])> {
        let Some(p) = self.parameters.as_mut() else {
            return Vec::new();
        };
        // Both arrays are created in standard layout and never transposed in place, so the
        // slices always exist. If one did not, its update would be skipped, not corrupted.
        let mut list = Vec::with_capacity(2);
        if let (Some(w), Some(gw)) = (p.weight.as_slice_mut(), p.weight_grad.as_slice()) {
            list.push((w, gw));
        }
        if let (Some(b), Some(gb)) = (p.bias.as_slice_mut(), p.bias_grad.as_slice()) {
            list.push((b, gb));
        }
        list
    }

    /// Replaces the weights and bias, e.g. when loading a model; shapes must agree.
    pub fn set_parameters(&mut self, weight: Array2<f32>, bias: Array1<f32>) -> Result<()> {
        if weight.ncols() != self.units || bias.len() != self.units {
            return Err(Error::new(format!(
                "dense layer: weight {:?} and bias {} do not match {} units",
                weight.dim(),
                bias.len(),
                self.units
            )));
        }
        self.parameters = Some(Box::new(Parameters {
            weight_grad: Array2::zeros(weight.raw_dim()),
            bias_grad: Array1::zeros(self.units),
            weight: weight.as_standard_layout().into_owned(),
            bias,
        }));
        Ok(())
    }
}
