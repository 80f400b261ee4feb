// Click the body map to mark a place. Single mode (examination, new session point): the region, view and
// exact position go into the form's hidden fields, and the side follows the region when none is chosen.
// Multi mode (TENS electrodes): each click adds a marker and an entry to a JSON list field.
for (const picker of document.querySelectorAll("[data-site-picker]")) {
  const holder = picker.closest("[data-pick-prefix]");
  const prefix = holder?.dataset.pickPrefix ?? "";
  const multi = holder?.dataset.pickMulti;
  const form = picker.closest("form");
  const field = (name) => form.querySelector(`[name="${prefix}${name}"]`);
  const set = (name, value) => { field(name).value = value; };
  const marked = multi ? JSON.parse(field(multi).value || "[]") : [];
  const status = form.querySelector("[data-pick-status]");

  for (const svg of picker.querySelectorAll("svg")) {
    const marker = svg.querySelector("[data-pick-marker]");
    svg.addEventListener("click", (event) => {
      const region = event.target.closest("[data-region]");
      if (!region) return;
      const matrix = svg.getScreenCTM().inverse();
      const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix);
      const label = region.querySelector("title")?.textContent ?? region.dataset.region;
      if (multi) {
        marked.push({ region: region.dataset.region, view: svg.dataset.view, x: Number(p.x.toFixed(1)), y: Number(p.y.toFixed(1)) });
        field(multi).value = JSON.stringify(marked);
        const copy = marker.cloneNode(true);
        copy.removeAttribute("hidden");
        copy.removeAttribute("data-pick-marker");
        copy.querySelector("circle").setAttribute("cx", p.x.toFixed(1));
        copy.querySelector("circle").setAttribute("cy", p.y.toFixed(1));
        marker.after(copy);
        if (status) status.textContent = `${marked.length} electrode${marked.length === 1 ? "" : "s"} placed (last: ${label})`;
        return;
      }
      set("region", region.dataset.region);
      set("view", svg.dataset.view);
      set("x", p.x.toFixed(1));
      set("y", p.y.toFixed(1));
      for (const other of picker.querySelectorAll("[data-pick-marker]")) other.setAttribute("hidden", "");
      marker.querySelector("circle").setAttribute("cx", p.x.toFixed(1));
      marker.querySelector("circle").setAttribute("cy", p.y.toFixed(1));
      marker.removeAttribute("hidden");
      const side = region.dataset.region.split("-")[0];
      const radio = form.querySelector(`[name="${prefix}side"][value=${side}]`);
      if (radio && !form.querySelector(`[name="${prefix}side"]:checked`)) radio.checked = true;
      const select = form.querySelector(`select[name="${prefix}side"]`);
      if (select && (side === "left" || side === "right")) select.value = side;
      if (status) status.textContent = `Marked: ${label}`;
    });
  }
  picker.dataset.pickReady = "true"; // clicks are taken from here on (the browser tests wait for it)
}
