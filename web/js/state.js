// The hyperparameters as one declared list: the form, the URL hash and the
// Python configuration all use these names. Defaults and allowed values come
// from Python (rnnadd.page.describe), so they are stated in one place only;
// the page checks a field against them without a round trip to a busy worker.

export const PROPERTIES = [
  { name: "task", label: "Task" },
  { name: "bits", label: "Bits per number" },
  { name: "cell", label: "Cell" },
  { name: "hidden", label: "Hidden units" },
  { name: "activation", label: "Activation (Elman)" },
  { name: "optimizer", label: "Optimiser" },
  { name: "learning_rate", label: "Learning rate" },
  { name: "batch_size", label: "Batch size" },
  { name: "loss", label: "Loss" },
  { name: "init", label: "Initialisation" },
  { name: "clip", label: "Gradient clip (0 = off)" },
  { name: "hidden_noise", label: "Hidden-state noise (training only)" },
  { name: "until", label: "Train until" },
  { name: "seed", label: "Seed" },
];

// The same words as Python's Config.allowed.
export function allowedText(field) {
  if (field.kind === "choice") return `one of ${field.choices.join(", ")}`;
  if (field.kind === "int") return `a whole number from ${field.low} to ${field.high}`;
  return `a number in ${field.lowOpen ? "(" : "["}${field.low}, ${field.high}]`;
}

const PATTERNS = { int: /^-?\d+$/, float: /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i };

// Text from a field or the hash -> {value} to send to Python, or {error} naming the field and its range.
export function parseValue(name, text, field) {
  const given = String(text).trim();
  const refuse = { error: `${name} must be ${allowedText(field)}, got "${given}"` };
  if (field.kind === "choice") return field.choices.includes(given) ? { value: given } : refuse;
  if (!PATTERNS[field.kind].test(given)) return refuse;
  const value = Number(given);
  const aboveLow = field.lowOpen ? value > field.low : value >= field.low;
  return Number.isFinite(value) && aboveLow && value <= field.high ? { value } : refuse;
}

// Field texts by name (a missing one takes its default) -> {config} when every field holds an allowed
// value, with {errors} by name for those that do not (then config is null).
export function checkTexts(texts, fields, defaults) {
  const config = {};
  const errors = {};
  for (const { name } of PROPERTIES) {
    const parsed = parseValue(name, texts[name] ?? defaults[name], fields[name]);
    if (parsed.error) errors[name] = parsed.error;
    else config[name] = parsed.value;
  }
  return { config: Object.keys(errors).length ? null : config, errors };
}

// "Train to be provable": noise on the hidden states while training makes the units saturate,
// and training goes on past solved until a proof for every length holds (rnnadd/proof.py).
export const PROVABLE = { hidden_noise: 0.3, until: "proven" };

// The notebook's replay (rnnadd.notebook) and the defects it can have fixed.
export const NOTEBOOK_FIXES = [
  { name: "output_gradient", label: "output weights' gradient from the hidden state" },
  { name: "derivatives", label: "derivatives written in terms of activations" },
  { name: "biases", label: "biases trained" },
];

// A link's notebook=... text -> the fixes it names, in their order (null: not the notebook).
export function fixesOf(text) {
  if (text === undefined) return null;
  const named = text.split(",");
  return NOTEBOOK_FIXES.map((fix) => fix.name).filter((name) => named.includes(name));
}

// Field texts by name; `notebook` (a comma-separated list of fixes, maybe empty) when the link
// replays it; `at` when it shows the network as it was at a step; `tour` (empty) to start the tour.
export function configFromHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const texts = {};
  for (const name of [...PROPERTIES.map((property) => property.name), "notebook", "at", "view", "tour"]) {
    if (params.has(name)) texts[name] = params.get(name);
  }
  return texts;
}

// A link's step to train to and show: {value} (null when it has none), or {error}.
export const MAX_AT = 1_000_000;
export function parseAt(text) {
  if (text === undefined) return { value: null };
  const given = String(text).trim();
  const value = /^\d+$/.test(given) ? Number(given) : NaN;
  return value <= MAX_AT ? { value } : { error: `at must be a whole number from 0 to ${MAX_AT}, got "${given}"` };
}

// A link, read once: the form's texts and the notebook's fixes it gives, the step it shows
// ({value} or {error}, as parseAt), whether it starts the tour, and its view ("embed" or null).
export function addressOf(hash) {
  const { notebook, at, tour, view, ...texts } = configFromHash(hash);
  return { texts, fixes: fixesOf(notebook), link: parseAt(at), tour: tour !== undefined, view: view ?? null };
}

// notebook: null, or the list of defects fixed in the notebook's replay (only the seed matters then);
// at: the step the views show, or null for now; view: "embed" for the compact view, or null.
export function hashFromConfig(config, notebook = null, at = null, view = null) {
  const step = (at === null ? "" : `&at=${at}`) + (view === null ? "" : `&view=${view}`);
  if (notebook) return `#notebook=${notebook.join(",")}&seed=${config.seed}${step}`; // readable commas
  const params = new URLSearchParams();
  for (const property of PROPERTIES) params.set(property.name, String(config[property.name]));
  return "#" + params.toString() + step;
}
