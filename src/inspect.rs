//! Views of a network's inside for teaching: activation statistics at initialization and the
//! first layer's weights as images.

use ndarray::Array2;

use crate::config::Config;
use crate::data::{Dataset, CLASSES};
use crate::error::{Error, Result};
use crate::init::Initializer;
use crate::loss::softmax_cross_entropy;
use crate::model::Sequential;

/// Most images `activation_stats` accepts: enough for stable statistics, small enough to stay
/// fast in a page.
pub const MAX_STATS_IMAGES: usize = 4096;
/// Images the page and the JavaScript API use when no count is given.
pub const DEFAULT_STATS_IMAGES: usize = 256;

/// Statistics of one layer's outputs on a batch, right after initialization.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerStats {
    /// As in the model summary: `dense_1`, `relu_1`, …
    pub name: String,
    /// `dense`, `relu`, `tanh` or `sigmoid`.
    pub kind: &'static str,
    /// Mean of every output value over the batch.
    pub mean: f64,
    /// Standard deviation of every output value over the batch.
    pub std: f64,
    /// Fraction of units inactive on every image of the batch (see
    /// [`crate::layers::Function::is_inactive`]); `None` for a dense layer.
    pub dead: Option<f64>,
    /// Fraction of all output values that are inactive, image by image; `None` for a dense
    /// layer.
    pub inactive: Option<f64>,
    /// Standard deviation of the loss gradient with respect to this layer's output.
    pub gradient_std: f64,
}

/// Statistics of a freshly initialized copy of a model on a batch of real images.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivationStats {
    pub initializer: Initializer,
    /// Mean cross-entropy of the batch. A model that gives every class 1/10 scores
    /// ln 10 ≈ 2.303, the healthy value before training.
    pub loss: f32,
    pub layers: Vec<LayerStats>,
}

/// Builds `config`'s architecture with `initializer` instead of the configured one, from the
/// same seed, passes the first `count` images of `data` forward and back once, and reports
/// each layer's statistics. Nothing is updated: the model is thrown away afterwards.
pub fn activation_stats(
    config: &Config,
    initializer: Initializer,
    data: &Dataset,
    count: usize,
) -> Result<ActivationStats> {
    if count == 0 || count > MAX_STATS_IMAGES {
        return Err(Error::new(format!(
            "activationStats: count {count} is out of range; expected 1 to {MAX_STATS_IMAGES}, such as 256"
        )));
    }
    if data.is_empty() {
        return Err(Error::new(
            "activationStats: the training data has no images; load some first",
        ));
    }
    let count = count.min(data.len());
    let mut model = Sequential::mlp_with(
        &config.hidden,
        config.activation,
        CLASSES,
        initializer,
        config.seed,
    );
    let x = data.image_rows(0..count);
    let labels = &data.labels()[..count];
    let logits = model.forward(&x)?;
    let result = softmax_cross_entropy(&logits, labels)?;
    model.backward(&result.grad)?;

    let summary = model.summary();
    let layers = model.layers();
    let layers = layers
        .iter()
        .zip(summary)
        .enumerate()
        .map(|(index, (layer, row))| {
            let output = layer.output();
            let gradient = match layers.get(index + 1) {
                Some(next) => next.grad_input(),
                None => result.grad.view(),
            };
            let (mean, std) = mean_and_std(output.iter());
            let (_, gradient_std) = mean_and_std(gradient.iter());
            LayerStats {
                name: row.name,
                kind: layer.kind(),
                mean,
                std,
                dead: layer.dead_fraction(),
                inactive: layer.inactive_fraction(),
                gradient_std,
            }
        })
        .collect();
    Ok(ActivationStats {
        initializer,
        loss: result.loss,
        layers,
    })
}

/// Returns the mean and the population standard deviation, accumulated in f64.
fn mean_and_std<'a>(values: impl Iterator<Item = &'a f32>) -> (f64, f64) {
    let (mut count, mut sum, mut sum_of_squares) = (0usize, 0.0f64, 0.0f64);
    for &value in values {
        let value = f64::from(value);
        count += 1;
        sum += value;
        sum_of_squares += value * value;
    }
    if count == 0 {
        return (0.0, 0.0);
    }
    let mean = sum / count as f64;
    let variance = (sum_of_squares / count as f64 - mean * mean).max(0.0);
    (mean, variance.sqrt())
}

/// The incoming weights of every unit of the first dense layer.
#[derive(Clone, Debug, PartialEq)]
pub struct FirstLayerWeights {
    pub units: usize,
    /// Input width, `side × side`.
    pub inputs: usize,
    /// Side of the square image each unit's weights form, or 0 if the input width is not
    /// `input_size²` (a model loaded with a different input).
    pub side: usize,
    /// `units × inputs` values, unit-major: row `u` is unit `u`'s weights as an image.
    pub weights: Vec<f32>,
}

/// Returns the first dense layer's weights, transposed to one row per unit, or `None` before
/// the first batch has built them.
pub fn first_layer_weights(model: &Sequential, side: usize) -> Option<FirstLayerWeights> {
    let dense = model.layers().iter().find_map(|layer| layer.as_dense())?;
    let weight: &Array2<f32> = dense.weight()?;
    let (inputs, units) = weight.dim();
    let weights = weight.t().iter().copied().collect();
    Some(FirstLayerWeights {
        units,
        inputs,
        side: if side * side == inputs { side } else { 0 },
        weights,
    })
}
