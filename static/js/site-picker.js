// Examination: click the body map where the trigger point is; the region, view and exact position go
// into the form's hidden fields, and the side follows the region when none is chosen yet.
for (const picker of document.querySelectorAll("[data-site-picker]")) {
  const form = picker.closest("form") ?? document.querySelector(picker.dataset.form);
  const set = (name, value) => { form.querySelector(`[name=${name}]`).value = value; };
  for (const svg of picker.querySelectorAll("svg")) {
    const marker = svg.querySelector("[data-pick-marker]");
    svg.addEventListener("click", (event) => {
      const region = event.target.closest("[data-region]");
      if (!region) return;
      const matrix = svg.getScreenCTM().inverse();
      const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix);
      set("region", region.dataset.region);
      set("view", svg.dataset.view);
      set("x", p.x.toFixed(1));
      set("y", p.y.toFixed(1));
      for (const other of picker.querySelectorAll("[data-pick-marker]")) other.setAttribute("hidden", "");
      marker.querySelector("circle").setAttribute("cx", p.x.toFixed(1));
      marker.querySelector("circle").setAttribute("cy", p.y.toFixed(1));
      marker.removeAttribute("hidden");
      const side = region.dataset.region.split("-")[0];
      const radio = form.querySelector(`[name=side][value=${side}]`);
      if (radio && !form.querySelector("[name=side]:checked")) radio.checked = true;
      const status = form.querySelector("[data-pick-status]");
      if (status) status.textContent = `Marked: ${region.querySelector("title")?.textContent ?? region.dataset.region}`;
    });
  }
}
