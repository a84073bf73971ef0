//! The JavaScript API: the only file that uses wasm-bindgen.
//!
//! Every method returns `Result<_, JsError>`, so a core error becomes a thrown JavaScript
//! `Error` with the core's message, and the `Trainer` stays usable afterwards.

use std::sync::Once;

use js_sys::{Array, ArrayBuffer, Float32Array, Object, Reflect, Uint8Array, Uint8ClampedArray};
use wasm_bindgen::prelude::*;

use crate::config::{self, ActivationKind, Config, Schedule};
use crate::data::Dataset;
use crate::init::Initializer;
use crate::optim::OptimizerKind;
use crate::train;
use crate::Error;

const CONFIG_FIELDS: [&str; 13] = [
    "hidden",
    "activation",
    "initializer",
    "optimizer",
    "learningRate",
    "momentum",
    "batchSize",
    "seed",
    "augment",
    "epochs",
    "schedule",
    "weightDecay",
    "inputSize",
];

/// Reports a panic on the console before the module aborts. No input should reach a panic;
/// this makes one visible and debuggable if a bug does.
fn install_panic_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            web_sys::console::error_1(
                &format!("lazynet panicked, please report this: {info}").into(),
            );
        }));
    });
}

/// Installs the panic hook as soon as the module is instantiated, before any call.
#[wasm_bindgen(start)]
pub fn start() {
    install_panic_hook();
}

fn js_error(error: Error) -> JsError {
    JsError::new(error.message())
}

/// Describes a JavaScript value for an error message: strings quoted, arrays and objects by kind.
fn describe(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        format!("{text:?}")
    } else if let Some(number) = value.as_f64() {
        number.to_string()
    } else if Array::is_array(value) {
        "an array".to_string()
    } else if value.is_null() {
        "null".to_string()
    } else if value.is_object() {
        "an object".to_string()
    } else {
        value
            .js_typeof()
            .as_string()
            .unwrap_or_else(|| "an unknown value".to_string())
    }
}

fn config_error(field: &str, value: &JsValue, expected: &str) -> JsError {
    JsError::new(&format!(
        "{field}: invalid value {}; expected {expected}",
        describe(value)
    ))
}

/// Reads a whole number in `range` from a JavaScript number.
fn whole_number(field: &str, value: &JsValue, min: f64, max: f64) -> Result<f64, JsError> {
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && (min..=max).contains(&n) => Ok(n),
        _ => Err(config_error(
            field,
            value,
            &format!("a whole number from {min} to {max}"),
        )),
    }
}

fn string_field(field: &str, value: &JsValue, expected: &str) -> Result<String, JsError> {
    value
        .as_string()
        .ok_or_else(|| config_error(field, value, expected))
}

