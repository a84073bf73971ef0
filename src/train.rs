//! The trainer: a configured model, its optimizer, the data, and the training loop.

use ndarray::{Array2, Axis};

use crate::augment::Distortions;
use crate::checkpoint;
pub use crate::config::{
    Config, Schedule, MAX_BATCH_SIZE, MAX_EPOCHS, MAX_HIDDEN_LAYERS, MAX_INPUT_SIZE,
    MAX_LEARNING_RATE, MAX_WEIGHT_DECAY, MAX_WIDTH, MIN_INPUT_SIZE,
};
use crate::data::{Batches, Dataset, CLASSES};
use crate::error::{Error, Result};
use crate::init::Initializer;
use crate::inspect;
use crate::loss::{argmax, softmax, softmax_cross_entropy};
use crate::model::{LayerSummary, Sequential};
use crate::optim::Optimizer;
use crate::preprocess;
use crate::rng::{Rng, Stream};

/// Mean cross-entropy above which training counts as diverged, in nats. The model then gives
/// the right class a probability below e^-1000 on average: no run comes back from there, and
/// within a few more steps the logits overflow, while the weights are still finite but useless.
const DIVERGED_LOSS: f32 = 1000.0;
/// Multiple of the first batch's loss at which a model that started above `DIVERGED_LOSS`
/// counts as diverged. A ReLU network with unscaled N(0, 1) weights starts near 1,100 nats,
/// and learners should still be able to watch it train.
const DIVERGED_LOSS_FACTOR: f32 = 10.0;
/// Samples evaluated per forward pass, which bounds the memory `evaluate` needs.
const EVALUATION_CHUNK: usize = 1000;

/// Means over the mini-batches of one `train_steps` call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepMetrics {
    /// Steps taken since the trainer was created.
    pub step: u64,
    /// Epochs completed, with the current one as a fraction.
    pub epoch: f64,
    /// Mean cross-entropy of the batches.
    pub loss: f32,
    /// Mean fraction of each batch classified correctly (before the update).
    pub accuracy: f32,
    /// Learning rate of the last step, after the schedule.
    pub learning_rate: f32,
}

/// Results on the held-out split.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub loss: f32,
    pub accuracy: f32,
    /// `confusion[true][predicted]` counts.
    pub confusion: [[u32; CLASSES]; CLASSES],
    /// The predicted class of each held-out image, in the data's order.
    pub predicted: Vec<u8>,
    /// `n × 10` softmax probabilities, row-major, in the data's order.
    pub probabilities: Vec<f32>,
}

/// The probabilities for a drawing and the image the network saw (`inputSize` squared).
#[derive(Clone, Debug, PartialEq)]
pub struct ImagePrediction {
    pub probabilities: Vec<f32>,
    pub input: Vec<f32>,
}

/// A model with its optimizer, data and progress.
pub struct Trainer {
    config: Config,
    model: Sequential,
    optimizer: Box<dyn Optimizer>,
    train: Option<(Dataset, Batches)>,
    test: Option<Dataset>,
    step: u64,
    /// The current mini-batch, reused from step to step.
    batch: Array2<f32>,
    batch_labels: Vec<u8>,
    distortions: Option<Distortions>,
    augment_rng: Rng,
    /// One image's worth of scratch space for the distortions.
    augment_scratch: Vec<f32>,
    /// The loss above which training counts as diverged: `DIVERGED_LOSS`, or more for a model
    /// whose first batch already scored above it. Set by the first step.
    diverged_loss: Option<f32>,
}

impl Trainer {
    /// Creates a trainer with an MLP whose layers have no weights yet: they are built on the
    /// first batch, from its width.
    pub fn new(config: Config) -> Result<Self> {
        config.validate()?;
        let model = Sequential::mlp_with(
            &config.hidden,
            config.activation,
            CLASSES,
            config.initializer,
            config.seed,
        );
        let optimizer =
            config
                .optimizer
                .build(config.learning_rate(), config.momentum, config.weight_decay);
        Ok(Self {
            distortions: config.distortions(),
            augment_rng: Rng::new(config.seed, Stream::Augment),
            augment_scratch: Vec::new(),
            diverged_loss: None,
            config,
            model,
            optimizer,
            train: None,
            test: None,
            step: 0,
            batch: Array2::zeros((0, 0)),
            batch_labels: Vec::new(),
        })
    }

