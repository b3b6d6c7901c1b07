// Files the page offers (a session, runs, a loss history, a chart), each saved through one link.

function save(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
}

export function downloadText(name, type, text) {
  save(new Blob([text], { type }), name);
}

// A canvas as drawn, at the screen's pixel density (the backing store is sized for it).
export function downloadCanvas(canvas, name) {
  canvas.toBlob((blob) => save(blob, name), "image/png");
}
