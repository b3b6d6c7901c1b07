// The hyperparameters as one declared list: the form, the URL hash and the
// Python configuration all use these names. Defaults and allowed ranges come
// from Python (rnnadd.page.describe), so they are stated in one place only.

export const PROPERTIES = [
  { name: "bits", label: "Bits per number", kind: "int" },
  { name: "cell", label: "Cell", kind: "choice" },
  { name: "hidden", label: "Hidden units", kind: "int" },
  { name: "activation", label: "Activation (Elman)", kind: "choice" },
  { name: "optimizer", label: "Optimiser", kind: "choice" },
  { name: "learning_rate", label: "Learning rate", kind: "float" },
  { name: "batch_size", label: "Batch size", kind: "int" },
  { name: "loss", label: "Loss", kind: "choice" },
  { name: "init", label: "Initialisation", kind: "choice" },
  { name: "clip", label: "Gradient clip (0 = off)", kind: "float" },
  { name: "seed", label: "Seed", kind: "int" },
];

export function rangeText(range) {
  return typeof range[0] === "string" ? `one of ${range.join(", ")}` : `${range[0]} to ${range[1]}`;
}

// Text from a field or the hash -> the value to send to Python, or an error message.
export function parseValue(property, text, range) {
  const trimmed = String(text).trim();
  if (property.kind === "choice") return { value: trimmed };
  const pattern = property.kind === "int" ? /^-?\d+$/ : /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
  if (!pattern.test(trimmed)) {
    const what = property.kind === "int" ? "a whole number" : "a number";
    return { error: `${property.name} must be ${what} from ${rangeText(range)}, got "${trimmed}"` };
  }
  return { value: Number(trimmed) };
}

export function configFromHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const texts = {};
  for (const property of PROPERTIES) {
    if (params.has(property.name)) texts[property.name] = params.get(property.name);
  }
  return texts;
}

export function hashFromConfig(config) {
  const params = new URLSearchParams();
  for (const property of PROPERTIES) params.set(property.name, String(config[property.name]));
  return "#" + params.toString();
}
