// ICD-10-CM type-ahead for the diagnosis form: the plain code box becomes an editable combobox with a listbox
// (WAI-ARIA combobox pattern, list autocomplete). Codes come from GET /api/v1/codes/icd10 for the date of service.
// Keys: Down/Up move through the codes (Down opens the list), Enter chooses, Escape closes (a second Escape
// clears), Tab leaves. Without this script the box still takes a typed code; the form checks it.

const STYLE = `
.code-search { position: relative; }
.code-search-list { position: absolute; left: 0; right: 0; z-index: 20; margin: 0; padding: .25rem 0;
  list-style: none; max-height: 18rem; overflow-y: auto; background: var(--surface, #fff);
  border: 1px solid var(--line, #d8e0e2); border-radius: var(--radius, 8px); box-shadow: var(--shadow); }
.code-search-list [role="option"] { padding: .4rem .7rem; cursor: pointer; line-height: 1.3; }
.code-search-list [role="option"] .code { font-weight: 700; margin-right: .5rem; font-variant-numeric: tabular-nums; }
.code-search-list [role="option"][aria-selected="true"] { background: var(--brand-soft, #e3f0f1);
  outline: 2px solid var(--focus, #2b6cb0); outline-offset: -2px; }
.code-search-list [role="option"][aria-disabled="true"] { cursor: default; color: var(--ink-muted, #5b6b72); }
.code-search-list [role="option"] .why { display: block; font-size: .82rem; }
`;

function addStyle() {
  // A constructed stylesheet: no inline <style>, so the site's Content-Security-Policy (style-src 'self') holds.
  if (document.adoptedStyleSheets === undefined || addStyle.done) return;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(STYLE);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  addStyle.done = true;
}

function attach(box) {
  const input = box.querySelector("[data-code-input]");
  const list = document.getElementById(box.dataset.listbox);
  const status = box.querySelector("[data-code-search-status]");
  if (!input || !list) return;
  let results = [];
  let active = -1;
  let timer = null;
  let pending = null;
  let lastQuery = "";

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  const described = new Set((input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean));
  described.add(status.id);
  input.setAttribute("aria-describedby", [...described].join(" "));

  const open = () => {
    if (!results.length) return;
    list.hidden = false;
    list.style.top = `${input.offsetTop + input.offsetHeight + 2}px`;
    input.setAttribute("aria-expanded", "true");
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    setActive(-1);
  };
  const setActive = (index) => {
    active = index;
    for (const [i, option] of [...list.children].entries()) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    }
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    const option = list.children[index];
    input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  };
  const choose = (index) => {
    const result = results[index];
    if (!result) return;
    if (!result.usable) {
      status.textContent = result.message;
      return;
    }
    input.value = result.code;
    lastQuery = result.code;
    status.textContent = `Chosen: ${result.code} ${result.description}.`;
    close();
  };

  const render = (data) => {
    results = data.results;
    list.replaceChildren();
    for (const [i, result] of results.entries()) {
      const option = document.createElement("li");
      option.id = `${list.id}_${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      if (!result.usable) option.setAttribute("aria-disabled", "true");
      const code = document.createElement("span");
      code.className = "code";
      code.textContent = result.code;
      option.append(code, document.createTextNode(` ${result.description}`));
      if (!result.usable) {
        const why = document.createElement("span");
        why.className = "why";
        why.textContent = result.message;
        option.append(why);
      }
      // mousedown, not click: the input keeps the focus, so the list is not closed by the blur first.
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(i);
      });
      list.append(option);
    }
    const usable = results.filter((r) => r.usable).length;
    status.textContent = results.length
      ? `${usable} code${usable === 1 ? "" : "s"} found; use the up and down arrow keys to choose, Enter to pick.`
      : "No code found: try other words or the start of a code.";
    if (results.length) open();
    else close();
  };

  const search = async (query) => {
    pending?.abort();
    pending = new AbortController();
    const params = new URLSearchParams({ q: query, limit: "15" });
    if (box.dataset.on) params.set("on", box.dataset.on);
    try {
      const response = await fetch(`${box.dataset.codeSearch}?${params}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: pending.signal,
      });
      if (!response.ok) {
        results = [];
        close();
        status.textContent =
          response.status === 422
            ? "Type letters or digits of a code or a description."
            : "The code search is not available; type the code.";
        return;
      }
      render(await response.json());
    } catch (error) {
      if (error.name !== "AbortError") status.textContent = "The code search is not available; type the code.";
    }
  };

  input.addEventListener("input", () => {
    const query = input.value.trim();
    clearTimeout(timer);
    if (query === lastQuery) return;
    lastQuery = query;
    if (!query) {
      pending?.abort();
      results = [];
      close();
      status.textContent = "";
      return;
    }
    timer = setTimeout(() => search(query), 150);
  });

  input.addEventListener("keydown", (event) => {
    const expanded = !list.hidden;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!expanded) {
          open();
          if (results.length && !event.altKey) setActive(0);
        } else setActive(active < results.length - 1 ? active + 1 : 0);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (!expanded) {
          open();
          if (results.length) setActive(results.length - 1);
        } else setActive(active > 0 ? active - 1 : results.length - 1);
        break;
      case "Enter":
        if (expanded && active >= 0) {
          event.preventDefault(); // choose the code; a second Enter sends the form
          choose(active);
        }
        break;
      case "Escape":
        if (expanded) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
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

addStyle();
for (const box of document.querySelectorAll("[data-code-search]")) attach(box);
