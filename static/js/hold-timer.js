// Guided pressure release: a large hold timer, the pressure level, the tool, and the patient's answer.
// Each hold is saved to the server the moment it is answered; a hold in progress survives a reload
// (its start time is kept in this browser until the hold is saved).

const panel = document.querySelector("[data-hold-panel]");

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  } catch {
    return "";
  }
}

if (panel) {
  const point = panel.dataset.point;
  const key = `knotwork-hold-${point}`;
  const min = Number(panel.dataset.holdMin);
  const max = Number(panel.dataset.holdMax);
  const timer = panel.querySelector("[data-timer]");
  const seconds = panel.querySelector("[data-seconds]");
  const toggle = panel.querySelector("[data-toggle]");
  const level = panel.querySelector("[data-level]");
  const levelValue = panel.querySelector("[data-level-value]");
  const status = panel.querySelector("[data-status]");
  const count = panel.querySelector("[data-hold-count]");
  const answers = [...panel.querySelectorAll("[data-answer]")];
  const measured = panel.querySelector("[data-measured]");
  const unit = panel.querySelector("[data-level-unit]");

  // With an algometer the level is a reading in kg/cm² (0.1 steps); otherwise the 0-10 scale.
  measured.addEventListener("change", () => {
    if (measured.checked) {
      Object.assign(level, { type: "number", min: "0", max: "20", step: "0.1" });
      unit.textContent = "kg/cm²";
    } else {
      Object.assign(level, { type: "range", min: "0", max: "10", step: "1" });
      level.value = String(Math.min(10, Math.round(Number(level.value))));
      unit.textContent = "/10";
    }
    levelValue.textContent = level.value;
  });
  let state = JSON.parse(localStorage.getItem(key) || "null") || { startedAt: null, endedAt: null };
  let ticker = null;

  const save = () => localStorage.setItem(key, JSON.stringify(state));
  const elapsed = () => {
    if (!state.startedAt) return 0;
    const end = state.endedAt ? new Date(state.endedAt) : new Date();
    return Math.max(0, Math.round((end - new Date(state.startedAt)) / 1000));
  };

  function render() {
    const s = elapsed();
    seconds.textContent = String(s);
    timer.classList.toggle("hold-short", state.startedAt && s < min);
    timer.classList.toggle("hold-ok", s >= min && s <= max);
    timer.classList.toggle("hold-long", s > max);
    const running = state.startedAt && !state.endedAt;
    toggle.textContent = running ? "Stop hold" : state.endedAt ? "Answer first" : "Start hold";
    toggle.disabled = Boolean(state.endedAt);
    toggle.setAttribute("aria-pressed", running ? "true" : "false");
    for (const button of answers) button.disabled = !state.endedAt;
  }

  function start() {
    state = { startedAt: new Date().toISOString(), endedAt: null, id: crypto.randomUUID() };
    save();
    status.textContent = "Holding…";
    ticker ??= setInterval(render, 250);
    render();
  }

  function stop() {
    state.endedAt = new Date().toISOString();
    save();
    const s = elapsed();
    const short = s < min ? ` That is shorter than the clinic's ${min} s.` : "";
    status.textContent = `Held ${s} s.${short} What does the patient say?`;
    render();
  }

  toggle.addEventListener("click", () => {
    if (state.startedAt && !state.endedAt) return stop();
    if (state.endedAt) {
      // A stopped hold is saved with the patient's answer before another begins.
      status.textContent = "Tap the patient's answer to save this hold first.";
      return undefined;
    }
    return start();
  });
  document.addEventListener("keydown", (event) => {
    if (event.code !== "Space" || event.target.closest("input, select, textarea, button, a")) return;
    event.preventDefault();
    toggle.click();
  });
  level.addEventListener("input", () => { levelValue.textContent = level.value; });

  for (const button of answers) {
    button.addEventListener("click", async () => {
      for (const other of answers) other.disabled = true; // one answer per hold, even on a double tap
      const tool = panel.querySelector("[data-tool]:checked").value;
      const body = {
        client_id: state.id ?? null,
        started_at: state.startedAt,
        ended_at: state.endedAt,
        level: Number(level.value),
        measured: measured.checked,
        tool,
        answer: button.dataset.answer,
      };
      status.textContent = "Saving…";
      let response;
      try {
        response = await fetch(`/api/v1/treatment/points/${point}/holds`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          credentials: "same-origin",
          body: JSON.stringify(body),
        });
      } catch {
        status.textContent = "Not saved: no connection. The hold is kept here; answer again when you are back online.";
        render();
        return;
      }
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        status.textContent = `Not saved: ${problem.detail || problem.title || response.status}`;
        render();
        return;
      }
      const result = await response.json();
      localStorage.removeItem(key);
      state = { startedAt: null, endedAt: null };
      const last = result.holds[result.holds.length - 1];
      count.textContent = `${result.holds.length} hold${result.holds.length === 1 ? "" : "s"} so far`;
      if (result.released) {
        status.textContent = `Hold ${last.number} saved. The point is released (${result.released.replace("_", " ")}).`;
        setTimeout(() => window.location.reload(), 900);
      } else {
        level.value = measured.checked ? Number(last.suggested_level).toFixed(1) : String(Math.round(Number(last.suggested_level)));
        levelValue.textContent = level.value;
        status.textContent = `Hold ${last.number} saved: ${last.seconds} s at ${last.level}. Suggested next: ${level.value}.`;
      }
      render();
    });
  }

  if (state.startedAt && !state.endedAt) ticker = setInterval(render, 250);
  if (state.startedAt) status.textContent = state.endedAt ? `Held ${elapsed()} s. What does the patient say?` : "Holding… (restored)";
  render();
}
