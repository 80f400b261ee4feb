// Copy a read-only value to the clipboard: <button data-copy="#feed-url" hidden>Copy</button>.
// The button stays hidden where the Clipboard API is missing; the field can still be selected by hand.
const status = (button, text) => {
  const live = document.querySelector(button.dataset.copyStatus || "[data-copy-status]");
  if (live) live.textContent = text;
};

for (const button of document.querySelectorAll("[data-copy]")) {
  const field = document.querySelector(button.dataset.copy);
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  field.addEventListener("focus", () => field.select());
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      status(button, "Copied to the clipboard.");
    } catch {
      field.focus();
      status(button, "Copying was blocked: the address is selected, press Ctrl+C (or ⌘C) to copy it.");
    }
  });
}