    /// Creates a trainer with a seed drawn from the platform's entropy source.
    pub fn with_fresh_seed(mut config: Config) -> Result<Self> {
        config.seed = Rng::fresh_seed();
        Self::new(config)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn model(&self) -> &Sequential {
        &self.model
    }

    pub fn step(&self) -> u64 {
        self.step
    }

    pub fn training_data(&self) -> Option<&Dataset> {
        self.train.as_ref().map(|(data, _)| data)
    }

    pub fn test_data(&self) -> Option<&Dataset> {
        self.test.as_ref()
    }

    /// Replaces the training split, resized to `inputSize` if needed; batches restart from a
    /// fresh shuffle.
    pub fn set_training_data(&mut self, data: Dataset) -> Result<()> {
        let data = data.resized(self.config.input_size)?;
        self.check_width(&data, "training data")?;
        let batches = Batches::new(data.len(), self.config.seed);
        self.train = Some((data, batches));
        Ok(())
    }

    /// Replaces the held-out split used by `evaluate`, resized to `inputSize` if needed.
    pub fn set_test_data(&mut self, data: Dataset) -> Result<()> {
        let data = data.resized(self.config.input_size)?;
        self.check_width(&data, "test data")?;
        self.test = Some(data);
        Ok(())
    }

    /// Rejects data whose image size differs from what the model was built for, before any
    /// training step would fail on it.
    fn check_width(&self, data: &Dataset, split: &str) -> Result<()> {
        match self.model.input_width() {
            Some(width) if width != data.rows() * data.cols() => Err(Error::new(format!(
                "{split}: images of {}×{} give {} inputs, but the model was built for {width}; create a new Trainer to use them",
                data.rows(),
                data.cols(),
                data.rows() * data.cols()
            ))),
            _ => Ok(()),
        }
    }

    /// Runs `steps` mini-batches of forward, backward and update, and returns their mean
    /// metrics.
    ///
    /// If the loss passes `DIVERGED_LOSS` or stops being finite, or any parameter stops being
    /// finite, the call returns an error and the model goes back to its weights from before the
    /// call. Those still predict, and training can go on in a new Trainer with a lower rate.
    pub fn train_steps(&mut self, steps: u32) -> Result<StepMetrics> {
        let total_steps = self.schedule_steps().unwrap_or(0);
        let Some((data, batches)) = self.train.as_mut() else {
            return Err(Error::new(
                "trainSteps: no training data; call loadTrainingData first",
            ));
        };
        if steps == 0 {
            return Err(Error::new(
                "trainSteps: 0 steps requested; expected at least 1",
            ));
        }
        // One copy per call rather than per step: a call is a few dozen steps in the page.
        let checkpoint = (self.model.clone(), self.step);

        let steps_per_epoch = data.len().div_ceil(self.config.batch_size) as u64;
        let warmup_steps = steps_per_epoch.div_ceil(2);
        let side = data.rows();

        let mut loss_sum = 0.0f64;
        let mut accuracy_sum = 0.0f64;
        let mut diverged = None;
        let mut learning_rate = self.optimizer.learning_rate();
        for _ in 0..steps {
            let factor = self
                .config
                .schedule
                .factor(self.step, warmup_steps, total_steps);
            learning_rate = self.config.learning_rate() * factor;
            self.optimizer.set_learning_rate(learning_rate);

            let indices = batches.next_batch(self.config.batch_size);
            data.gather_into(indices, &mut self.batch, &mut self.batch_labels);
            if let (Some(distortions), Some(pixels)) =
                (&self.distortions, self.batch.as_slice_mut())
            {
                distortions.apply(
                    pixels,
                    side,
                    &mut self.augment_rng,
                    &mut self.augment_scratch,
                );
            }

            let logits = self.model.forward_view(self.batch.view())?;
            let result = softmax_cross_entropy(&logits, &self.batch_labels)?;
            let limit = *self
                .diverged_loss
                .get_or_insert(DIVERGED_LOSS.max(DIVERGED_LOSS_FACTOR * result.loss));
            if !result.loss.is_finite() || result.loss > limit {
                diverged = Some(format!("the loss became {}", result.loss));
                break;
            }
            self.model.backward(&result.grad)?;
            self.optimizer.step(self.model.parameters_and_gradients());

            self.step += 1;
            loss_sum += f64::from(result.loss);
            accuracy_sum += result.correct as f64 / self.batch_labels.len() as f64;
        }
        if diverged.is_none() && !self.model.is_finite() {
            diverged = Some("a weight stopped being finite".to_string());
        }

        if let Some(cause) = diverged {
            let failed_step = self.step + 1;
            (self.model, self.step) = checkpoint;
            return Err(Error::new(format!(
                "training diverged at step {failed_step}: {cause}. The model is back at step {}, its last finite weights. \
                 Start a new Trainer (Reset on the page) with a learning rate below {}",
                self.step,
                two_significant_digits(self.optimizer.learning_rate())
            )));
        }
        Ok(StepMetrics {
            step: self.step,
            epoch: batches.epoch(),
            loss: (loss_sum / f64::from(steps)) as f32,
            accuracy: (accuracy_sum / f64::from(steps)) as f32,
            learning_rate,
        })
    }

    /// Measures loss, accuracy and the confusion matrix on the held-out split.
    pub fn evaluate(&mut self) -> Result<Evaluation> {
        let Some(test) = self.test.as_ref() else {
            return Err(Error::new(
                "evaluate: no test data; call loadTestData first",
            ));
        };
        let mut confusion = [[0u32; CLASSES]; CLASSES];
        let mut predicted = Vec::with_capacity(test.len());
        let mut probabilities = Vec::with_capacity(test.len() * CLASSES);
        let mut loss_sum = 0.0f64;
        let mut correct = 0usize;
        for start in (0..test.len()).step_by(EVALUATION_CHUNK) {
            let end = (start + EVALUATION_CHUNK).min(test.len());
            let x = test.image_rows(start..end);
            let labels = &test.labels()[start..end];

            let logits = self.model.forward(&x)?;
            let result = softmax_cross_entropy(&logits, labels)?;
            loss_sum += f64::from(result.loss) * labels.len() as f64;
            correct += result.correct;
            for (row, &label) in logits.axis_iter(Axis(0)).zip(labels) {
                let class = argmax(row);
                confusion[usize::from(label)][class] += 1;
                predicted.push(class as u8);
            }
            probabilities.extend(softmax(&logits));
        }
        Ok(Evaluation {
            loss: (loss_sum / test.len() as f64) as f32,
            accuracy: correct as f32 / test.len() as f32,
            confusion,
            predicted,
            probabilities,
        })
    }

    /// Returns class probabilities (`k × 10`, row-major) for `k` samples given as `k × width`
    /// values in [0, 1]. Before the first batch the width is taken from the training data, or
    /// 784 (28×28) without any, and the model is built for it.
    pub fn predict(&mut self, pixels: &[f32]) -> Result<Vec<f32>> {
        let width = self.input_width();
        if pixels.is_empty() || pixels.len() % width != 0 {
            return Err(Error::new(format!(
                "predict: {} values is not a whole number of samples of {width} pixels; pass k × {width} values",
                pixels.len()
            )));
        }
        if let Some(position) = pixels.iter().position(|v| !(0.0..=1.0).contains(v)) {
            return Err(Error::new(format!(
                "predict: value {} at index {position} is outside [0, 1]; scale byte pixels by 1/255",
                pixels[position]
            )));
        }
        let x = Array2::from_shape_vec((pixels.len() / width, width), pixels.to_vec())
            .map_err(|e| Error::new(format!("predict: {e}")))?;
        let probabilities = softmax(&self.model.forward(&x)?);
        Ok(probabilities.into_iter().collect())
    }

    /// Preprocesses canvas RGBA bytes like MNIST and classifies them; `None` for an empty canvas.
    pub fn predict_image(
        &mut self,
        rgba: &[u8],
        width: usize,
        height: usize,
    ) -> Result<Option<ImagePrediction>> {
        let Some(digit) = preprocess::preprocess_rgba(rgba, width, height)? else {
            return Ok(None);
        };
        let size = self.config.input_size;
        let input = if size == preprocess::SIDE {
            digit
        } else {
            preprocess::resize(&digit, preprocess::SIDE, preprocess::SIDE, size, size)
        };
        let probabilities = self.predict(&input)?;
        Ok(Some(ImagePrediction {
            probabilities,
            input,
        }))
    }

    /// Returns the width the model takes or will take on its first batch.
    fn input_width(&self) -> usize {
        self.model
            .input_width()
            .unwrap_or(self.config.input_size * self.config.input_size)
    }

    /// Returns the steps of the learning-rate schedule, `epochs` times the steps of an epoch
    /// (whose last batch may be smaller), or `None` before training data is loaded.
    pub fn schedule_steps(&self) -> Option<u64> {
        let data = self.training_data()?;
        let steps_per_epoch = data.len().div_ceil(self.config.batch_size) as u64;
        Some(steps_per_epoch * u64::from(self.config.epochs))
    }

    pub fn summary(&self) -> Vec<LayerSummary> {
        self.model.summary()
    }

    /// Reports what a fresh copy of this architecture, initialized with `initializer`, does
    /// with the first `count` training images; see [`inspect::activation_stats`]. The
    /// trainer's own model is not touched.
    pub fn activation_stats(
        &self,
        initializer: Initializer,
        count: usize,
    ) -> Result<inspect::ActivationStats> {
        let Some(train) = self.training_data() else {
            return Err(Error::new(
                "activationStats: no training data; call loadTrainingData first",
            ));
        };
        inspect::activation_stats(&self.config, initializer, train, count)
    }

    /// Returns the first dense layer's weights as one image per unit, or `None` before the
    /// first batch.
    pub fn first_layer_weights(&self) -> Option<inspect::FirstLayerWeights> {
        inspect::first_layer_weights(&self.model, self.config.input_size)
    }

    /// Returns the held-out images at `indices` (`k × side²` values in [0, 1], the network's
    /// input) and their labels.
    pub fn test_images(&self, indices: &[usize]) -> Result<(Vec<f32>, Vec<u8>)> {
        let Some(test) = self.test.as_ref() else {
            return Err(Error::new(
                "testImages: no test data; call loadTestData first",
            ));
        };
        if let Some(&index) = indices.iter().find(|&&i| i >= test.len()) {
            return Err(Error::new(format!(
                "testImages: index {index} is out of range; the held-out split has {} images, indices 0 to {}",
                test.len(),
                test.len() - 1
            )));
        }
        let (images, labels) = test.gather(indices);
        Ok((images.into_iter().collect(), labels))
    }

    /// Returns the bytes of a model file with the config, the step count and every weight, in
    /// the format described in [`crate::checkpoint`]. The data and the optimizer state are not
    /// saved.
    pub fn save_model(&self) -> Result<Vec<u8>> {
        checkpoint::encode(&self.config, self.step, &self.model)
    }

    /// Creates a trainer from a model file written by [`Trainer::save_model`]: the same config,
    /// step count and weights, and no data. The file is checked completely first, and any
    /// problem is returned as an error that names it.
    ///
    /// The loaded trainer predicts exactly as the saved one did. Training goes on after
    /// `set_training_data`, but not exactly as if it had never stopped. The optimizer state
    /// starts fresh (Adam's moments and SGD's velocity at zero), and shuffling and distortions
    /// start again from the seed. The learning-rate schedule continues from the saved step,
    /// while [`StepMetrics::epoch`] counts epochs of the newly loaded data from 0.
    pub fn load_model(bytes: &[u8]) -> Result<Self> {
        let saved = checkpoint::decode(bytes)?;
        let mut trainer = Self::new(saved.config)?;
        trainer.step = saved.step;
        checkpoint::restore_weights(&mut trainer.model, saved.layers)?;
        if let Some(width) = trainer.model.input_width() {
            // Only a batch sets the width of a ReLU layer. One blank image sets them, so that
            // the summary matches the saved model's.
            trainer.model.forward(&Array2::zeros((1, width)))?;
        }
        Ok(trainer)
    }
}

/// Formats a positive number with two significant digits, such as 0.000028 or 2.5.
fn two_significant_digits(value: f32) -> String {
    if !(value.is_finite() && value > 0.0) {
        return value.to_string();
    }
    let decimals = (1 - value.log10().floor() as i32).max(0) as usize;
    format!("{value:.decimals$}")
}