/// Reads the config object: every field optional, unknown fields and wrong types rejected.
fn parse_config(value: &JsValue) -> Result<Config, JsError> {
    let mut config = Config {
        seed: crate::rng::Rng::fresh_seed(),
        ..Config::default()
    };
    if value.is_undefined() || value.is_null() {
        return Ok(config);
    }
    if !value.is_object() || Array::is_array(value) {
        return Err(JsError::new(&format!(
            "config: invalid value {}; expected an object such as {{ hidden: [256, 128] }}",
            describe(value)
        )));
    }

    let object = Object::from(value.clone());
    for key in Object::keys(&object).iter() {
        let name = key.as_string().unwrap_or_default();
        let field = Reflect::get(&object, &key)
            .map_err(|_| JsError::new(&format!("config: cannot read field {name:?}")))?;
        if field.is_undefined() {
            continue;
        }
        match name.as_str() {
            "hidden" => {
                if !Array::is_array(&field) {
                    return Err(config_error(
                        "hidden",
                        &field,
                        "an array of layer widths such as [256, 128]",
                    ));
                }
                let mut widths = Vec::new();
                for width in Array::from(&field).iter() {
                    widths.push(
                        whole_number("hidden", &width, 1.0, train::MAX_WIDTH as f64)? as usize,
                    );
                }
                config.hidden = widths;
            }
            "activation" => {
                let text = string_field("activation", &field, "\"relu\", \"tanh\" or \"sigmoid\"")?;
                config.activation = ActivationKind::from_name(&text).map_err(js_error)?;
            }
            "initializer" => {
                let text = string_field(
                    "initializer",
                    &field,
                    "\"glorot_uniform\", \"he_uniform\", \"normal\" or \"zeros\"",
                )?;
                config.initializer = Initializer::from_name(&text).map_err(js_error)?;
            }
            "optimizer" => {
                let text = string_field("optimizer", &field, "\"adam\" or \"sgd\"")?;
                config.optimizer = OptimizerKind::from_name(&text).map_err(js_error)?;
            }
            "learningRate" => match field.as_f64() {
                Some(rate) => config.learning_rate = Some(rate as f32),
                None => {
                    return Err(config_error(
                        "learningRate",
                        &field,
                        "a number such as 0.001",
                    ))
                }
            },
            "momentum" => match field.as_f64() {
                Some(momentum) => config.momentum = momentum as f32,
                None => {
                    return Err(config_error(
                        "momentum",
                        &field,
                        "a number in [0, 1) such as 0.9",
                    ))
                }
            },
            "batchSize" => {
                config.batch_size =
                    whole_number("batchSize", &field, 1.0, train::MAX_BATCH_SIZE as f64)? as usize;
            }
            "seed" => {
                config.seed = whole_number("seed", &field, 0.0, crate::rng::MAX_SEED as f64)? as u64
            }
            "augment" => match field.as_bool() {
                Some(augment) => config.augment = augment,
                None => return Err(config_error("augment", &field, "true or false")),
            },
            "epochs" => {
                config.epochs =
                    whole_number("epochs", &field, 1.0, f64::from(config::MAX_EPOCHS))? as u32;
            }
            "schedule" => {
                let text = string_field("schedule", &field, "\"cosine\" or \"constant\"")?;
                config.schedule = Schedule::from_name(&text).map_err(js_error)?;
            }
            "weightDecay" => match field.as_f64() {
                Some(decay) => config.weight_decay = decay as f32,
                None => {
                    return Err(config_error(
                        "weightDecay",
                        &field,
                        "a number such as 0.0001",
                    ))
                }
            },
            "inputSize" => {
                let range = (config::MIN_INPUT_SIZE as f64, config::MAX_INPUT_SIZE as f64);
                config.input_size = whole_number("inputSize", &field, range.0, range.1)? as usize;
            }
            unknown => {
                return Err(JsError::new(&format!(
                    "config: unknown field {unknown:?}; expected one of {}",
                    CONFIG_FIELDS.join(", ")
                )));
            }
        }
    }
    config.validate().map_err(js_error)?;
    Ok(config)
}

/// Builds a plain JavaScript object from name–value pairs.
fn object(entries: &[(&str, JsValue)]) -> Result<JsValue, JsError> {
    let result = Object::new();
    for (name, value) in entries {
        Reflect::set(&result, &JsValue::from_str(name), value)
            .map_err(|_| JsError::new("cannot build a result object"))?;
    }
    Ok(result.into())
}

/// Returns the shortest decimal that reads back as `value`, so 0.001 stays 0.001 in JavaScript
/// rather than 0.0010000000474974513.
fn round_trip(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(f64::from(value))
}

fn optional_width(width: Option<usize>) -> JsValue {
    width.map_or(JsValue::NULL, |w| JsValue::from(w as u32))
}

/// Copies the bytes of a `Uint8Array`, `Uint8ClampedArray` or `ArrayBuffer` argument.
fn bytes(value: &JsValue, argument: &str) -> Result<Vec<u8>, JsError> {
    if let Some(array) = value.dyn_ref::<Uint8Array>() {
        Ok(array.to_vec())
    } else if let Some(array) = value.dyn_ref::<Uint8ClampedArray>() {
        Ok(array.to_vec())
    } else if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        Ok(Uint8Array::new(buffer).to_vec())
    } else {
        Err(JsError::new(&format!(
            "{argument}: invalid value {}; expected a Uint8Array or an ArrayBuffer",
            describe(value)
        )))
    }
}

