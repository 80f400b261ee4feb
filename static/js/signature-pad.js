// Drawn signature: strokes on an SVG surface become path data in the hidden "signature" field.
for (const pad of document.querySelectorAll("[data-signature-pad]")) {
  const surface = pad.querySelector("[data-signature-surface]");
  const path = pad.querySelector("[data-signature-path]");
  const field = pad.querySelector("input[name=signature]");
  let drawing = false;
  let data = field.value || "";

  const point = (event) => {
    const box = surface.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * 600;
    const y = ((event.clientY - box.top) / box.height) * 180;
    return `${x.toFixed(1)} ${y.toFixed(1)}`;
  };
  const show = () => {
    path.setAttribute("d", data);
    field.value = data;
  };

  surface.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    surface.setPointerCapture(event.pointerId);
    drawing = true;
    data += `${data ? " " : ""}M${point(event)}`;
    show();
  });
  surface.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    data += ` L${point(event)}`;
    show();
  });
  surface.addEventListener("pointerup", () => { drawing = false; });
  pad.querySelector("[data-signature-clear]").addEventListener("click", () => {
    data = "";
    show();
  });
  show();
}
