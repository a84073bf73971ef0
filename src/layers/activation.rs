//! Element-wise activation functions: ReLU, tanh and the logistic sigmoid.

use std::fmt::Debug;
use std::marker::PhantomData;

use ndarray::{Array2, ArrayView2, Zip};

use crate::error::{Error, Result};
use crate::layers::resize;

/// One element-wise function. The derivative is written in terms of the output `y`, which
/// is all the layer keeps after the forward pass.
pub trait Function: Clone + Debug + Default {
    /// Kind used in layer names and messages: `relu`, `tanh` or `sigmoid`.
    const KIND: &'static str;

    fn value(x: f32) -> f32;

    /// Returns `dy/dx` at the input whose output is `y`.
    fn slope(y: f32) -> f32;

    /// Returns whether an output passes almost no gradient back: a ReLU at 0, a tanh or
    /// sigmoid in its flat tails. A unit inactive on every image of a batch is "dead" for it.
    fn is_inactive(y: f32) -> bool;
}

/// Rectified linear unit, `y = max(x, 0)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReluFunction;

impl Function for ReluFunction {
    const KIND: &'static str = "relu";

    /// NaN stays NaN, because mapping it to 0 would hide a diverged layer from the loss.
    fn value(x: f32) -> f32 {
        if x < 0.0 {
            0.0
        } else {
            x
        }
    }

    fn slope(y: f32) -> f32 {
        if y > 0.0 {
            1.0
        } else {
            0.0
        }
    }

    fn is_inactive(y: f32) -> bool {
        y <= 0.0
    }
}

/// Hyperbolic tangent, `y = tanh(x)`, with outputs in (−1, 1).
#[derive(Clone, Copy, Debug, Default)]
pub struct TanhFunction;

impl Function for TanhFunction {
    const KIND: &'static str = "tanh";

    fn value(x: f32) -> f32 {
        x.tanh()
    }

    fn slope(y: f32) -> f32 {
        1.0 - y * y
    }

    /// Beyond |y| = 0.99 the slope is below 0.02.
    fn is_inactive(y: f32) -> bool {
        y.abs() > 0.99
    }
}

/// Logistic sigmoid, `y = 1 / (1 + e^−x)`, with outputs in (0, 1).
#[derive(Clone, Copy, Debug, Default)]
pub struct SigmoidFunction;

impl Function for SigmoidFunction {
    const KIND: &'static str = "sigmoid";

    /// Evaluates `e^x / (1 + e^x)` for negative `x`, so the argument of `exp` is never
    /// positive and the result cannot overflow.
    fn value(x: f32) -> f32 {
        if x >= 0.0 {
            1.0 / (1.0 + (-x).exp())
        } else {
            let e = x.exp();
            e / (1.0 + e)
        }
    }

    fn slope(y: f32) -> f32 {
        y * (1.0 - y)
    }

    /// Below 0.01 or above 0.99 the slope is below 0.01.
    fn is_inactive(y: f32) -> bool {
        !(0.01..=0.99).contains(&y)
    }
}

/// A layer applying `F` to every value; its width is whatever the previous layer produces.
#[derive(Clone, Debug)]
pub struct Activation<F: Function> {
    /// The last output, kept for `backward`.
    output: Array2<f32>,
    grad_input: Array2<f32>,
    width: Option<usize>,
    function: PhantomData<F>,
}

pub type Relu = Activation<ReluFunction>;
pub type Tanh = Activation<TanhFunction>;
pub type Sigmoid = Activation<SigmoidFunction>;

impl<F: Function> Default for Activation<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Function> Activation<F> {
    pub fn new() -> Self {
        Self {
            output: Array2::zeros((0, 0)),
            grad_input: Array2::zeros((0, 0)),
            width: None,
            function: PhantomData,
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

    /// Returns `F(x)` for every value of `x`.
    pub fn forward(&mut self, x: &Array2<f32>) -> Array2<f32> {
        self.forward_view(x.view()).to_owned()
    }

    /// Like [`Activation::forward`], but writes into the layer's output buffer and returns a
    /// view.
    pub fn forward_view(&mut self, x: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        resize(&mut self.output, x.nrows(), x.ncols());
        Zip::from(&mut self.output)
            .and(&x)
            .for_each(|y, &v| *y = F::value(v));
        self.width = Some(x.ncols());
        self.output.view()
    }

    /// Returns `g · F'(x)`, the output gradient times the slope at each value.
    pub fn backward(&mut self, grad_output: &Array2<f32>) -> Result<Array2<f32>> {
        Ok(self.backward_view(grad_output.view())?.to_owned())
    }

    /// Like [`Activation::backward`], but writes into the layer's gradient buffer and returns
    /// a view.
    pub fn backward_view(&mut self, grad_output: ArrayView2<f32>) -> Result<ArrayView2<'_, f32>> {
        if self.width.is_none() {
            return Err(Error::new(format!(
                "{}: backward called before forward",
                F::KIND
            )));
        }
        if self.output.dim() != grad_output.dim() {
            return Err(Error::new(format!(
                "{}: output gradient has shape {:?}, expected {:?}",
                F::KIND,
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
                // A ReLU must pass exactly 0 where it is off, even when g_out is infinite.
                let slope = F::slope(y);
                *g_in = if slope == 0.0 { 0.0 } else { g_out * slope };
            });
        Ok(self.grad_input.view())
    }

    /// Returns the fraction of all output values that are inactive: a ReLU's zeros, a tanh's
    /// or sigmoid's saturated values. Unlike `dead_fraction`, it shows saturation that varies
    /// from image to image.
    pub fn inactive_fraction(&self) -> Option<f64> {
        self.width?;
        let total = self.output.len();
        if total == 0 {
            return Some(0.0);
        }
        let inactive = self.output.iter().filter(|&&y| F::is_inactive(y)).count();
        Some(inactive as f64 / total as f64)
    }

    /// Returns the fraction of units that are inactive on every row of the last output:
    /// units that pass no gradient for the whole batch.
    pub fn dead_fraction(&self) -> Option<f64> {
        let width = self.width?;
        if width == 0 || self.output.nrows() == 0 {
            return Some(0.0);
        }
        let dead = self
            .output
            .columns()
            .into_iter()
            .filter(|column| column.iter().all(|&y| F::is_inactive(y)))
            .count();
        Some(dead as f64 / width as f64)
    }
}