// TypeScript shapes of the plain objects the API takes and returns. wasm-bindgen types them as
// `any` otherwise, since they are built field by field with `Reflect`.
#[wasm_bindgen(typescript_custom_section)]
const TYPESCRIPT_SHAPES: &str = r#"
/** The config the `Trainer` constructor takes; every field is optional. */
export interface TrainerConfig {
    hidden?: number[];
    activation?: "relu" | "tanh" | "sigmoid";
    initializer?: "glorot_uniform" | "he_uniform" | "normal" | "zeros";
    optimizer?: "adam" | "sgd";
    learningRate?: number;
    momentum?: number;
    batchSize?: number;
    seed?: number;
    augment?: boolean;
    epochs?: number;
    schedule?: "cosine" | "constant";
    weightDecay?: number;
    inputSize?: number;
}

/** The whole config in use, defaults filled in. */
export type FullTrainerConfig = Required<TrainerConfig>;

/** The image count and size of a file `loadTrainingData` or `loadTestData` read. */
export interface DataInfo {
    count: number;
    rows: number;
    cols: number;
}

/** Means over the batches of one `trainSteps` call. */
export interface StepMetrics {
    step: number;
    epoch: number;
    loss: number;
    accuracy: number;
    learningRate: number;
}

/** Results on the held-out split. */
export interface Evaluation {
    loss: number;
    accuracy: number;
    /** `confusion[true][predicted]` counts images. */
    confusion: number[][];
    predicted: Uint8Array;
    /** n × 10 softmax outputs, row-major. */
    probabilities: Float32Array;
}

/** A classified drawing and the inputSize² image the network received. */
export interface ImagePrediction {
    probabilities: Float32Array;
    input: Float32Array;
}

/** One layer of the model summary; widths are null until the first batch. */
export interface LayerSummary {
    name: string;
    inputs: number | null;
    outputs: number | null;
    params: number;
}

/** Held-out images as network inputs. */
export interface TestImages {
    side: number;
    pixels: Float32Array;
    labels: Uint8Array;
}

/** Statistics of one layer's outputs right after initialization. */
export interface LayerStats {
    name: string;
    kind: "dense" | "relu" | "tanh" | "sigmoid";
    mean: number;
    std: number;
    /** Fraction of units inactive on every image; null for dense layers. */
    dead: number | null;
    /** Fraction of all output values inactive; null for dense layers. */
    inactive: number | null;
    gradientStd: number;
}

/** The statistics `activationStats` reports for one initializer. */
export interface ActivationStats {
    initializer: string;
    loss: number;
    layers: LayerStats[];
}

/** The first dense layer's weights, one side × side image per unit, unit-major. */
export interface FirstLayerWeights {
    units: number;
    inputs: number;
    side: number;
    weights: Float32Array;
}
"#;

/// Reads a list of held-out indices from a `Uint32Array` or an array of whole numbers.
fn index_list(value: &JsValue) -> Result<Vec<usize>, JsError> {
    if let Some(array) = value.dyn_ref::<js_sys::Uint32Array>() {
        return Ok(array.to_vec().into_iter().map(|i| i as usize).collect());
    }
    if !Array::is_array(value) {
        return Err(JsError::new(&format!(
            "testImages: invalid value {}; expected a Uint32Array or an array of indices",
            describe(value)
        )));
    }
    Array::from(value)
        .iter()
        .map(|index| {
            whole_number("testImages: index", &index, 0.0, f64::from(u32::MAX)).map(|i| i as usize)
        })
        .collect()
}

/// A neural network with its training data, trained step by step from JavaScript.
#[wasm_bindgen]
pub struct Trainer {
    core: crate::Trainer,
}

impl Trainer {
    fn load(
        &mut self,
        images: &JsValue,
        labels: &JsValue,
        training: bool,
    ) -> Result<JsValue, JsError> {
        let (images, labels) = (bytes(images, "images")?, bytes(labels, "labels")?);
        let data = Dataset::from_idx_owned(images, &labels).map_err(js_error)?;
        let summary = [
            ("count", JsValue::from(data.len() as u32)),
            ("rows", JsValue::from(data.rows() as u32)),
            ("cols", JsValue::from(data.cols() as u32)),
        ];
        if training {
            self.core.set_training_data(data).map_err(js_error)?;
        } else {
            self.core.set_test_data(data).map_err(js_error)?;
        }
        object(&summary)
    }
}

