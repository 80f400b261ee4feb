// Dry needling: show the atlas's safety note for the muscle chosen, before the needle goes in.
const form = document.querySelector("[data-needle-form]");
const data = document.getElementById("needle-safety-notes");
if (form && data) {
  const notes = JSON.parse(data.textContent);
  const box = form.querySelector("[data-needle-safety]");
  const select = form.querySelector("select[name$=muscle]");
  const show = () => {
    const note = notes[select.value];
    box.hidden = !note;
    box.textContent = note ? `Safety: ${note}` : "";
    box.classList.toggle("high-risk", Boolean(note && /pneumothorax|lung|pleura/i.test(note)));
  };
  select.addEventListener("change", show);
  show();
}
