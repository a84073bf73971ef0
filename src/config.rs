//! Training settings: every field has a default and a checked range.

use crate::error::{Error, Result};
use crate::init::Initializer;
use crate::optim::OptimizerKind;

/// Most hidden layers a config may ask for.
pub const MAX_HIDDEN_LAYERS: usize = 8;
/// Widest hidden layer a config may ask for.
pub const MAX_WIDTH: usize = 4096;
/// Largest batch a config may ask for.
pub const MAX_BATCH_SIZE: usize = 8192;
/// Largest learning rate accepted; anything above it diverges on this problem at once.
pub const MAX_LEARNING_RATE: f32 = 10.0;
/// Longest schedule a config may ask for, in epochs.
pub const MAX_EPOCHS: u32 = 1000;
/// Largest weight decay accepted; above it the decay outweighs what the data teaches.
pub const MAX_WEIGHT_DECAY: f32 = 0.1;
/// Largest standard deviation accepted for the normal initializer. N(0, 1) already shows what
/// goes wrong without scaling by fan-in, and far larger values overflow weights to infinity.
pub const MAX_NORMAL_STD: f32 = 100.0;
/// Smallest image side the network may see.
pub const MIN_INPUT_SIZE: usize = 4;
/// Largest image side the network may see: MNIST's own 28.
pub const MAX_INPUT_SIZE: usize = 28;

/// The function between hidden layers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ActivationKind {
    /// `max(x, 0)`: the default, and the one He initialization is derived for.
    #[default]
    Relu,
    /// `tanh(x)`: zero-centred and saturating, the case Glorot initialization is derived for.
    Tanh,
    /// `1 / (1 + e^−x)`: saturating and not zero-centred, so deep stacks learn slowly.
    Sigmoid,
}

impl ActivationKind {
    /// Parses the names used in the JavaScript config: `relu`, `tanh`, `sigmoid`.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "relu" => Ok(Self::Relu),
            "tanh" => Ok(Self::Tanh),
            "sigmoid" => Ok(Self::Sigmoid),
            other => Err(Error::new(format!(
                "activation: unknown name {other:?}; expected \"relu\", \"tanh\" or \"sigmoid\""
            ))),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Relu => "relu",
            Self::Tanh => "tanh",
            Self::Sigmoid => "sigmoid",
        }
    }
}

/// Learning-rate schedule over the configured epochs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Schedule {
    /// Linear warm-up over the first half epoch, then a cosine decay to 1 % of the learning
    /// rate at the end of the configured epochs, where it stays.
    #[default]
    Cosine,
    /// The learning rate throughout.
    Constant,
}

impl Schedule {
    /// Parses the names used in the JavaScript config: `cosine`, `constant`.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "cosine" => Ok(Self::Cosine),
            "constant" => Ok(Self::Constant),
            other => Err(Error::new(format!(
                "schedule: unknown name {other:?}; expected \"cosine\" or \"constant\""
            ))),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Cosine => "cosine",
            Self::Constant => "constant",
        }
    }

    /// Returns the factor applied to the learning rate at `step` of `total_steps`, with
    /// `warmup_steps` of linear warm-up first.
    pub fn factor(&self, step: u64, warmup_steps: u64, total_steps: u64) -> f32 {
        const FLOOR: f64 = 0.01;
        match self {
            Self::Constant => 1.0,
            Self::Cosine => {
                if step < warmup_steps {
                    return ((step + 1) as f64 / warmup_steps as f64) as f32;
                }
                if step >= total_steps || total_steps <= warmup_steps {
                    return FLOOR as f32;
                }
                let progress = (step - warmup_steps) as f64 / (total_steps - warmup_steps) as f64;
                let cosine = 0.5 * (1.0 + (std::f64::consts::PI * progress).cos());
                (FLOOR + (1.0 - FLOOR) * cosine) as f32
            }
        }
    }
}

