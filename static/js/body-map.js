// Pain drawing editor: paint body-map regions with an intensity and a quality, erase, undo, clear.
// Mouse or touch: press and drag across regions. Keyboard: each view is one tab stop; arrow keys move to
// the nearest region in that direction, Enter or Space paints (or erases with the Erase tool), Delete erases.
// The drawing lives in hidden <input name="r" value="REGION:INTENSITY:QUALITY"> fields of the editor's
// [data-drawing-form]; after each change the form fires "drawing-changed" (htmx refreshes the ranking).

function centre(path) {
  const box = path.getBBox();
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

const DIRECTIONS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

function nearest(from, candidates, [dx, dy]) {
  const start = centre(from);
  let best = null;
  let bestCost = Infinity;
  for (const other of candidates) {
    if (other === from) continue;
    const c = centre(other);
    const vx = c.x - start.x;
    const vy = c.y - start.y;
    const along = vx * dx + vy * dy;
    if (along <= 0) continue;
    const across = Math.abs(vx * dy - vy * dx);
    const cost = along + 2 * across; // prefer regions straight ahead
    if (cost < bestCost) {
      bestCost = cost;
      best = other;
    }
  }
  return best;
}

function setUpEditor(editor) {
  const form = editor.closest("[data-drawing-form]") ?? editor.querySelector("[data-drawing-form]");
  const inputs = editor.querySelector("[data-drawing-inputs]");
  const controls = editor.querySelector("[data-paint-controls]");
  const intensity = editor.querySelector("[data-paint-intensity]");
  const intensityValue = editor.querySelector("[data-paint-intensity-value]");
  const quality = editor.querySelector("[data-paint-quality]");
  const regions = [...editor.querySelectorAll(".body-map-interactive [data-region]")];
  const history = [];
  let drawing = new Map();
  let painting = false;
  let strokeStart = null;
  let lastRegion = null;

  for (const input of inputs.querySelectorAll("input[name=r]")) {
    const [region, level, kind] = input.value.split(":");
    drawing.set(region, { intensity: Number(level), quality: kind });
  }

  controls.hidden = false;
  intensity.addEventListener("input", () => { intensityValue.textContent = intensity.value; });
  const tool = () => editor.querySelector("[data-paint-tool]:checked").value;

  function render() {
    for (const path of regions) {
      const mark = drawing.get(path.dataset.region);
      if (mark) {
        path.dataset.intensity = String(mark.intensity);
        path.dataset.quality = mark.quality;
      } else {
        delete path.dataset.intensity;
        delete path.dataset.quality;
      }
      path.setAttribute("aria-pressed", mark ? "true" : "false");
    }
    inputs.replaceChildren(
      ...[...drawing].map(([region, mark]) => {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = "r";
        input.value = `${region}:${mark.intensity}:${mark.quality}`;
        return input;
      }),
    );
  }

  function changed() {
    render();
    form.dispatchEvent(new Event("drawing-changed", { bubbles: true }));
  }

  function apply(region, erase = tool() === "erase") {
    if (erase) {
      drawing.delete(region);
    } else {
      drawing.set(region, { intensity: Number(intensity.value), quality: quality.value });
    }
    render();
  }

  function commitSingle(region, erase) {
    history.push(new Map(drawing));
    apply(region, erase);
    changed();
  }

  for (const svg of editor.querySelectorAll(".body-map-interactive svg")) {
    // An interactive map is a group of buttons, not a picture.
    svg.setAttribute("role", "group");
    const viewRegions = regions.filter((path) => svg.contains(path));
    viewRegions.forEach((path, index) => {
      path.setAttribute("role", "button");
      path.setAttribute("tabindex", index === 0 ? "0" : "-1");
      path.setAttribute("aria-label", path.querySelector("title")?.textContent ?? path.dataset.region);
      path.setAttribute("aria-describedby", "drawing-keys");
      path.addEventListener("keydown", (event) => {
        if (event.key in DIRECTIONS) {
          event.preventDefault();
          const next = nearest(path, viewRegions, DIRECTIONS[event.key]);
          if (next) {
            path.setAttribute("tabindex", "-1");
            next.setAttribute("tabindex", "0");
            next.focus();
          }
        } else if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          commitSingle(path.dataset.region);
        } else if (event.key === "Delete" || event.key === "Backspace") {
          event.preventDefault();
          commitSingle(path.dataset.region, true);
        }
      });
    });
  }

  for (const path of regions) {
    path.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      // Touch pointers are captured by the element they start on; release it so a drag paints across regions.
      if (path.hasPointerCapture?.(event.pointerId)) path.releasePointerCapture(event.pointerId);
      painting = true;
      strokeStart = new Map(drawing);
      lastRegion = path.dataset.region;
      apply(lastRegion);
    });
  }

  document.addEventListener("pointermove", (event) => {
    if (!painting) return;
    const under = document.elementFromPoint(event.clientX, event.clientY)?.closest("[data-region]");
    if (under && under.dataset.region !== lastRegion && regions.includes(under)) {
      lastRegion = under.dataset.region;
      apply(lastRegion);
    }
  });

  document.addEventListener("pointercancel", () => { painting = false; });
  document.addEventListener("pointerup", () => {
    if (!painting) return;
    painting = false;
    history.push(strokeStart);
    changed();
  });

  editor.querySelector("[data-paint-undo]").addEventListener("click", () => {
    if (history.length) {
      drawing = history.pop();
      changed();
    }
  });

  editor.querySelector("[data-paint-clear]").addEventListener("click", () => {
    if (drawing.size) {
      history.push(new Map(drawing));
      drawing.clear();
      changed();
    }
  });

  render();
}

for (const editor of document.querySelectorAll("[data-body-map-editor]")) {
  setUpEditor(editor);
}
