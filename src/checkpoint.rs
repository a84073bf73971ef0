//! Model files: a trainer's config, step count and weights in a versioned binary format.
//!
//! Every number is little-endian. Floats are IEEE 754 `f32`, flags are one byte (0 or 1), and
//! `h` is the number of hidden layers. Offsets up to the layers are in bytes, with
//! `c = 20 + 4·h`:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic bytes `LAZYNET\0` |
//! | 8 | 4 | format version, `u32`, currently 2 |
//! | 12 | 4 | `inputSize`, `u32` |
//! | 16 | 4 | `h`, `u32` |
//! | 20 | 4·h | hidden widths, `u32` each, first to last |
//! | c | 1 | initializer: 0 `glorot_uniform`, 1 `he_uniform`, 2 `normal`, 3 `zeros` |
//! | c + 1 | 4 | standard deviation of `normal`, `f32`; 0 for the other initializers |
//! | c + 5 | 1 | optimizer: 0 `adam`, 1 `sgd` |
//! | c + 6 | 1 | learning rate set: 0 uses the optimizer's default, 1 the next field |
//! | c + 7 | 4 | learning rate, `f32`; 0 when not set |
//! | c + 11 | 4 | momentum, `f32` |
//! | c + 15 | 4 | batch size, `u32` |
//! | c + 19 | 8 | seed, `u64` |
//! | c + 27 | 1 | augment flag |
//! | c + 28 | 4 | epochs, `u32` |
//! | c + 32 | 1 | schedule: 0 `cosine`, 1 `constant` |
//! | c + 33 | 4 | weight decay, `f32` |
//! | c + 37 | 1 | activation: 0 `relu`, 1 `tanh`, 2 `sigmoid` |
//! | c + 38 | 8 | training steps taken, `u64` |
//! | c + 46 | 4 | dense layer count `d`, `u32`, always `h + 1` |
//! | c + 50 | … | `d` dense layers, first to last, as below |
//! | end − 4 | 4 | CRC-32 (IEEE, as in gzip and PNG) of every byte before it, `u32` |
//!
//! Each dense layer is written as:
//!
//! | size | field |
//! |---|---|
//! | 4 | input width `n`, `u32`; 0 when the layer has no weights yet |
//! | 4 | units `u`, `u32` |
//! | 4·n·u | weights, `f32`, row-major `n × u` (row `i` contains input `i`'s weights) |
//! | 4·u | biases, `f32`; absent when `n` is 0 |
//!
//! Version 1 files, written before the activation could be chosen, lack the activation byte
//! (every later offset is one less) and are read as `relu`.
//!
//! A model saved before its first batch has `n = 0` in every layer and no weights. A loaded
//! model then builds its weights on its first batch from the saved seed, as the original would.
//!
//! Loading checks the file in this order: magic bytes, version, that every declared length fits
//! in the file, no bytes after the checksum, the checksum, the config (with
//! [`Config::validate`]), the layer shapes, and that every weight is finite. The first failure
//! is returned as an [`Error`] that names it.

use ndarray::{Array1, Array2};

use crate::config::{ActivationKind, Config, Schedule};
use crate::error::{Error, Result};
use crate::init::Initializer;
use crate::layers::Layer;
use crate::model::Sequential;
use crate::optim::OptimizerKind;

/// First 8 bytes of every model file.
pub const MAGIC: [u8; 8] = *b"LAZYNET\0";
/// The format version this build writes. It also reads every earlier version.
pub const FORMAT_VERSION: u32 = 2;
/// The first version with the activation byte.
const ACTIVATION_VERSION: u32 = 2;
/// Largest step count accepted: 2⁵³ − 1, the largest integer a JavaScript number represents
/// exactly.
pub const MAX_STEP: u64 = (1 << 53) - 1;

/// Number of classes the last dense layer outputs.
const CLASSES: usize = crate::data::CLASSES;

/// The weight matrix and bias of one dense layer, or `None` for a layer without weights yet.
pub(crate) type LayerWeights = Option<(Array2<f32>, Array1<f32>)>;

/// The contents of a model file after every check has passed.
pub(crate) struct SavedModel {
    pub config: Config,
    pub step: u64,
    /// One entry per dense layer, first to last.
    pub layers: Vec<LayerWeights>,
}

