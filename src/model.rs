//! Sequential model: layers applied in order, with forward, backward and a summary.

use ndarray::{Array2, ArrayView2};

use crate::config::ActivationKind;
use crate::error::{Error, Result};
use crate::init::Initializer;
use crate::layers::{Dense, Layer};
use crate::rng::{Rng, Stream};

/// One row of [`Sequential::summary`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerSummary {
    /// `dense_1`, `relu_1`, `dense_2`, … numbered per kind.
    pub name: String,
    /// Input width, `None` until the layer has seen a batch.
    pub inputs: Option<usize>,
    /// Output width, `None` until known.
    pub outputs: Option<usize>,
    /// Trainable values (0 until built).
    pub params: usize,
}

/// A stack of layers; the last one produces logits.
#[derive(Clone, Debug)]
pub struct Sequential {
    layers: Vec<Layer>,
    /// Draws the weights of dense layers when their first batch arrives.
    init_rng: Rng,
}

impl Sequential {
    /// Creates a model from layers; `seed` fixes the weights they will be built with.
    pub fn new(layers: Vec<Layer>, seed: u64) -> Self {
        Self {
            layers,
            init_rng: Rng::new(seed, Stream::Init),
        }
    }

    /// Creates a multilayer perceptron: a dense layer and a ReLU for each width in `hidden`,
    /// then a dense layer of `classes` logits. No input width is given anywhere: every dense
    /// layer infers it from its first batch.
    pub fn mlp(hidden: &[usize], classes: usize, initializer: Initializer, seed: u64) -> Self {
        Self::mlp_with(hidden, ActivationKind::Relu, classes, initializer, seed)
    }

    /// Like [`Sequential::mlp`], with `activation` after each hidden dense layer.
    pub fn mlp_with(
        hidden: &[usize],
        activation: ActivationKind,
        classes: usize,
        initializer: Initializer,
        seed: u64,
    ) -> Self {
        let mut layers = Vec::with_capacity(2 * hidden.len() + 1);
        for &units in hidden {
            layers.push(Layer::Dense(Dense::new(units, initializer)));
            layers.push(Layer::activation(activation));
        }
        layers.push(Layer::Dense(Dense::new(classes, initializer)));
        Self::new(layers, seed)
    }

    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    pub fn layers_mut(&mut self) -> &mut [Layer] {
        &mut self.layers
    }

    /// Returns the input width of the first layer, or `None` before the first batch.
    pub fn input_width(&self) -> Option<usize> {
        self.layers.first().and_then(Layer::inputs)
    }

    /// Returns the width of the logits, or `None` if unknown.
    pub fn output_width(&self) -> Option<usize> {
        self.layers.iter().rev().find_map(Layer::outputs)
    }

    /// Computes logits for a batch (`batch × inputs` → `batch × classes`).
    pub fn forward(&mut self, x: &Array2<f32>) -> Result<Array2<f32>> {
        Ok(self.forward_view(x.view())?.to_owned())
    }

    /// Like [`Sequential::forward`], but returns a view of the last layer's output buffer, so
    /// a training step copies nothing and, once the batch size is steady, allocates nothing.
    pub fn forward_view(&mut self, x: ArrayView2<f32>) -> Result<ArrayView2<'_, f32>> {
        for index in 0..self.layers.len() {
            let (done, rest) = self.layers.split_at_mut(index);
            let input = match done.last() {
                Some(previous) => previous.output(),
                None => x.view(),
            };
            if let Err(error) = rest[0].forward(input, &mut self.init_rng) {
                let name = &self.layer_names()[index];
                return Err(Error::new(error.message().replacen("dense layer", name, 1)));
            }
        }
        match self.layers.last() {
            Some(last) => Ok(last.output()),
            None => Err(Error::new("model: it has no layers; add at least one")),
        }
    }

    /// Back-propagates `dL/dlogits` through every layer, storing the parameter gradients.
    ///
    /// The gradient with respect to the model's input is never needed, so the first layer
    /// skips computing it.
    pub fn backward(&mut self, grad_logits: &Array2<f32>) -> Result<()> {
        self.backward_view(grad_logits.view())
    }

    /// Like [`Sequential::backward`], for a gradient that is a view.
    pub fn backward_view(&mut self, grad_logits: ArrayView2<f32>) -> Result<()> {
        for index in (0..self.layers.len()).rev() {
            let (upto, after) = self.layers.split_at_mut(index + 1);
            let grad_output = match after.first() {
                Some(next) => next.grad_input(),
                None => grad_logits.view(),
            };
            upto[index].backward(grad_output, index > 0)?;
        }
        Ok(())
    }

    /// Returns every parameter tensor as a flat slice beside its gradient, in layer order.
    pub fn parameters_and_gradients(&mut self) -> Vec<(&mut [f32], &[f32])> {
        self.layers
            .iter_mut()
            .flat_map(Layer::parameters_and_gradients)
            .collect()
    }

    pub fn parameter_count(&self) -> usize {
        self.layers.iter().map(Layer::parameter_count).sum()
    }

    /// Returns true when every parameter is finite.
    pub fn is_finite(&mut self) -> bool {
        self.parameters_and_gradients()
            .iter()
            .all(|(p, _)| p.iter().all(|v| v.is_finite()))
    }

    /// Describes each layer: name, input width (unknown before the first batch), output width,
    /// parameter count.
    pub fn summary(&self) -> Vec<LayerSummary> {
        self.layers
            .iter()
            .zip(self.layer_names())
            .map(|(layer, name)| LayerSummary {
                name,
                inputs: layer.inputs(),
                outputs: layer.outputs(),
                params: layer.parameter_count(),
            })
            .collect()
    }

    fn layer_names(&self) -> Vec<String> {
        let mut counts: Vec<(&'static str, usize)> = Vec::new();
        self.layers
            .iter()
            .map(|layer| {
                let kind = layer.kind();
                let count = match counts.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, count)) => {
                        *count += 1;
                        *count
                    }
                    None => {
                        counts.push((kind, 1));
                        1
                    }
                };
                format!("{kind}_{count}")
            })
            .collect()
    }
}
