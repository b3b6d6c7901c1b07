// Controls declared as tables, wired here: {element id: {event: handler}} and keys to
// buttons. A handler that fails reaches onFailure, which says so in the page.

const $ = (id) => document.getElementById(id);

export function wireControls(table, onFailure) {
  for (const [id, events] of Object.entries(table)) {
    for (const [name, handler] of Object.entries(events)) {
      $(id).addEventListener(name, (event) => {
        try {
          Promise.resolve(handler(event)).catch(onFailure);
        } catch (error) {
          onFailure(error);
        }
      });
    }
  }
}

// keys: {key: button id}, pressed outside fields and buttons, without a modifier.
export function wireKeys(keys) {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest("input, select, textarea, button, a")) return;
    const button = keys[event.key];
    if (!button) return;
    event.preventDefault();
    $(button).click();
  });
}