/// Training settings. Every field has a default; `validate` checks ranges.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Width of each hidden layer, first to last.
    pub hidden: Vec<usize>,
    /// Function after each hidden dense layer.
    pub activation: ActivationKind,
    pub initializer: Initializer,
    pub optimizer: OptimizerKind,
    /// Peak step size; `None` means the optimizer's default (Adam 0.001, SGD 0.05).
    pub learning_rate: Option<f32>,
    /// Momentum of SGD, in [0, 1); Adam ignores it.
    pub momentum: f32,
    /// Samples per mini-batch.
    pub batch_size: usize,
    /// Seed of every random draw: weights, shuffling and distortions.
    pub seed: u64,
    /// Whether each training image is randomly distorted at every step.
    pub augment: bool,
    /// Length of the learning-rate schedule, in epochs.
    pub epochs: u32,
    pub schedule: Schedule,
    /// Weight decay λ: AdamW's decoupled decay for Adam, an L2 penalty for SGD.
    pub weight_decay: f32,
    /// Side of the square images the network sees; every image is resized to it first.
    pub input_size: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            hidden: vec![256, 128],
            activation: ActivationKind::Relu,
            initializer: Initializer::GlorotUniform,
            optimizer: OptimizerKind::Adam,
            learning_rate: None,
            momentum: 0.9,
            batch_size: 64,
            seed: 0,
            augment: true,
            epochs: 30,
            schedule: Schedule::Cosine,
            weight_decay: 0.0,
            input_size: MAX_INPUT_SIZE,
        }
    }
}

impl Config {
    /// Returns the peak learning rate: the configured one or the optimizer's default.
    pub fn learning_rate(&self) -> f32 {
        self.learning_rate
            .unwrap_or_else(|| self.optimizer.default_learning_rate())
    }

    /// Checks every field's range and returns an error naming the first invalid one.
    pub fn validate(&self) -> Result<()> {
        if self.hidden.len() > MAX_HIDDEN_LAYERS {
            return Err(Error::new(format!(
                "hidden: {} layers is too many; expected at most {MAX_HIDDEN_LAYERS}",
                self.hidden.len()
            )));
        }
        if let Some(&width) = self.hidden.iter().find(|&&w| w == 0 || w > MAX_WIDTH) {
            return Err(Error::new(format!(
                "hidden: width {width} is out of range; expected 1 to {MAX_WIDTH}"
            )));
        }
        if let Initializer::Normal { std } = self.initializer {
            if !(std.is_finite() && (0.0..=MAX_NORMAL_STD).contains(&std)) {
                return Err(Error::new(format!(
                    "initializer: normal standard deviation {std} is out of range; expected 0 to {MAX_NORMAL_STD}, such as 1"
                )));
            }
        }
        if let Some(rate) = self.learning_rate {
            if !(rate.is_finite() && rate > 0.0 && rate <= MAX_LEARNING_RATE) {
                return Err(Error::new(format!(
                    "learningRate: {rate} is out of range; expected a number above 0 and at most {MAX_LEARNING_RATE}, such as 0.001"
                )));
            }
        }
        if !(self.momentum.is_finite() && (0.0..1.0).contains(&self.momentum)) {
            return Err(Error::new(format!(
                "momentum: {} is out of range; expected at least 0 and below 1, such as 0.9",
                self.momentum
            )));
        }
        if self.batch_size == 0 || self.batch_size > MAX_BATCH_SIZE {
            return Err(Error::new(format!(
                "batchSize: {} is out of range; expected 1 to {MAX_BATCH_SIZE}",
                self.batch_size
            )));
        }
        if self.epochs == 0 || self.epochs > MAX_EPOCHS {
            return Err(Error::new(format!(
                "epochs: {} is out of range; expected 1 to {MAX_EPOCHS}",
                self.epochs
            )));
        }
        if !(self.weight_decay.is_finite() && (0.0..=MAX_WEIGHT_DECAY).contains(&self.weight_decay))
        {
            return Err(Error::new(format!(
                "weightDecay: {} is out of range; expected 0 to {MAX_WEIGHT_DECAY}, such as 0.0001",
                self.weight_decay
            )));
        }
        if !(MIN_INPUT_SIZE..=MAX_INPUT_SIZE).contains(&self.input_size) {
            return Err(Error::new(format!(
                "inputSize: {} is out of range; expected {MIN_INPUT_SIZE} to {MAX_INPUT_SIZE}, such as 28, 20, 14 or 7",
                self.input_size
            )));
        }
        Ok(())
    }

    /// Returns the random distortions applied to training images, or `None` when off.
    pub fn distortions(&self) -> Option<crate::augment::Distortions> {
        self.augment.then(crate::augment::Distortions::default)
    }
}
