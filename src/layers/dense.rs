//! Fully connected layer with deferred initialization.

use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayView2};

use crate::error::{Error, Result};
use crate::init::Initializer;
use crate::layers::resize;
use crate::rng::Rng;

/// Batches up to this size use a row-by-row product that skips zero inputs. matrixmultiply
/// packs the whole weight matrix on every call, which costs more than the product itself for
/// one drawn digit, while about 80 % of an MNIST digit's pixels, and many ReLU outputs, are 0.
const SMALL_BATCH: usize = 4;

/// A fully connected layer, `y = x · W + b`, declared with its output width only.
///
/// The input width is read from the first batch, and only then are the weights created with the
/// layer's initializer (as `LazyLinear` in PyTorch and `Dense` in Keras do). A later batch of a
/// different width is an error.
///
/// Shapes: `x` is `batch × inputs`, `W` is `inputs × units`, `b` is `units`, `y` is `batch × units`.
///
/// The layer keeps its last input, its output and its input gradient in buffers that are reused
/// from batch to batch, so a training step allocates nothing once the batch size is steady.
#[derive(Clone, Debug)]
pub struct Dense {
    units: usize,
    initializer: Initializer,
    parameters: Option<Box<Parameters>>,
    /// The last input, kept for `backward`; empty before the first forward pass.
    input: Array2<f32>,
    output: Array2<f32>,
    grad_input: Array2<f32>,
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
            input: Array2::zeros((0, 0)),
            output: Array2::zeros((0, 0)),
            grad_input: Array2::zeros((0, 0)),
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

    /// Returns the output of the last forward pass (empty before the first one).
    pub fn output(&self) -> ArrayView2<'_, f32> {
        self.output.view()
    }

    /// Returns the input gradient of the last backward pass that computed one.
    pub fn grad_input(&self) -> ArrayView2<'_, f32> {
        self.grad_input.view()
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
        Ok(self.forward_view(x.view(), rng)?.to_owned())
    }

    /// Computes `x · W + b` into the layer's output buffer and returns a view of it.
    pub fn forward_view(
        &mut self,
        x: ArrayView2<f32>,
        rng: &mut Rng,
    ) -> Result<ArrayView2<'_, f32>> {
        let (batch, width) = x.dim();
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
                     feed {built} features, or build a new model for {width}"
                )));
            }
            Some(_) => {}
        }
        let Some(parameters) = self.parameters.as_ref() else {
            return Err(Error::new("dense layer: weights missing after build"));
        };

        resize(&mut self.input, batch, width);
        self.input.assign(&x);
        resize(&mut self.output, batch, self.units);
        if batch <= SMALL_BATCH {
            for (x_row, mut y_row) in x.rows().into_iter().zip(self.output.rows_mut()) {
                y_row.assign(&parameters.bias);
                for (&value, w_row) in x_row.iter().zip(parameters.weight.rows()) {
                    if value != 0.0 {
                        y_row.scaled_add(value, &w_row);
                    }
                }
            }
        } else {
            general_mat_mul(1.0, &x, &parameters.weight, 0.0, &mut self.output);
            self.output += &parameters.bias;
        }
        Ok(self.output.view())
    }

    /// Stores `dL/dW = xᵀ · g` and `dL/db = Σ_rows g`, and returns `dL/dx = g · Wᵀ` if requested.
    pub fn backward(
        &mut self,
        grad_output: &Array2<f32>,
        input_grad: bool,
    ) -> Result<Option<Array2<f32>>> {
        let grad_input = self.backward_view(grad_output.view(), input_grad)?;
        Ok(grad_input.map(|g| g.to_owned()))
    }

    /// Like [`Dense::backward`], but writes `dL/dx` into the layer's buffer and returns a view.
    pub fn backward_view(
        &mut self,
        grad_output: ArrayView2<f32>,
        input_grad: bool,
    ) -> Result<Option<ArrayView2<'_, f32>>> {
        let Some(parameters) = self.parameters.as_mut() else {
            return Err(Error::new("dense layer: backward called before forward"));
        };
        if self.input.ncols() == 0 {
            return Err(Error::new("dense layer: backward called before forward"));
        }
        let expected = (self.input.nrows(), self.units);
        if grad_output.dim() != expected {
            return Err(Error::new(format!(
                "dense layer: output gradient has shape {:?}, expected {expected:?}",
                grad_output.dim(),
            )));
        }

        general_mat_mul(
            1.0,
            &self.input.t(),
            &grad_output,
            0.0,
            &mut parameters.weight_grad,
        );
        parameters.bias_grad.fill(0.0);
        for row in grad_output.rows() {
            parameters.bias_grad += &row;
        }

        if !input_grad {
            return Ok(None);
        }
        resize(&mut self.grad_input, self.input.nrows(), self.input.ncols());
        general_mat_mul(
            1.0,
            &grad_output,
            &parameters.weight.t(),
            0.0,
            &mut self.grad_input,
        );
        Ok(Some(self.grad_input.view()))
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