/// Sets the weights of `model`'s dense layers to the saved ones. `model` must have been built from the
/// saved config, so that its dense layers match `layers` in number and units.
pub(crate) fn restore_weights(model: &mut Sequential, layers: Vec<LayerWeights>) -> Result<()> {
    let dense_layers = model
        .layers_mut()
        .iter_mut()
        .filter_map(Layer::as_dense_mut);
    for (dense, saved) in dense_layers.zip(layers) {
        if let Some((weight, bias)) = saved {
            dense.set_parameters(weight, bias)?;
        }
    }
    Ok(())
}

/// Writes a model file for `config`, `step` and the weights of `model`'s dense layers.
pub(crate) fn encode(config: &Config, step: u64, model: &Sequential) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    out.extend_from_slice(&MAGIC);
    put_u32(&mut out, FORMAT_VERSION);
    encode_config(&mut out, config)?;
    out.extend_from_slice(&step.to_le_bytes());

    let dense_layers: Vec<_> = model.layers().iter().filter_map(Layer::as_dense).collect();
    put_u32(&mut out, to_u32(dense_layers.len(), "dense layer count")?);
    for (index, dense) in dense_layers.iter().enumerate() {
        let name = format!("dense_{}", index + 1);
        let inputs = dense.inputs().unwrap_or(0);
        put_u32(&mut out, to_u32(inputs, &name)?);
        put_u32(&mut out, to_u32(dense.units(), &name)?);
        let (Some(weight), Some(bias)) = (dense.weight(), dense.bias()) else {
            continue;
        };
        // `iter` walks the matrix in logical row-major order whatever its memory layout.
        for (position, &value) in weight.iter().chain(bias.iter()).enumerate() {
            if !value.is_finite() {
                return Err(Error::new(format!(
                    "saveModel: {name} has the non-finite value {value} at parameter {position}; \
                     only a model with finite weights can be saved"
                )));
            }
            out.extend_from_slice(&value.to_le_bytes());
        }
    }

    let checksum = crc32(&out);
    put_u32(&mut out, checksum);
    Ok(out)
}

