// The hyperparameter form: built from the declared list and Python's allowed
// values, filled from a config or the hash, read back with each field checked.

import { NOTEBOOK_FIXES, PROPERTIES, allowedText, parseValue } from "./state.js";

const $ = (id) => document.getElementById(id);

export function buildForm(form, fields, onChange) {
  for (const property of PROPERTIES) {
    const field = fields[property.name];
    const wrapper = document.createElement("div");
    wrapper.className = "field";
    const id = `field-${property.name}`;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = property.label;
    let input;
    if (field.kind === "choice") {
      input = document.createElement("select");
      for (const choice of field.choices) input.add(new Option(choice, choice));
    } else {
      input = document.createElement("input");
      input.inputMode = field.kind === "int" ? "numeric" : "decimal";
      input.title = allowedText(field);
    }
    input.id = id;
    input.name = property.name;
    input.dataset.testid = `field-${property.name}`;
    const message = document.createElement("p");
    message.className = "field-error";
    message.id = `${id}-error`;
    message.dataset.testid = `error-${property.name}`;
    input.setAttribute("aria-describedby", message.id);
    input.addEventListener("change", onChange);
    wrapper.append(label, input, message);
    form.append(wrapper);
  }
  form.addEventListener("submit", (event) => event.preventDefault());
}

// Texts by field name; a missing one takes its default. A select shows a value it does
// not offer as empty, so such a value is added as an option and refused when read.
export function fillForm(texts, defaults) {
  for (const property of PROPERTIES) {
    const input = $(`field-${property.name}`);
    const value = String(texts[property.name] ?? defaults[property.name]);
    if (input.tagName === "SELECT" && ![...input.options].some((option) => option.value === value)) {
      input.add(new Option(value, value));
    }
    input.value = value;
  }
}

// Every field checked, each problem shown beside its field: the config, or null when any is invalid.
export function readForm(fields) {
  const values = {};
  let valid = true;
  for (const property of PROPERTIES) {
    const parsed = parseValue(property.name, $(`field-${property.name}`).value, fields[property.name]);
    const message = parsed.error ?? "";
    $(`field-${property.name}-error`).textContent = message;
    $(`field-${property.name}`).setAttribute("aria-invalid", message ? "true" : "false");
    if (parsed.error) valid = false;
    else values[property.name] = parsed.value;
  }
  return valid ? values : null;
}

function checkbox(id, text, onChange) {
  const label = document.createElement("label");
  const input = Object.assign(document.createElement("input"), { type: "checkbox", id });
  input.dataset.testid = id;
  input.addEventListener("change", onChange);
  label.append(input, ` ${text}`);
  return label;
}

// "The notebook as written": a preset that replays it, with a checkbox per defect to fix.
export function buildNotebookChoice(container) {
  const fixes = document.createElement("div");
  fixes.className = "fixes";
  const showFixes = () => {
    fixes.hidden = !$("field-notebook").checked;
  };
  for (const fix of NOTEBOOK_FIXES) fixes.append(checkbox(`fix-${fix.name}`, `fix: ${fix.label}`, () => {}));
  container.append(checkbox("field-notebook", "The notebook as written (its own training code, defects and all)", showFixes), fixes);
  showFixes();
}

// texts.notebook: undefined (not the notebook), or a comma-separated list of fixes.
export function fillNotebookChoice(texts) {
  const fixed = texts.notebook === undefined ? null : texts.notebook.split(",");
  $("field-notebook").checked = fixed !== null;
  for (const fix of NOTEBOOK_FIXES) $(`fix-${fix.name}`).checked = Boolean(fixed && fixed.includes(fix.name));
  $("field-notebook").dispatchEvent(new Event("change"));
}

// null when the preset is off, else the fixes ticked.
export function readNotebookChoice() {
  if (!$("field-notebook").checked) return null;
  return NOTEBOOK_FIXES.map((fix) => fix.name).filter((name) => $(`fix-${name}`).checked);
}
