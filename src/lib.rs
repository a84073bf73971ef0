//! lazynet: a multilayer perceptron with deferred initialization, trained on MNIST digits,
//! natively or in a web page through WebAssembly.

pub mod augment;
pub mod checkpoint;
pub mod config;
pub mod data;
pub mod error;
pub mod init;
pub mod inspect;
pub mod layers;
pub mod loss;
pub mod model;
pub mod optim;
pub mod preprocess;
pub mod rng;
pub mod roofline;
pub mod train;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::{Error, Result};
pub use init::Initializer;
pub use model::Sequential;
pub use train::{Config, Trainer};