fn encode_config(out: &mut Vec<u8>, config: &Config) -> Result<()> {
    put_u32(out, to_u32(config.input_size, "inputSize")?);
    put_u32(out, to_u32(config.hidden.len(), "hidden")?);
    for &width in &config.hidden {
        put_u32(out, to_u32(width, "hidden")?);
    }
    let (initializer, std) = match config.initializer {
        Initializer::GlorotUniform => (0, 0.0),
        Initializer::HeUniform => (1, 0.0),
        Initializer::Normal { std } => (2, std),
        Initializer::Zeros => (3, 0.0),
    };
    out.push(initializer);
    put_f32(out, std);

    out.push(match config.optimizer {
        OptimizerKind::Adam => 0,
        OptimizerKind::Sgd => 1,
    });
    out.push(u8::from(config.learning_rate.is_some()));
    put_f32(out, config.learning_rate.unwrap_or(0.0));
    put_f32(out, config.momentum);

    put_u32(out, to_u32(config.batch_size, "batchSize")?);
    out.extend_from_slice(&config.seed.to_le_bytes());
    out.push(u8::from(config.augment));
    put_u32(out, config.epochs);
    out.push(match config.schedule {
        Schedule::Cosine => 0,
        Schedule::Constant => 1,
    });
    put_f32(out, config.weight_decay);
    out.push(match config.activation {
        ActivationKind::Relu => 0,
        ActivationKind::Tanh => 1,
        ActivationKind::Sigmoid => 2,
    });
    Ok(())
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_f32(out: &mut Vec<u8>, value: f32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn to_u32(value: usize, field: &str) -> Result<u32> {
    u32::try_from(value).map_err(|_| {
        Error::new(format!(
            "saveModel: {field} is {value}, too large for the model file's 32-bit field"
        ))
    })
}

/// Returns the CRC-32 (IEEE 802.3 polynomial, the checksum of gzip and PNG) of `bytes`.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}

/// The fields of a model file as stored, before their values are checked.
struct RawModel {
    input_size: u32,
    hidden: Vec<u32>,
    initializer: u8,
    initializer_std: f32,
    optimizer: u8,
    learning_rate_set: u8,
    learning_rate: f32,
    momentum: f32,
    batch_size: u32,
    seed: u64,
    augment: u8,
    epochs: u32,
    schedule: u8,
    weight_decay: f32,
    activation: u8,
    step: u64,
    layers: Vec<RawLayer>,
}

struct RawLayer {
    inputs: usize,
    units: usize,
    /// `inputs × units` values, row-major; empty when `inputs` is 0.
    weights: Vec<f32>,
    /// `units` values; empty when `inputs` is 0.
    biases: Vec<f32>,
}

/// Reads values from the front of a byte slice, checking each length before reading it.
struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.position
    }

    /// Takes the next `len` bytes, or returns a "truncated" error naming `field`.
    fn take(&mut self, len: usize, field: &str) -> Result<&'a [u8]> {
        if len > self.remaining() {
            return Err(Error::new(format!(
                "model file: truncated: reading {field} at byte {} takes {len} bytes, but only {} remain; \
                 the file is incomplete or damaged, so save or download it again",
                self.position,
                self.remaining()
            )));
        }
        let slice = &self.bytes[self.position..self.position + len];
        self.position += len;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self, field: &str) -> Result<[u8; N]> {
        let mut array = [0; N];
        array.copy_from_slice(self.take(N, field)?);
        Ok(array)
    }

    fn u8(&mut self, field: &str) -> Result<u8> {
        Ok(self.array::<1>(field)?[0])
    }

    fn u32(&mut self, field: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array(field)?))
    }

    fn u64(&mut self, field: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array(field)?))
    }

    fn f32(&mut self, field: &str) -> Result<f32> {
        Ok(f32::from_le_bytes(self.array(field)?))
    }

    /// Reads `count` values of 4 bytes. The byte length is checked against the rest of the file
    /// before anything is allocated, so a corrupt count cannot cause a huge allocation.
    fn f32s(&mut self, count: usize, field: &str) -> Result<Vec<f32>> {
        let bytes = self.take(byte_length(count, field)?, field)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    fn u32s(&mut self, count: usize, field: &str) -> Result<Vec<u32>> {
        let bytes = self.take(byte_length(count, field)?, field)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

/// Returns `4 · count`, or a "truncated" error when that overflows: no file can be that long.
fn byte_length(count: usize, field: &str) -> Result<usize> {
    count.checked_mul(4).ok_or_else(|| {
        Error::new(format!(
            "model file: truncated: {field} declares {count} values, more than any file can hold; \
             the file is damaged, so save or download it again"
        ))
    })
}

/// Checks a model file and returns its contents, or an error naming the first problem.
pub(crate) fn decode(bytes: &[u8]) -> Result<SavedModel> {
    let magic_len = bytes.len().min(MAGIC.len());
    if bytes[..magic_len] != MAGIC[..magic_len] {
        let start: String = bytes[..magic_len]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        return Err(Error::new(format!(
            "not a lazynet model file: it starts with the bytes {start} instead of \"LAZYNET\\0\"; \
             choose a file written by saveModel"
        )));
    }
    let mut reader = Reader { bytes, position: 0 };
    reader.take(MAGIC.len(), "the magic bytes")?;
    let version = reader.u32("the format version")?;
    if version > FORMAT_VERSION {
        return Err(Error::new(format!(
            "model file: made by a newer lazynet, format version {version}; this build reads version \
             {FORMAT_VERSION}, so update lazynet to load it"
        )));
    }
    if version == 0 {
        return Err(Error::new(format!(
            "model file: format version 0 is invalid; this build reads versions 1 to {FORMAT_VERSION}"
        )));
    }

    let raw = read_raw(&mut reader, version)?;
    let body_end = reader.position;
    let stored_checksum = reader.u32("the CRC-32 checksum")?;
    if reader.remaining() > 0 {
        return Err(Error::new(format!(
            "model file: {} unexpected bytes follow the checksum, which ends at byte {}; \
             the file is damaged or has other data appended, so save or download it again",
            reader.remaining(),
            reader.position
        )));
    }
    let checksum = crc32(&bytes[..body_end]);
    if checksum != stored_checksum {
        return Err(Error::new(format!(
            "model file: corrupt: its CRC-32 checksum is {stored_checksum:#010x} but its contents give \
             {checksum:#010x}; save or download the file again"
        )));
    }

    let config = config_from_raw(&raw)?;
    config
        .validate()
        .map_err(|e| Error::new(format!("model file: invalid config: {}", e.message())))?;
    if raw.step > MAX_STEP {
        return Err(Error::new(format!(
            "model file: step count {} is out of range; expected at most {MAX_STEP}",
            raw.step
        )));
    }
    let layers = check_layers(raw.layers, &config)?;
    Ok(SavedModel {
        config,
        step: raw.step,
        layers,
    })
}

fn read_raw(reader: &mut Reader, version: u32) -> Result<RawModel> {
    let input_size = reader.u32("inputSize")?;
    let hidden_count = reader.u32("the hidden layer count")?;
    let hidden = reader.u32s(hidden_count as usize, "the hidden widths")?;
    let initializer = reader.u8("the initializer")?;
    let initializer_std = reader.f32("the initializer's standard deviation")?;
    let optimizer = reader.u8("the optimizer")?;
    let learning_rate_set = reader.u8("the learning-rate flag")?;
    let learning_rate = reader.f32("learningRate")?;
    let momentum = reader.f32("momentum")?;
    let batch_size = reader.u32("batchSize")?;
    let seed = reader.u64("seed")?;
    let augment = reader.u8("augment")?;
    let epochs = reader.u32("epochs")?;
    let schedule = reader.u8("schedule")?;
    let weight_decay = reader.f32("weightDecay")?;
    let activation = if version >= ACTIVATION_VERSION {
        reader.u8("the activation")?
    } else {
        0
    };
    let step = reader.u64("the step count")?;

    let layer_count = reader.u32("the dense layer count")?;
    let mut layers = Vec::new();
    for index in 0..layer_count as usize {
        let name = format!("dense_{}", index + 1);
        let inputs = reader.u32(&format!("{name}'s input width"))? as usize;
        let units = reader.u32(&format!("{name}'s units"))? as usize;
        let (weights, biases) = if inputs == 0 {
            (Vec::new(), Vec::new())
        } else {
            let count = inputs.saturating_mul(units);
            (
                reader.f32s(count, &format!("{name}'s weights"))?,
                reader.f32s(units, &format!("{name}'s biases"))?,
            )
        };
        layers.push(RawLayer {
            inputs,
            units,
            weights,
            biases,
        });
    }
    Ok(RawModel {
        input_size,
        hidden,
        initializer,
        initializer_std,
        optimizer,
        learning_rate_set,
        learning_rate,
        momentum,
        batch_size,
        seed,
        augment,
        epochs,
        schedule,
        weight_decay,
        activation,
        step,
        layers,
    })
}

/// Turns the stored codes into a config; the ranges are left to [`Config::validate`].
fn config_from_raw(raw: &RawModel) -> Result<Config> {
    let initializer = match (raw.initializer, raw.initializer_std) {
        (0, std) if std.to_bits() == 0 => Initializer::GlorotUniform,
        (1, std) if std.to_bits() == 0 => Initializer::HeUniform,
        (2, std) => Initializer::Normal { std },
        (3, std) if std.to_bits() == 0 => Initializer::Zeros,
        (code @ 0..=3, std) => {
            return Err(Error::new(format!(
                "model file: invalid config: initializer code {code} stores the standard deviation {std}; \
                 expected 0, because only normal (code 2) has one"
            )))
        }
        (code, _) => return Err(unknown_code("initializer", code, "0 to 3")),
    };
    let optimizer = match raw.optimizer {
        0 => OptimizerKind::Adam,
        1 => OptimizerKind::Sgd,
        code => return Err(unknown_code("optimizer", code, "0 (adam) or 1 (sgd)")),
    };
    let learning_rate = match raw.learning_rate_set {
        0 if raw.learning_rate.to_bits() == 0 => None,
        0 => {
            return Err(Error::new(format!(
                "model file: invalid config: learning rate {} is stored although the flag says the default is used; \
                 expected 0",
                raw.learning_rate
            )))
        }
        1 => Some(raw.learning_rate),
        code => return Err(unknown_code("learning-rate flag", code, "0 or 1")),
    };
    let augment = match raw.augment {
        0 => false,
        1 => true,
        code => return Err(unknown_code("augment flag", code, "0 or 1")),
    };
    let schedule = match raw.schedule {
        0 => Schedule::Cosine,
        1 => Schedule::Constant,
        code => return Err(unknown_code("schedule", code, "0 (cosine) or 1 (constant)")),
    };
    let activation = match raw.activation {
        0 => ActivationKind::Relu,
        1 => ActivationKind::Tanh,
        2 => ActivationKind::Sigmoid,
        code => {
            return Err(unknown_code(
                "activation",
                code,
                "0 (relu), 1 (tanh) or 2 (sigmoid)",
            ))
        }
    };
    Ok(Config {
        hidden: raw.hidden.iter().map(|&w| w as usize).collect(),
        activation,
        initializer,
        optimizer,
        learning_rate,
        momentum: raw.momentum,
        batch_size: raw.batch_size as usize,
        seed: raw.seed,
        augment,
        epochs: raw.epochs,
        schedule,
        weight_decay: raw.weight_decay,
        input_size: raw.input_size as usize,
    })
}

fn unknown_code(field: &str, code: u8, expected: &str) -> Error {
    Error::new(format!(
        "model file: invalid config: {field} code {code} is unknown; expected {expected}"
    ))
}

/// Checks that the layers are those of `config`'s MLP and chain, then that every weight is
/// finite, and returns each layer's weights as matrices.
fn check_layers(layers: Vec<RawLayer>, config: &Config) -> Result<Vec<LayerWeights>> {
    let expected_units: Vec<usize> = config.hidden.iter().copied().chain([CLASSES]).collect();
    if layers.len() != expected_units.len() {
        return Err(Error::new(format!(
            "model file: {} dense layers stored, but the config's {} hidden widths give {}; \
             the file is inconsistent",
            layers.len(),
            config.hidden.len(),
            expected_units.len()
        )));
    }
    let built = layers[0].inputs > 0;
    let input_width = config.input_size * config.input_size;
    for (index, (layer, &units)) in layers.iter().zip(&expected_units).enumerate() {
        let name = format!("dense_{}", index + 1);
        if layer.units != units {
            return Err(Error::new(format!(
                "model file: {name} has {} units, but the config gives it {units}; the file is inconsistent",
                layer.units
            )));
        }
        if layer.inputs > 0 && !built {
            return Err(Error::new(format!(
                "model file: {name} has weights but dense_1 has none; expected every dense layer built or none"
            )));
        }
        if layer.inputs == 0 && built {
            return Err(Error::new(format!(
                "model file: {name} has no weights but dense_1 has; expected every dense layer built or none"
            )));
        }
        if !built {
            continue;
        }
        let expected_inputs = match index {
            0 => input_width,
            _ => expected_units[index - 1],
        };
        if layer.inputs != expected_inputs {
            let source = match index {
                0 => format!("inputSize {} gives {input_width}", config.input_size),
                _ => format!("dense_{index} outputs {expected_inputs}"),
            };
            return Err(Error::new(format!(
                "model file: {name} takes {} inputs, but {source}; the layer shapes do not chain",
                layer.inputs
            )));
        }
    }

    let mut result = Vec::with_capacity(layers.len());
    for (index, layer) in layers.into_iter().enumerate() {
        if !built {
            result.push(None);
            continue;
        }
        let name = format!("dense_{}", index + 1);
        for (kind, values) in [("weight", &layer.weights), ("bias", &layer.biases)] {
            if let Some(position) = values.iter().position(|v| !v.is_finite()) {
                return Err(Error::new(format!(
                    "model file: {name} has the non-finite {kind} {} at index {position}; \
                     a model with such weights cannot predict, so load another file",
                    values[position]
                )));
            }
        }
        let weight = Array2::from_shape_vec((layer.inputs, layer.units), layer.weights)
            .map_err(|e| Error::new(format!("model file: {name}'s weights: {e}")))?;
        result.push(Some((weight, Array1::from(layer.biases))));
    }
    Ok(result)
}
