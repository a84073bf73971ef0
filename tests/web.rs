//! The JavaScript API in a real browser: wasm-pack test --headless --chrome.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Float32Array, Reflect, Uint8Array};
use lazynet::web::Trainer;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const TRAIN_IMAGES: &[u8] = include_bytes!("../www/data/train-images.idx3-ubyte.gz");
const TRAIN_LABELS: &[u8] = include_bytes!("../www/data/train-labels.idx1-ubyte.gz");
const TEST_IMAGES: &[u8] = include_bytes!("../www/data/test-images.idx3-ubyte.gz");
const TEST_LABELS: &[u8] = include_bytes!("../www/data/test-labels.idx1-ubyte.gz");

fn get(object: &JsValue, field: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(field)).expect("field readable")
}

fn number(object: &JsValue, field: &str) -> f64 {
    get(object, field)
        .as_f64()
        .unwrap_or_else(|| panic!("{field} is not a number"))
}

/// Parses `json` for the constructor, which takes any value the way JavaScript can pass it.
fn config(json: &str) -> Option<js_sys::Object> {
    Some(
        js_sys::JSON::parse(json)
            .expect("valid JSON")
            .unchecked_into(),
    )
}

/// Passes `value` where the API declares an optional number, unchecked as from JavaScript.
fn optional_number(value: impl Into<JsValue>) -> Option<js_sys::Number> {
    let value: JsValue = value.into();
    if value.is_undefined() {
        None
    } else {
        Some(value.unchecked_into())
    }
}

fn error_message(error: wasm_bindgen::JsError) -> String {
    let value: JsValue = error.into();
    let error: js_sys::Error = value.dyn_into().expect("a JavaScript Error");
    String::from(error.message())
}

fn bytes(data: &[u8]) -> JsValue {
    Uint8Array::from(data).into()
}

fn floats(data: &[f32]) -> JsValue {
    Float32Array::from(data).into()
}

fn loaded_trainer(json: &str) -> Trainer {
    let mut trainer = Trainer::new(config(json)).expect("valid config");
    trainer
        .load_training_data(bytes(TRAIN_IMAGES), bytes(TRAIN_LABELS))
        .expect("bundled training data loads");
    trainer
        .load_test_data(bytes(TEST_IMAGES), bytes(TEST_LABELS))
        .expect("bundled test data loads");
    trainer
}

