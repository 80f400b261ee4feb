// Pain drawing editor: paint body-map regions with an intensity and a quality, erase, undo, clear.
// The drawing lives in hidden <input name="r" value="REGION:INTENSITY:QUALITY"> fields of #drawing-form;
// after each change the form fires "drawing-changed", and htmx refreshes the ranking from the server.

const editor = document.querySelector("[data-body-map-editor]");

if (editor) {
  const form = editor.querySelector("#drawing-form");
  const inputs = editor.querySelector("[data-drawing-inputs]");
  const controls = editor.querySelector("[data-paint-controls]");
  const intensity = editor.querySelector("[data-paint-intensity]");
  const intensityValue = editor.querySelector("#paint-intensity-value");
  const quality = editor.querySelector("[data-paint-quality]");
  const regions = editor.querySelectorAll(".body-map-interactive [data-region]");
  const history = [];
  let drawing = new Map();
  let painting = false;
  let strokeStart = null;

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

  function apply(region) {
    if (tool() === "erase") {
      drawing.delete(region);
    } else {
      drawing.set(region, { intensity: Number(intensity.value), quality: quality.value });
    }
    render();
  }

  for (const path of regions) {
    path.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      painting = true;
      strokeStart = new Map(drawing);
      apply(path.dataset.region);
    });
    path.addEventListener("pointerenter", () => {
      if (painting) apply(path.dataset.region);
    });
  }

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
}
