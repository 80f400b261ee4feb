// Dry needling: before the needle goes in, show the atlas's safety note for the muscle chosen and the safe depth
// where the site lies over or near the lung (for this patient's build); as the depth is typed, say when it passes
// the needle's length (refused on save) or the safe depth (recorded as given, with a warning and a mark on the note).
const form = document.querySelector("[data-needle-form]");
const notesData = document.getElementById("needle-safety-notes");
const zonesData = document.getElementById("needle-depth-zones");
if (form && notesData) {
  const notes = JSON.parse(notesData.textContent);
  const zones = zonesData ? JSON.parse(zonesData.textContent) : { regions: {}, areas: {}, muscles: {}, slim: false };
  const box = form.querySelector("[data-needle-safety]");
  const depthBox = form.querySelector("[data-needle-depth]");
  const field = (name) => form.querySelector(`[name="dn-${name}"]`);
  const select = field("muscle");

  const zone = () => {
    const region = field("region")?.value;
    if (region) return zones.regions[region] ?? null;
    const area = zones.muscles[select.value]?.[field("side")?.value || "right"];
    return area ? zones.areas[area] ?? null : null;
  };

  const show = () => {
    const note = notes[select.value];
    box.hidden = !note;
    box.textContent = note ? `Safety: ${note}` : "";
    box.classList.toggle("high-risk", Boolean(note && /pneumothorax|lung|pleura/i.test(note)));
    checkDepth();
  };

  function checkDepth() {
    if (!depthBox) return;
    const depth = Number(field("depth_mm")?.value);
    const length = Number(field("length_mm")?.value);
    const found = zone();
    const build = zones.slim ? "slim build" : "usual build";
    const lines = [];
    let over = false;
    if (found) lines.push(`Pneumothorax precaution ${found.label}: safe depth ${found.limit} mm (${build}). ${found.advice}`);
    if (depth && length && depth > length) {
      lines.push(`The depth (${depth} mm) is beyond the needle's length (${length} mm).`);
      over = true;
    } else if (found && depth > found.limit) {
      lines.push(`${depth} mm is past the safe depth: it is recorded as given and marked on the note.`);
      over = true;
    }
    depthBox.hidden = lines.length === 0;
    depthBox.textContent = lines.join(" ");
    depthBox.classList.toggle("over", over);
  }

  select.addEventListener("change", show);
  for (const name of ["depth_mm", "length_mm", "side"]) field(name)?.addEventListener("input", checkDepth);
  field("side")?.addEventListener("change", checkDepth);
  // The body map writes the site into hidden fields; a click on it may change the zone.
  form.querySelector("[data-site-picker]")?.addEventListener("click", () => setTimeout(checkDepth, 0));
  show();
}