#[wasm_bindgen_test]
fn summary_unknown_until_first_batch() {
    let mut trainer = loaded_trainer(r#"{"seed": 3}"#);
    let before = trainer.summary().expect("summary");
    assert_eq!(before.length(), 5);
    for layer in before.iter() {
        assert!(get(&layer, "inputs").is_null());
    }
    assert_eq!(get(&before.get(0), "params").as_f64(), Some(0.0));

    trainer.train_steps(JsValue::from(1)).expect("one step");

    let after = trainer.summary().expect("summary");
    let widths: Vec<f64> = after.iter().map(|layer| number(&layer, "inputs")).collect();
    assert_eq!(widths, vec![784.0, 256.0, 256.0, 128.0, 128.0]);
    let params: Vec<f64> = after.iter().map(|layer| number(&layer, "params")).collect();
    assert_eq!(params, vec![200_960.0, 0.0, 32_896.0, 0.0, 1_290.0]);
    assert_eq!(
        get(&after.get(0), "name").as_string().as_deref(),
        Some("dense_1")
    );
}

#[wasm_bindgen_test]
fn load_returns_counts_and_size() {
    let mut trainer = Trainer::new(None).expect("default config");
    let train = trainer
        .load_training_data(bytes(TRAIN_IMAGES), bytes(TRAIN_LABELS))
        .expect("training data");
    assert_eq!(number(&train, "count"), 9000.0);
    assert_eq!(number(&train, "rows"), 28.0);
    assert_eq!(number(&train, "cols"), 28.0);
    let test = trainer
        .load_test_data(bytes(TEST_IMAGES), bytes(TEST_LABELS))
        .expect("test data");
    assert_eq!(number(&test, "count"), 1000.0);
}

#[wasm_bindgen_test]
fn training_round_trip() {
    let mut trainer = loaded_trainer(r#"{"seed": 1, "hidden": [64], "augment": false}"#);

    let metrics = trainer.train_steps(JsValue::from(140)).expect("training");
    assert_eq!(number(&metrics, "step"), 140.0);
    let epoch = number(&metrics, "epoch");
    assert!(
        (epoch - 140.0 * 64.0 / 9000.0).abs() < 1e-9,
        "epoch {epoch}"
    );
    assert!(number(&metrics, "loss").is_finite());

    let evaluation = trainer.evaluate().expect("evaluation");
    let accuracy = number(&evaluation, "accuracy");
    assert!(accuracy >= 0.85, "held-out accuracy {accuracy}");
    let confusion = Array::from(&get(&evaluation, "confusion"));
    assert_eq!(confusion.length(), 10);
    for row in confusion.iter() {
        let total: f64 = Array::from(&row)
            .iter()
            .map(|c| c.as_f64().unwrap_or(f64::NAN))
            .sum();
        assert_eq!(total, 100.0);
    }

    let probabilities = trainer.predict(floats(&[0.0; 2 * 784])).expect("predict");
    assert_eq!(probabilities.length(), 20);
    let sum: f32 = probabilities.to_vec()[..10].iter().sum();
    assert!((sum - 1.0).abs() < 1e-5, "probabilities sum to {sum}");
}

#[wasm_bindgen_test]
fn predict_works_before_training() {
    let mut trainer = Trainer::new(config(r#"{"seed": 5}"#)).expect("config");
    let probabilities = trainer
        .predict(floats(&[0.5; 784]))
        .expect("predict initializes lazily");
    assert_eq!(probabilities.length(), 10);
    assert_eq!(
        number(&trainer.summary().expect("summary").get(0), "inputs"),
        784.0
    );
}

#[wasm_bindgen_test]
fn predict_image_returns_input() {
    let mut trainer = Trainer::new(config(r#"{"seed": 5}"#)).expect("config");
    let (width, height) = (100u32, 80u32);
    let mut rgba = vec![255u8; (width * height * 4) as usize];
    for y in 20..60 {
        for x in 45..52 {
            let at = ((y * width + x) * 4) as usize;
            rgba[at..at + 3].fill(0);
        }
    }
    let result = trainer
        .predict_image(
            bytes(&rgba),
            optional_number(width),
            optional_number(height),
        )
        .expect("predictImage");
    let probabilities: Float32Array = get(&result, "probabilities")
        .dyn_into()
        .expect("Float32Array");
    let input: Float32Array = get(&result, "input").dyn_into().expect("Float32Array");
    assert_eq!(probabilities.length(), 10);
    assert_eq!(input.length(), 784);

    let blank = vec![255u8; (width * height * 4) as usize];
    assert!(trainer
        .predict_image(
            bytes(&blank),
            optional_number(width),
            optional_number(height)
        )
        .expect("blank canvas")
        .is_null());
}

#[wasm_bindgen_test]
fn invalid_config_names_field() {
    let cases = [
        (r#"{"batchSize": 0}"#, "batchSize"),
        (r#"{"learningRate": -1}"#, "learningRate"),
        (r#"{"hidden": [0]}"#, "hidden"),
        (r#"{"hidden": "256"}"#, "hidden"),
        (r#"{"optimizer": "rmsprop"}"#, "rmsprop"),
        (r#"{"initializer": "ones"}"#, "ones"),
        (r#"{"batchsize": 32}"#, "batchsize"),
        (r#"{"seed": 1.5}"#, "seed"),
    ];
    for (json, expected) in cases {
        let Err(error) = Trainer::new(config(json)) else {
            panic!("{json} was accepted");
        };
        let message = error_message(error);
        assert!(
            message.contains(expected),
            "{json}: message {message:?} does not name {expected}"
        );
    }
}

#[wasm_bindgen_test]
fn errors_leave_trainer_usable() {
    let mut trainer = loaded_trainer(r#"{"seed": 2, "hidden": [32]}"#);

    let message = error_message(
        trainer
            .predict(floats(&[0.0; 10]))
            .expect_err("10 values are not a sample"),
    );
    assert!(message.contains("784"), "{message}");
    let message = error_message(
        trainer
            .load_training_data(bytes(&TRAIN_LABELS[..100]), bytes(TRAIN_LABELS))
            .expect_err("corrupt data"),
    );
    assert!(message.contains("gzip"), "{message}");
    let message = error_message(
        trainer
            .predict_image(bytes(&[0; 12]), optional_number(2), optional_number(2))
            .expect_err("short buffer"),
    );
    assert!(message.contains("2×2"), "{message}");
    let message = error_message(
        trainer
            .train_steps(JsValue::from(-1))
            .expect_err("negative steps"),
    );
    assert!(message.contains("-1"), "{message}");

    let metrics = trainer
        .train_steps(JsValue::from(5))
        .expect("training still works");
    assert_eq!(number(&metrics, "step"), 5.0);
}

#[wasm_bindgen_test]
fn same_seed_same_run() {
    let run = || {
        let mut trainer = loaded_trainer(r#"{"seed": 11, "hidden": [32]}"#);
        let metrics = trainer.train_steps(JsValue::from(20)).expect("training");
        (number(&metrics, "loss"), trainer.seed())
    };
    assert_eq!(run(), run());
}

#[wasm_bindgen_test]
fn bad_arguments_named_in_errors() {
    let mut trainer = Trainer::new(config(r#"{"seed": 4}"#)).expect("config");

    let message = error_message(
        trainer
            .load_training_data(JsValue::NULL, JsValue::NULL)
            .expect_err("null"),
    );
    assert!(message.contains("images"), "{message}");
    assert!(message.contains("Uint8Array"), "{message}");
    let message = error_message(
        trainer
            .predict(JsValue::from_str("pixels"))
            .expect_err("a string"),
    );
    assert!(message.contains("Float32Array"), "{message}");
    let message = error_message(
        trainer
            .predict(floats(&[255.0; 784]))
            .expect_err("byte values"),
    );
    assert!(message.contains("255"), "{message}");
    let rgba = bytes(&[255; 16]);
    let message = error_message(
        trainer
            .predict_image(rgba.clone(), optional_number(-1), optional_number(4))
            .expect_err("negative width"),
    );
    assert!(message.contains("width"), "{message}");
    assert!(message.contains("-1"), "{message}");
    let message = error_message(
        trainer
            .predict_image(rgba, optional_number(f64::NAN), optional_number(1))
            .expect_err("NaN width"),
    );
    assert!(message.contains("NaN"), "{message}");
}

#[wasm_bindgen_test]
fn accepts_array_buffer_and_image_data() {
    let mut trainer = Trainer::new(config(r#"{"seed": 4}"#)).expect("config");
    let images = Uint8Array::from(TEST_IMAGES).buffer();
    let labels = Uint8Array::from(TEST_LABELS).buffer();
    let loaded = trainer
        .load_test_data(images.into(), labels.into())
        .expect("ArrayBuffers");
    assert_eq!(number(&loaded, "count"), 1000.0);

    let image = js_sys::Object::new();
    let mut pixels = vec![255u8; 4 * 20 * 20];
    for y in 4..16 {
        let at = (y * 20 + 10) * 4;
        pixels[at..at + 3].fill(0);
    }
    Reflect::set(
        &image,
        &"data".into(),
        &js_sys::Uint8ClampedArray::from(pixels.as_slice()),
    )
    .expect("set");
    Reflect::set(&image, &"width".into(), &JsValue::from(20)).expect("set");
    Reflect::set(&image, &"height".into(), &JsValue::from(20)).expect("set");
    let result = trainer
        .predict_image(image.into(), None, None)
        .expect("an ImageData-like object");
    assert!(!result.is_null());
}

#[wasm_bindgen_test]
fn input_size_shrinks_first_layer() {
    let mut trainer = loaded_trainer(r#"{"seed": 6, "inputSize": 14, "hidden": [32]}"#);
    trainer.train_steps(JsValue::from(1)).expect("one step");
    assert_eq!(
        number(&trainer.summary().expect("summary").get(0), "inputs"),
        196.0
    );
    let probabilities = trainer.predict(floats(&[0.0; 196])).expect("196 pixels");
    assert_eq!(probabilities.length(), 10);
    let metrics = trainer
        .train_steps(JsValue::from(1))
        .expect("one more step");
    assert!(number(&metrics, "learningRate") > 0.0);
}

/// Returns the first `k` bundled test digits as pixel values in [0, 1].
fn test_digits(k: usize) -> Vec<f32> {
    let data = lazynet::data::Dataset::from_idx(TEST_IMAGES, TEST_LABELS).expect("test data");
    data.images().iter().take(k * 784).copied().collect()
}

#[wasm_bindgen_test]
fn model_file_round_trip() {
    let mut trainer = loaded_trainer(r#"{"seed": 8, "hidden": [32]}"#);
    trainer.train_steps(JsValue::from(5)).expect("five steps");
    let file = trainer.save_model().expect("saveModel");
    assert_eq!(file.to_vec()[..8], *b"LAZYNET\0");

    let pixels = floats(&test_digits(20));
    let expected = trainer.predict(pixels.clone()).expect("predict").to_vec();
    let summary = js_sys::JSON::stringify(&trainer.summary().expect("summary")).expect("JSON");

    let as_buffer: JsValue = file.buffer().into();
    for (kind, file) in [("Uint8Array", file.into()), ("ArrayBuffer", as_buffer)] {
        let mut loaded = Trainer::load_model(file).unwrap_or_else(|e| {
            panic!("loadModel({kind}) failed: {}", error_message(e));
        });
        let actual = loaded.predict(pixels.clone()).expect("predict").to_vec();
        let same = actual
            .iter()
            .zip(&expected)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(same, "predictions differ after loadModel({kind})");
        assert_eq!(
            js_sys::JSON::stringify(&loaded.summary().expect("summary")).expect("JSON"),
            summary
        );
        assert_eq!(loaded.seed(), 8.0);
    }
}

#[wasm_bindgen_test]
fn load_model_rejects_bad_input() {
    let error = Trainer::load_model(bytes(TEST_LABELS))
        .err()
        .expect("an IDX file is rejected");
    assert!(error_message(error).contains("not a lazynet model file"));

    let error = Trainer::load_model(JsValue::from_str("model"))
        .err()
        .expect("a string is rejected");
    assert!(error_message(error).contains("loadModel: invalid value \"model\""));

    let mut trainer = loaded_trainer(r#"{"seed": 9, "hidden": [8]}"#);
    trainer.train_steps(JsValue::from(1)).expect("one step");
    let mut file = trainer.save_model().expect("saveModel").to_vec();
    file.truncate(file.len() - 1);
    let error = Trainer::load_model(bytes(&file))
        .err()
        .expect("a truncated file is rejected");
    assert!(error_message(error).contains("truncated"));
}

#[wasm_bindgen_test]
fn divergence_rolls_back_and_recovers() {
    // SGD at the largest allowed rate with heavy momentum overflows within a few dozen steps.
    let mut trainer = loaded_trainer(
        r#"{"seed": 0, "optimizer": "sgd", "learningRate": 10, "momentum": 0.9,
            "hidden": [32, 32, 32, 32], "schedule": "constant", "augment": false}"#,
    );
    let error = (0..50)
        .find_map(|_| trainer.train_steps(JsValue::from(1)).err())
        .expect("SGD at rate 10 diverges within 50 steps");
    let message = error_message(error);
    assert!(message.contains("diverged"), "{message}");
    assert!(message.contains("learning rate"), "{message}");

    let probabilities = trainer
        .predict(floats(&[0.5; 784]))
        .expect("predict after divergence")
        .to_vec();
    assert!(
        probabilities.iter().all(|p| p.is_finite()),
        "{probabilities:?}"
    );
    let evaluation = trainer.evaluate().expect("evaluate after divergence");
    assert!(number(&evaluation, "loss").is_finite());
}

#[wasm_bindgen_test]
fn activation_field_in_config_and_summary() {
    let trainer = loaded_trainer(r#"{"seed": 5, "hidden": [16], "activation": "sigmoid"}"#);
    let in_use = trainer.config().expect("config");
    assert_eq!(get(&in_use, "activation").as_string().unwrap(), "sigmoid");
    let names: Vec<String> = trainer
        .summary()
        .expect("summary")
        .iter()
        .map(|layer| get(&layer, "name").as_string().unwrap())
        .collect();
    assert_eq!(names, ["dense_1", "sigmoid_1", "dense_2"]);

    let error = Trainer::new(config(r#"{"activation": "softplus"}"#))
        .err()
        .expect("unknown activation rejected");
    let message = error_message(error);
    assert!(
        message.contains("activation") && message.contains("softplus"),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn activation_stats_show_each_initializer() {
    let trainer = loaded_trainer(r#"{"seed": 2}"#);
    let stats = |name: &str| {
        trainer
            .activation_stats(JsValue::from_str(name), None)
            .expect("stats")
    };
    let zeros = stats("zeros");
    let layers = Array::from(&get(&zeros, "layers"));
    assert_eq!(layers.length(), 5);
    let relu = layers.get(1);
    assert_eq!(get(&relu, "name").as_string().unwrap(), "relu_1");
    assert_eq!(number(&relu, "dead"), 1.0);
    assert_eq!(number(&relu, "std"), 0.0);
    assert!(get(&layers.get(0), "dead").is_null());
    assert!((number(&zeros, "loss") - 10f64.ln()).abs() < 1e-6);

    let first_std = |value: &JsValue| number(&Array::from(&get(value, "layers")).get(0), "std");
    let glorot = stats("glorot_uniform");
    let normal = stats("normal");
    assert!(first_std(&normal) > 15.0 * first_std(&glorot));
    let logits = Array::from(&get(&glorot, "layers")).get(4);
    assert!(number(&logits, "gradientStd") > 0.0);
    // The trainer's own model is still waiting for its first batch.
    assert!(get(&trainer.summary().unwrap().get(0), "inputs").is_null());

    let error = trainer
        .activation_stats(JsValue::from_str("lecun"), None)
        .expect_err("unknown initializer rejected");
    assert!(error_message(error).contains("\"lecun\""));
    let error = trainer
        .activation_stats(JsValue::from_str("zeros"), optional_number(0))
        .expect_err("count 0 rejected");
    assert!(error_message(error).contains("count"));
}

#[wasm_bindgen_test]
fn evaluation_images_and_weights() {
    let mut trainer = loaded_trainer(r#"{"seed": 4, "inputSize": 14}"#);
    assert!(trainer.first_layer_weights().unwrap().is_null());
    trainer.train_steps(JsValue::from(20)).expect("steps");

    let weights = trainer.first_layer_weights().unwrap();
    assert_eq!(number(&weights, "units"), 256.0);
    assert_eq!(number(&weights, "inputs"), 196.0);
    assert_eq!(number(&weights, "side"), 14.0);
    let values: Float32Array = get(&weights, "weights").dyn_into().unwrap();
    assert_eq!(values.length(), 256 * 196);

    let evaluation = trainer.evaluate().expect("evaluate");
    let predicted: Uint8Array = get(&evaluation, "predicted").dyn_into().unwrap();
    let probabilities: Float32Array = get(&evaluation, "probabilities").dyn_into().unwrap();
    assert_eq!(predicted.length(), 1000);
    assert_eq!(probabilities.length(), 10_000);

    let images = trainer
        .test_images(Array::of2(&JsValue::from(0), &JsValue::from(999)).into())
        .expect("images");
    assert_eq!(number(&images, "side"), 14.0);
    let pixels: Float32Array = get(&images, "pixels").dyn_into().unwrap();
    assert_eq!(pixels.length(), 2 * 196);
    let labels: Uint8Array = get(&images, "labels").dyn_into().unwrap();
    let expected = lazynet::data::decode_labels(TEST_LABELS).unwrap();
    assert_eq!(labels.to_vec(), [expected[0], expected[999]]);

    let typed = js_sys::Uint32Array::from(&[5u32][..]);
    assert!(trainer.test_images(typed.into()).is_ok());
    let error = trainer
        .test_images(Array::of1(&JsValue::from(1000)).into())
        .expect_err("index out of range");
    assert!(error_message(error).contains("index 1000"));
    let error = trainer
        .test_images(JsValue::from_str("0"))
        .expect_err("a string is not a list");
    assert!(error_message(error).contains("testImages"));
}

#[wasm_bindgen_test]
fn step_survives_a_model_file() {
    let mut trainer = loaded_trainer(r#"{"seed": 6, "hidden": [8]}"#);
    assert_eq!(trainer.step(), 0.0);
    trainer.train_steps(JsValue::from(7)).expect("steps");
    assert_eq!(trainer.step(), 7.0);
    let file = trainer.save_model().expect("save");
    let loaded = Trainer::load_model(file.into()).expect("load");
    assert_eq!(loaded.step(), 7.0);
}
