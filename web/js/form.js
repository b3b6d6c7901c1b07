// The hyperparameter form, a view of the page's state.form: built from the declared list and
// Python's allowed values, filled from the state's texts; each edit goes back to the state.

import { NOTEBOOK_FIXES, PROPERTIES, allowedText, checkTexts } from "./state.js";

const $ = (id) => document.getElementById(id);

// onInput(name, text): every edit; onChange(name): an edit done (the field left or a choice made).
export function buildForm(form, fields, onInput, onChange) {
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
    input.addEventListener("input", () => onInput(property.name, input.value));
    input.addEventListener("change", () => {
      onInput(property.name, input.value);
      onChange(property.name);
    });
    wrapper.append(label, input, message);
    form.append(wrapper);
  }
  form.addEventListener("submit", (event) => event.preventDefault());
}

// The form shows state.form, made of these texts (a missing field takes its default) and fixes.
export function showForm(state, texts, notebook = null) {
  state.form = { texts: { ...state.described.defaults, ...texts }, notebook };
  fillForm(state.form.texts, state.described.defaults);
  fillNotebookChoice(notebook);
}

// The form's config, every field checked and each problem shown beside its field; null when any is invalid.
export function checkForm(state) {
  const { config, errors } = checkTexts(state.form.texts, state.described.fields, state.described.defaults);
  showFieldErrors(errors);
  return config;
}

// Choosing a task in the form brings its suggested settings (Task.suggested), and puts back the
// defaults the last one's had changed.
export function suggestSettings(state, task) {
  const [before, after] = [state.described.tasks[state.formTask], state.described.tasks[task]];
  if (!before || !after) return;
  for (const name of new Set([...Object.keys(before.suggested), ...Object.keys(after.suggested)])) {
    state.form.texts[name] = String(after.suggested[name] ?? state.described.defaults[name]);
  }
  state.formTask = task;
  fillForm(state.form.texts, state.described.defaults);
}

// Texts by field name; a missing one takes its default. A select shows a value it does
// not offer as empty, so such a value is added as an option and refused when read.
function fillForm(texts, defaults) {
  for (const property of PROPERTIES) {
    const input = $(`field-${property.name}`);
    const value = String(texts[property.name] ?? defaults[property.name]);
    if (input.tagName === "SELECT" && ![...input.options].some((option) => option.value === value)) {
      input.add(new Option(value, value));
    }
    input.value = value;
  }
}

// Each problem beside its field (errors by field name, as state.js's checkTexts gives them).
function showFieldErrors(errors) {
  for (const { name } of PROPERTIES) {
    const message = errors[name] ?? "";
    $(`field-${name}-error`).textContent = message;
    $(`field-${name}`).setAttribute("aria-invalid", message ? "true" : "false");
  }
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
// onChange(fixes): null when the preset is off, else the fixes ticked.
export function buildNotebookChoice(container, onChange) {
  const fixes = document.createElement("div");
  fixes.className = "fixes";
  const changed = () => {
    fixes.hidden = !$("field-notebook").checked;
    onChange(readNotebookChoice());
  };
  for (const fix of NOTEBOOK_FIXES) fixes.append(checkbox(`fix-${fix.name}`, `fix: ${fix.label}`, changed));
  container.append(checkbox("field-notebook", "The notebook as written (its own training code, defects and all)", changed), fixes);
  fixes.hidden = true;
}

// fixed: null (not the notebook), or the fixes ticked.
function fillNotebookChoice(fixed) {
  $("field-notebook").checked = fixed !== null;
  for (const fix of NOTEBOOK_FIXES) $(`fix-${fix.name}`).checked = Boolean(fixed && fixed.includes(fix.name));
  $("notebook-choice").querySelector(".fixes").hidden = fixed === null;
}

function readNotebookChoice() {
  if (!$("field-notebook").checked) return null;
  return NOTEBOOK_FIXES.map((fix) => fix.name).filter((name) => $(`fix-${name}`).checked);
}
