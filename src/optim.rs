//! Optimizers: update parameters from their gradients.

use crate::error::{Error, Result};

/// Updates parameters in place from their gradients.
pub trait Optimizer {
    /// Applies one update. `parameters` lists each tensor beside its gradient, always in the same
    /// order and with the same sizes, so per-tensor state can be kept by position.
    fn step(&mut self, parameters: Vec<(&mut [f32], &[f32])>);

    fn learning_rate(&self) -> f32;

    /// Changes the step size for the following updates, as a learning-rate schedule does.
    fn set_learning_rate(&mut self, learning_rate: f32);
}

/// Matches per-tensor state to the parameter list, creating zeroed state on the first step.
fn state_for(state: &mut Vec<Vec<f32>>, index: usize, len: usize) -> &mut Vec<f32> {
    if state.len() <= index {
        state.resize_with(index + 1, Vec::new);
    }
    let slot = &mut state[index];
    if slot.len() != len {
        *slot = vec![0.0; len];
    }
    slot
}

/// Stochastic gradient descent with momentum: `v ← μ·v + g + λ·p`, `p ← p − η·v`, where λ is
/// the weight decay (an L2 penalty of λ/2·‖p‖²).
#[derive(Clone, Debug)]
pub struct Sgd {
    learning_rate: f32,
    momentum: f32,
    weight_decay: f32,
    velocity: Vec<Vec<f32>>,
}

impl Sgd {
    pub fn new(learning_rate: f32, momentum: f32) -> Self {
        Self {
            learning_rate,
            momentum,
            weight_decay: 0.0,
            velocity: Vec::new(),
        }
    }

    /// Sets the weight decay λ (0 turns it off).
    pub fn with_weight_decay(mut self, weight_decay: f32) -> Self {
        self.weight_decay = weight_decay;
        self
    }
}

impl Optimizer for Sgd {
    fn step(&mut self, parameters: Vec<(&mut [f32], &[f32])>) {
        for (index, (values, grads)) in parameters.into_iter().enumerate() {
            let velocity = state_for(&mut self.velocity, index, values.len());
            for ((p, &g), v) in values.iter_mut().zip(grads).zip(velocity.iter_mut()) {
                *v = self.momentum * *v + g + self.weight_decay * *p;
                *p -= self.learning_rate * *v;
            }
        }
    }

    fn learning_rate(&self) -> f32 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f32) {
        self.learning_rate = learning_rate;
    }
}

/// Adam (Kingma and Ba, 2015): per-parameter steps scaled by running moments of the gradient.
#[derive(Clone, Debug)]
pub struct Adam {
    learning_rate: f32,
    beta1: f32,
    beta2: f32,
    epsilon: f32,
    weight_decay: f32,
    steps: i32,
    first_moment: Vec<Vec<f32>>,
    second_moment: Vec<Vec<f32>>,
}

impl Adam {
    /// Creates Adam with the paper's defaults: β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
    pub fn new(learning_rate: f32) -> Self {
        Self {
            learning_rate,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            weight_decay: 0.0,
            steps: 0,
            first_moment: Vec::new(),
            second_moment: Vec::new(),
        }
    }
}

impl Adam {
    /// Sets the decoupled weight decay λ of AdamW (Loshchilov and Hutter, 2019): each step also
    /// shrinks every parameter by η·λ·p, apart from the gradient's moments. 0 turns it off.
    pub fn with_weight_decay(mut self, weight_decay: f32) -> Self {
        self.weight_decay = weight_decay;
        self
    }
}

impl Optimizer for Adam {
    fn step(&mut self, parameters: Vec<(&mut [f32], &[f32])>) {
        self.steps = self.steps.saturating_add(1);
        // Both bias corrections are folded into the step size, so the loop does one multiply
        // per moment: η·sqrt(1 − β₂ᵗ)/(1 − β₁ᵗ).
        let correction1 = 1.0 - self.beta1.powi(self.steps);
        let correction2 = 1.0 - self.beta2.powi(self.steps);
        let step_size = self.learning_rate * correction2.sqrt() / correction1;
        let epsilon = self.epsilon * correction2.sqrt();
        let (beta1, beta2) = (self.beta1, self.beta2);
        let decay = 1.0 - self.learning_rate * self.weight_decay;

        for (index, (values, grads)) in parameters.into_iter().enumerate() {
            let m = state_for(&mut self.first_moment, index, values.len());
            let v = state_for(&mut self.second_moment, index, values.len());
            for (((p, &g), m), v) in values
                .iter_mut()
                .zip(grads)
                .zip(m.iter_mut())
                .zip(v.iter_mut())
            {
                *m = beta1 * *m + (1.0 - beta1) * g;
                *v = beta2 * *v + (1.0 - beta2) * g * g;
                *p = decay * *p - step_size * *m / (v.sqrt() + epsilon);
            }
        }
    }

    fn learning_rate(&self) -> f32 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f32) {
        self.learning_rate = learning_rate;
    }
}

/// The optimizers the config can name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OptimizerKind {
    #[default]
    Adam,
    Sgd,
}

impl OptimizerKind {
    /// Parses the names used in the JavaScript config: `adam`, `sgd`.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "adam" => Ok(Self::Adam),
            "sgd" => Ok(Self::Sgd),
            other => Err(Error::new(format!(
                "optimizer: unknown name {other:?}; expected \"adam\" or \"sgd\""
            ))),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Adam => "adam",
            Self::Sgd => "sgd",
        }
    }

    /// Returns the learning rate used when the config gives none.
    pub fn default_learning_rate(&self) -> f32 {
        match self {
            Self::Adam => 0.001,
            Self::Sgd => 0.05,
        }
    }

    pub fn build(
        &self,
        learning_rate: f32,
        momentum: f32,
        weight_decay: f32,
    ) -> Box<dyn Optimizer> {
        match self {
            Self::Adam => Box::new(Adam::new(learning_rate).with_weight_decay(weight_decay)),
            Self::Sgd => {
                Box::new(Sgd::new(learning_rate, momentum).with_weight_decay(weight_decay))
            }
        }
    }
}
