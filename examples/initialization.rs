//! Prints what each initializer does to a network before any training: per layer, the spread
//! of the outputs, the share of dead or saturated units and the spread of the gradient, on
//! 256 bundled digits. The page's Initialization panel shows the same numbers.
//!
//!   cargo run --release --example initialization -- [relu|tanh|sigmoid] [widths...]
//!
//! For example `-- sigmoid 64 64 64 64` shows the gradient fading on its way back.

mod bundled;

use std::error::Error;

use lazynet::config::ActivationKind;
use lazynet::inspect::DEFAULT_STATS_IMAGES;
use lazynet::{Config, Initializer, Trainer};

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let activation = ActivationKind::from_name(&args.next().unwrap_or_else(|| "relu".into()))?;
    let hidden: Vec<usize> = args.map(|w| w.parse()).collect::<Result<_, _>>()?;
    let config = Config {
        activation,
        hidden: if hidden.is_empty() {
            Config::default().hidden
        } else {
            hidden
        },
        seed: 1,
        ..Config::default()
    };
    let (train, _) = bundled::splits()?;
    let mut trainer = Trainer::new(config)?;
    trainer.set_training_data(train)?;

    for initializer in [
        Initializer::GlorotUniform,
        Initializer::HeUniform,
        Initializer::Normal { std: 1.0 },
        Initializer::Zeros,
    ] {
        let stats = trainer.activation_stats(initializer, DEFAULT_STATS_IMAGES)?;
        println!(
            "\n{} — loss at initialization {:.3} (ln 10 = 2.303)",
            initializer.name(),
            stats.loss
        );
        println!(
            "{:<10} {:>12} {:>10} {:>8} {:>10} {:>14}",
            "layer", "output std", "mean", "dead", "inactive", "gradient std"
        );
        for layer in &stats.layers {
            let share =
                |value: Option<f64>| value.map_or("–".into(), |v| format!("{:.0} %", v * 100.0));
            println!(
                "{:<10} {:>12.4e} {:>10.3} {:>8} {:>10} {:>14.3e}",
                layer.name,
                layer.std,
                layer.mean,
                share(layer.dead),
                share(layer.inactive),
                layer.gradient_std
            );
        }
    }
    Ok(())
}
