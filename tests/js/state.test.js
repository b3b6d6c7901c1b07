// The hyperparameters' declared list: links read, fields checked, links written.

import assert from "node:assert/strict";
import { test } from "node:test";
import { addressOf, checkTexts, fixesOf, hashFromConfig } from "../../web/js/state.js";

const FIELDS = {
  task: { kind: "choice", choices: ["add", "sub"] },
  bits: { kind: "int", low: 2, high: 32 },
  cell: { kind: "choice", choices: ["elman", "gru", "lstm"] },
  hidden: { kind: "int", low: 1, high: 1024 },
  activation: { kind: "choice", choices: ["sigmoid", "tanh", "relu"] },
  optimizer: { kind: "choice", choices: ["sgd", "adam"] },
  learning_rate: { kind: "float", low: 0, high: 10, lowOpen: true },
  batch_size: { kind: "int", low: 1, high: 4096 },
  loss: { kind: "choice", choices: ["mse", "bce"] },
  init: { kind: "choice", choices: ["uniform", "scaled"] },
  clip: { kind: "float", low: 0, high: 1000 },
  hidden_noise: { kind: "float", low: 0, high: 1 },
  until: { kind: "choice", choices: ["solved", "proven"] },
  seed: { kind: "int", low: 0, high: 4294967295 },
};
const DEFAULTS = { task: "add", bits: 8, cell: "elman", hidden: 16, activation: "tanh", optimizer: "adam", learning_rate: 0.05, batch_size: 32, loss: "bce", init: "scaled", clip: 0, hidden_noise: 0, until: "solved", seed: 0 };

test("a link gives the form's texts, the notebook's fixes, the step to show, the tour and the view", () => {
  const address = addressOf("#bits=12&seed=3&notebook=biases,nonsense&at=40&tour&view=embed");
  assert.deepEqual(address, { texts: { bits: "12", seed: "3" }, fixes: ["biases"], link: { value: 40 }, tour: true, view: "embed" });
  assert.deepEqual(addressOf(""), { texts: {}, fixes: null, link: { value: null }, tour: false, view: null });
  assert.match(addressOf("#at=-2").link.error, /^at must be a whole number from 0 to 1000000, got "-2"$/);
});

test("the notebook's fixes keep their stated order, and an empty list is the notebook as written", () => {
  assert.deepEqual(fixesOf("biases,output_gradient"), ["output_gradient", "biases"]);
  assert.deepEqual(fixesOf(""), []);
  assert.equal(fixesOf(undefined), null);
});

test("texts are checked field by field: a config when all are allowed, each problem by name otherwise", () => {
  const { config, errors } = checkTexts({ bits: " 12 ", learning_rate: "1e-2" }, FIELDS, DEFAULTS);
  assert.deepEqual(errors, {});
  assert.deepEqual(config, { ...DEFAULTS, bits: 12, learning_rate: 0.01 });
  const refused = checkTexts({ bits: "70", activation: "softmax", learning_rate: "0" }, FIELDS, DEFAULTS);
  assert.equal(refused.config, null);
  assert.deepEqual(refused.errors, {
    bits: 'bits must be a whole number from 2 to 32, got "70"',
    activation: 'activation must be one of sigmoid, tanh, relu, got "softmax"',
    learning_rate: 'learning_rate must be a number in (0, 10], got "0"',
  });
});

test("a config written to a link reads back as the same texts", () => {
  const config = { ...DEFAULTS, bits: 12, learning_rate: 0.01 };
  const { texts } = addressOf(hashFromConfig(config, null, 30));
  assert.deepEqual(checkTexts(texts, FIELDS, {}).config, config);
  assert.equal(addressOf(hashFromConfig(config, null, 30)).link.value, 30);
  assert.deepEqual(addressOf(hashFromConfig(config, ["biases"])).fixes, ["biases"]);
});
