// The booking form's patient picker: type a name, a date of birth (1980-03-14, 14/03/1980) or a phone number and
// choose from the list (WAI-ARIA combobox with a list box). The typed term is posted (never put in an address); the
// server answers with the options as an HTML fragment and records each patient it lists as viewed.
// Keys: Down/Up move through the options (Down opens the list), Enter chooses, Escape closes (a second Escape
// clears the box), Tab leaves.

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

function attach(box) {
  const input = box.querySelector("[data-picker-input]");
  const list = box.querySelector("[data-picker-list]");
  const status = box.querySelector("[data-picker-status]");
  const hidden = box.querySelector('input[type="hidden"][name="patient"]');
  if (!input || !list || !hidden) return;
  let options = [];
  let active = -1;
  let timer = null;
  let pending = null;
  let lastQuery = input.value.trim();

  const find = box.querySelector("[data-picker-find]"); // for browsers without this script
  if (find) find.hidden = true;
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  const setActive = (index) => {
    active = index;
    for (const [i, option] of options.entries()) option.setAttribute("aria-selected", i === index ? "true" : "false");
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    input.setAttribute("aria-activedescendant", options[index].id);
    options[index].scrollIntoView({ block: "nearest" });
  };
  const open = () => {
    if (!list.children.length) return;
    list.hidden = false;
    list.style.top = `${input.offsetTop + input.offsetHeight + 2}px`; // under the box (CSSOM: no inline style)
    input.setAttribute("aria-expanded", "true");
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  };
  const choose = (index) => {
    const option = options[index];
    if (!option) return;
    hidden.value = option.dataset.value;
    input.value = option.dataset.label;
    lastQuery = input.value.trim();
    status.textContent = `Chosen: ${option.querySelector(".picker-name")?.textContent || option.dataset.label}.`;
    close();
  };

  const render = (html) => {
    const template = document.createElement("template");
    template.innerHTML = html;
    list.replaceChildren(template.content);
    options = [...list.querySelectorAll('[role="option"]:not([aria-disabled="true"])')];
    for (const [i, option] of options.entries()) {
      // mousedown, not click: the input keeps the focus, so the list is not closed by the blur first.
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(i);
      });
    }
    status.textContent = options.length
      ? `${options.length} patient${options.length === 1 ? "" : "s"} found; use the up and down arrow keys, Enter to choose.`
      : list.textContent.trim();
    open();
  };

  const search = async (query) => {
    pending?.abort();
    pending = new AbortController();
    try {
      const response = await fetch(box.dataset.searchUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ q: query }),
        credentials: "same-origin",
        signal: pending.signal,
      });
      if (!response.ok) {
        close();
        status.textContent = "The patient search is not available; reload the page and try again.";
        return;
      }
      render(await response.text());
    } catch (error) {
      if (error.name !== "AbortError") status.textContent = "The patient search is not available; try again.";
    }
  };

  input.addEventListener("input", () => {
    const query = input.value.trim();
    clearTimeout(timer);
    if (query === lastQuery) return;
    lastQuery = query;
    hidden.value = ""; // typing again un-chooses the patient
    if (query.length < 2) {
      pending?.abort();
      list.replaceChildren();
      options = [];
      close();
      status.textContent = query ? "Type at least 2 characters." : "";
      return;
    }
    timer = setTimeout(() => search(query), 200);
  });

  input.addEventListener("keydown", (event) => {
    const expanded = !list.hidden;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!expanded) open();
        if (options.length) setActive(active < options.length - 1 ? active + 1 : 0);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (!expanded) open();
        if (options.length) setActive(active > 0 ? active - 1 : options.length - 1);
        break;
      case "Enter":
        if (expanded) {
          event.preventDefault(); // choose; a second Enter sends the form
          if (active >= 0) choose(active);
          else if (options.length === 1) choose(0);
        }
        break;
      case "Escape":
        if (expanded) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          hidden.value = "";
          lastQuery = "";
          status.textContent = "";
        }
        break;
      case "Tab":
        close();
        break;
      default:
        break;
    }
  });
  input.addEventListener("blur", () => close());
}

for (const box of document.querySelectorAll("[data-patient-picker]")) attach(box);