#[wasm_bindgen]
impl Trainer {
    /// Creates a trainer from an optional config object whose fields are all optional.
    /// `hidden` lists the hidden widths (default `[256, 128]`). `activation` is `"relu"`,
    /// `"tanh"` or `"sigmoid"`. `initializer` is `"glorot_uniform"`, `"he_uniform"`,
    /// `"normal"` or `"zeros"`, and `optimizer` is `"adam"` or `"sgd"`. The numbers are
    /// `learningRate`, `momentum`, `batchSize` (64), `seed`, `epochs` (30), `weightDecay` (0)
    /// and `inputSize` (4 to 28). `augment` is a boolean (true), and `schedule` is
    /// `"cosine"` or `"constant"`. Without a seed, one is drawn at random. No layer has weights until
    /// the first batch fixes its input width.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "TrainerConfig")] config: Option<Object>,
    ) -> Result<Trainer, JsError> {
        install_panic_hook();
        let config = parse_config(&config.map_or(JsValue::UNDEFINED, JsValue::from))?;
        let core = crate::Trainer::new(config).map_err(js_error)?;
        Ok(Trainer { core })
    }

    /// Loads the training split from IDX bytes (gzip or raw, as a `Uint8Array` or an
    /// `ArrayBuffer`); returns `{ count, rows, cols }` of the file.
    #[wasm_bindgen(js_name = loadTrainingData, unchecked_return_type = "DataInfo")]
    pub fn load_training_data(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] images: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] labels: JsValue,
    ) -> Result<JsValue, JsError> {
        self.load(&images, &labels, true)
    }

    /// Loads the held-out split from IDX bytes (gzip or raw, as a `Uint8Array` or an
    /// `ArrayBuffer`); returns `{ count, rows, cols }` of the file.
    #[wasm_bindgen(js_name = loadTestData, unchecked_return_type = "DataInfo")]
    pub fn load_test_data(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] images: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] labels: JsValue,
    ) -> Result<JsValue, JsError> {
        self.load(&images, &labels, false)
    }

    /// Runs `n` mini-batches and returns `{ step, epoch, loss, accuracy, learningRate }`.
    /// `loss` and `accuracy` are means over those batches, and `learningRate` is the
    /// scheduled rate of the last one.
    #[wasm_bindgen(js_name = trainSteps, unchecked_return_type = "StepMetrics")]
    pub fn train_steps(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
    ) -> Result<JsValue, JsError> {
        let steps = n
            .as_f64()
            .filter(|s| s.fract() == 0.0 && (1.0..=1_000_000.0).contains(s))
            .ok_or_else(|| {
                JsError::new(&format!(
                    "trainSteps: invalid step count {}; expected a whole number from 1 to 1000000",
                    describe(&n)
                ))
            })?;
        let metrics = self.core.train_steps(steps as u32).map_err(js_error)?;
        object(&[
            ("step", JsValue::from(metrics.step as f64)),
            ("epoch", JsValue::from(metrics.epoch)),
            ("loss", JsValue::from(metrics.loss)),
            ("accuracy", JsValue::from(metrics.accuracy)),
            ("learningRate", JsValue::from(metrics.learning_rate)),
        ])
    }

    /// Evaluates on the held-out split and returns `{ loss, accuracy, confusion, predicted,
    /// probabilities }`. `confusion[true][predicted]` counts images. `predicted` is a
    /// `Uint8Array` with each image's predicted class, in file order. `probabilities` is a
    /// `Float32Array` of n × 10 softmax outputs.
    #[wasm_bindgen(unchecked_return_type = "Evaluation")]
    pub fn evaluate(&mut self) -> Result<JsValue, JsError> {
        let evaluation = self.core.evaluate().map_err(js_error)?;
        let confusion: Array = evaluation
            .confusion
            .iter()
            .map(|row| {
                row.iter()
                    .map(|&count| JsValue::from(count))
                    .collect::<Array>()
            })
            .collect();
        object(&[
            ("loss", JsValue::from(evaluation.loss)),
            ("accuracy", JsValue::from(evaluation.accuracy)),
            ("confusion", confusion.into()),
            (
                "predicted",
                Uint8Array::from(evaluation.predicted.as_slice()).into(),
            ),
            (
                "probabilities",
                Float32Array::from(evaluation.probabilities.as_slice()).into(),
            ),
        ])
    }

    /// Returns held-out images as network inputs: `{ side, pixels, labels }` with
    /// `pixels` a `Float32Array` of k × side × side values in [0, 1] and `labels` a
    /// `Uint8Array`, for `indices` (a `Uint32Array` or an array of whole numbers).
    #[wasm_bindgen(js_name = testImages, unchecked_return_type = "TestImages")]
    pub fn test_images(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint32Array | number[]")] indices: JsValue,
    ) -> Result<JsValue, JsError> {
        let indices = index_list(&indices)?;
        let (pixels, labels) = self.core.test_images(&indices).map_err(js_error)?;
        let side = self.core.test_data().map_or(0, |data| data.cols()) as u32;
        object(&[
            ("side", JsValue::from(side)),
            ("pixels", Float32Array::from(pixels.as_slice()).into()),
            ("labels", Uint8Array::from(labels.as_slice()).into()),
        ])
    }

    /// Returns the labels of the held-out split as a `Uint8Array`, in file order, or
    /// `undefined` before `loadTestData`.
    #[wasm_bindgen(getter, js_name = testLabels)]
    pub fn test_labels(&self) -> Option<Uint8Array> {
        self.core
            .test_data()
            .map(|data| Uint8Array::from(data.labels()))
    }

    /// Shows what initialization does to this architecture. It builds a fresh copy
    /// initialized with `initializer` (`"glorot_uniform"`, `"he_uniform"`, `"normal"` for
    /// N(0, 1) or `"zeros"`) and passes the first `count` training images (default 256, at
    /// most 4096) forward and back once. It returns `{ initializer, loss, layers }`, where
    /// `loss` is the cross-entropy at initialization: ln 10 ≈ 2.30 is healthy. Each entry of
    /// `layers` is `{ name, kind, mean, std, dead, inactive, gradientStd }` for one layer's
    /// outputs. `dead` is the fraction of units inactive on every image. `inactive` is the
    /// fraction of all output values inactive: a ReLU's zeros, a saturated tanh or sigmoid.
    /// Both are null for dense layers. `gradientStd` is the standard deviation of the loss
    /// gradient at that output. The trainer's own model does not change.
    #[wasm_bindgen(js_name = activationStats, unchecked_return_type = "ActivationStats")]
    pub fn activation_stats(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "\"glorot_uniform\" | \"he_uniform\" | \"normal\" | \"zeros\""
        )]
        initializer: JsValue,
        count: Option<js_sys::Number>,
    ) -> Result<JsValue, JsError> {
        let count = count.map_or(JsValue::UNDEFINED, JsValue::from);
        let name = string_field(
            "activationStats: initializer",
            &initializer,
            "\"glorot_uniform\", \"he_uniform\", \"normal\" or \"zeros\"",
        )?;
        let initializer = Initializer::from_name(&name)
            .map_err(|e| JsError::new(&format!("activationStats: {}", e.message())))?;
        let count = if count.is_undefined() {
            crate::inspect::DEFAULT_STATS_IMAGES
        } else {
            let limit = crate::inspect::MAX_STATS_IMAGES as f64;
            whole_number("activationStats: count", &count, 1.0, limit)? as usize
        };
        let stats = self
            .core
            .activation_stats(initializer, count)
            .map_err(js_error)?;
        let layers: Array = stats
            .layers
            .iter()
            .map(|layer| {
                object(&[
                    ("name", JsValue::from_str(&layer.name)),
                    ("kind", JsValue::from_str(layer.kind)),
                    ("mean", JsValue::from(layer.mean)),
                    ("std", JsValue::from(layer.std)),
                    ("dead", layer.dead.map_or(JsValue::NULL, JsValue::from)),
                    (
                        "inactive",
                        layer.inactive.map_or(JsValue::NULL, JsValue::from),
                    ),
                    ("gradientStd", JsValue::from(layer.gradient_std)),
                ])
            })
            .collect::<Result<_, _>>()?;
        object(&[
            ("initializer", JsValue::from_str(stats.initializer.name())),
            ("loss", JsValue::from(stats.loss)),
            ("layers", layers.into()),
        ])
    }

    /// Returns the first dense layer's weights, one image per hidden unit:
    /// `{ units, inputs, side, weights }` with `weights` a `Float32Array` of units × inputs,
    /// row `u` holding unit `u`'s incoming weights as a side × side image. Returns `null`
    /// before the first batch, while the layer has no weights yet.
    #[wasm_bindgen(
        js_name = firstLayerWeights,
        unchecked_return_type = "FirstLayerWeights | null"
    )]
    pub fn first_layer_weights(&self) -> Result<JsValue, JsError> {
        let Some(weights) = self.core.first_layer_weights() else {
            return Ok(JsValue::NULL);
        };
        object(&[
            ("units", JsValue::from(weights.units as u32)),
            ("inputs", JsValue::from(weights.inputs as u32)),
            ("side", JsValue::from(weights.side as u32)),
            (
                "weights",
                Float32Array::from(weights.weights.as_slice()).into(),
            ),
        ])
    }

    /// Returns `k × 10` probabilities for `k × inputSize²` pixel values in [0, 1].
    pub fn predict(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Float32Array")] pixels: JsValue,
    ) -> Result<Float32Array, JsError> {
        let Some(pixels) = pixels.dyn_ref::<Float32Array>() else {
            return Err(JsError::new(&format!(
                "predict: invalid value {}; expected a Float32Array of pixel values in [0, 1]",
                describe(&pixels)
            )));
        };
        let probabilities = self.core.predict(&pixels.to_vec()).map_err(js_error)?;
        Ok(Float32Array::from(probabilities.as_slice()))
    }

    /// Classifies a canvas image (RGBA bytes of any size, or an `ImageData`); returns
    /// `{ probabilities, input }` with the preprocessed `inputSize`² input, or `null` when
    /// nothing is drawn.
    #[wasm_bindgen(js_name = predictImage, unchecked_return_type = "ImagePrediction | null")]
    pub fn predict_image(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8ClampedArray | Uint8Array | ImageData")]
        rgba: JsValue,
        width: Option<js_sys::Number>,
        height: Option<js_sys::Number>,
    ) -> Result<JsValue, JsError> {
        // The Number types only shape the TypeScript signature: nothing checks them, so the
        // values are read like any other.
        let optional =
            |value: Option<js_sys::Number>| value.map_or(JsValue::UNDEFINED, JsValue::from);
        let (width, height) = (optional(width), optional(height));
        // An ImageData carries its own size.
        let data = Reflect::get(&rgba, &JsValue::from_str("data")).unwrap_or(JsValue::UNDEFINED);
        let (rgba, width, height) = if rgba.is_object() && !data.is_undefined() {
            let field = |name: &str| {
                Reflect::get(&rgba, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
            };
            (data, field("width"), field("height"))
        } else {
            (rgba, width, height)
        };
        let rgba = bytes(&rgba, "predictImage: rgba")?;
        let limit = crate::preprocess::MAX_PIXELS as f64;
        let width = whole_number("predictImage: width", &width, 1.0, limit)? as usize;
        let height = whole_number("predictImage: height", &height, 1.0, limit)? as usize;
        let Some(prediction) = self
            .core
            .predict_image(&rgba, width, height)
            .map_err(js_error)?
        else {
            return Ok(JsValue::NULL);
        };
        object(&[
            (
                "probabilities",
                Float32Array::from(prediction.probabilities.as_slice()).into(),
            ),
            (
                "input",
                Float32Array::from(prediction.input.as_slice()).into(),
            ),
        ])
    }

    /// Describes each layer: `{ name, inputs, outputs, params }`, widths `null` until known.
    #[wasm_bindgen(unchecked_return_type = "LayerSummary[]")]
    pub fn summary(&self) -> Result<Array, JsError> {
        self.core
            .summary()
            .into_iter()
            .map(|layer| {
                object(&[
                    ("name", JsValue::from_str(&layer.name)),
                    ("inputs", optional_width(layer.inputs)),
                    ("outputs", optional_width(layer.outputs)),
                    ("params", JsValue::from(layer.params as u32)),
                ])
            })
            .collect()
    }

    /// Returns the number of training steps taken, counting those before `saveModel` for a
    /// trainer from `loadModel`.
    #[wasm_bindgen(getter)]
    pub fn step(&self) -> f64 {
        self.core.step() as f64
    }

    /// Returns the seed in use, so the run can be repeated.
    #[wasm_bindgen(getter)]
    pub fn seed(&self) -> f64 {
        self.core.config().seed as f64
    }

    /// Returns the steps of the learning-rate schedule, or `undefined` before training data is
    /// loaded.
    #[wasm_bindgen(getter, js_name = scheduleSteps)]
    pub fn schedule_steps(&self) -> Option<f64> {
        self.core.schedule_steps().map(|steps| steps as f64)
    }

    /// Returns the whole config in use, defaults filled in, in the constructor's field names.
    #[wasm_bindgen(getter, unchecked_return_type = "FullTrainerConfig")]
    pub fn config(&self) -> Result<JsValue, JsError> {
        let config = self.core.config();
        let hidden: Array = config
            .hidden
            .iter()
            .map(|&w| JsValue::from(w as u32))
            .collect();
        object(&[
            ("hidden", hidden.into()),
            ("activation", JsValue::from_str(config.activation.name())),
            ("initializer", JsValue::from_str(config.initializer.name())),
            ("optimizer", JsValue::from_str(config.optimizer.name())),
            ("learningRate", JsValue::from(self.learning_rate())),
            ("momentum", JsValue::from(round_trip(config.momentum))),
            ("batchSize", JsValue::from(config.batch_size as u32)),
            ("seed", JsValue::from(config.seed as f64)),
            ("augment", JsValue::from(config.augment)),
            ("epochs", JsValue::from(config.epochs)),
            ("schedule", JsValue::from_str(config.schedule.name())),
            (
                "weightDecay",
                JsValue::from(round_trip(config.weight_decay)),
            ),
            ("inputSize", JsValue::from(config.input_size as u32)),
        ])
    }

    /// Returns the learning rate in use.
    #[wasm_bindgen(getter, js_name = learningRate)]
    pub fn learning_rate(&self) -> f64 {
        round_trip(self.core.config().learning_rate())
    }

    /// Returns a model file: the config, the step count and every weight, without the data or
    /// the optimizer state. `Trainer.loadModel` reads it back.
    #[wasm_bindgen(js_name = saveModel)]
    pub fn save_model(&self) -> Result<Uint8Array, JsError> {
        let file = self.core.save_model().map_err(js_error)?;
        Ok(Uint8Array::from(file.as_slice()))
    }

    /// Creates a trainer from a model file written by `saveModel` (a `Uint8Array` or an
    /// `ArrayBuffer`), with that config, step count and weights, and no data. Training can go
    /// on after `loadTrainingData`, with the optimizer state starting fresh.
    #[wasm_bindgen(js_name = loadModel)]
    pub fn load_model(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] file: JsValue,
    ) -> Result<Trainer, JsError> {
        install_panic_hook();
        let file = bytes(&file, "loadModel")?;
        let core = crate::Trainer::load_model(&file).map_err(js_error)?;
        Ok(Trainer { core })
    }
}

// ---------------------------------------------------------------------------------------------
// Benchmark support. The page does not use this: `bench/` calls it to measure how fast the
// matrix products of training alone can run in this build, the ceiling for `trainSteps`.
// ---------------------------------------------------------------------------------------------

/// Runs the matrix products of `steps` training steps of the standard model
/// (784 → 256 → 128 → 10 at batch 64) and nothing else, and returns a checksum of the results.
/// That is `FLOPS_PER_STEP` (64,454,656) floating-point operations per step.
#[wasm_bindgen(js_name = benchmarkMatrixProducts)]
pub fn benchmark_matrix_products(steps: u32) -> f64 {
    let mut products = crate::roofline::MatrixProducts::new();
    for _ in 0..steps {
        products.step();
    }
    products.checksum()
}
