// Guided pressure release: a large hold timer, the pressure level, the tool, and the patient's answer.
// The patient may answer during the hold (the answer ends it) or after it is stopped. Each hold is saved the
// moment it is answered; a hold shorter than the clinic's minimum is saved only once confirmed (a "stop" is
// saved at once). A hold in progress survives a reload: its start time is kept in this browser until it is saved.
// The timer warns past the clinic's longest hold; it never stops a hold.

const panel = document.querySelector("[data-hold-panel]");

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  } catch {
    return "";
  }
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

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
  const suggestionNote = panel.querySelector("[data-suggestion-note]");
  const useSuggestion = panel.querySelector("[data-use-suggestion]");
  const status = panel.querySelector("[data-status]");
  const count = panel.querySelector("[data-hold-count]");
  const answers = [...panel.querySelectorAll("[data-answer]")];
  const measured = panel.querySelector("[data-measured]");
  const unit = panel.querySelector("[data-level-unit]");
  const confirmBox = panel.querySelector("[data-confirm]");
  const confirmText = panel.querySelector("[data-confirm-text]");
  const maxKg = level.dataset.maxKg || "20";
  const row = document.querySelector(`[data-point-row="${point}"]`);
  const answerLabel = Object.fromEntries(answers.map((b) => [b.dataset.answer, b.textContent.trim().toLowerCase()]));
  let suggested = panel.dataset.suggested;
  let saving = false;
  let pending = null; // an answer waiting for the short-hold confirmation

  // One value on screen: the level itself, marked "suggested" while it is the suggestion.
  function showLevel() {
    levelValue.textContent = level.value;
    const same = Number(level.value) === Number(suggested);
    suggestionNote.textContent = same ? "suggested" : "your choice";
    suggestionNote.classList.toggle("changed", !same);
    useSuggestion.hidden = same;
  }

  // With an algometer the level is a reading in kg/cm² (0.1 steps); otherwise the 0-10 scale.
  measured.addEventListener("change", () => {
    if (measured.checked) {
      Object.assign(level, { type: "number", min: "0", max: maxKg, step: "0.1" });
      unit.textContent = " kg/cm²";
    } else {
      Object.assign(level, { type: "range", min: "0", max: "10", step: "1" });
      level.value = String(Math.min(10, Math.round(Number(level.value))));
      unit.textContent = "/10";
    }
    showLevel();
  });
  level.addEventListener("input", showLevel);
  useSuggestion.addEventListener("click", () => {
    level.value = suggested;
    showLevel();
  });

  let state = JSON.parse(localStorage.getItem(key) || "null") || { startedAt: null, endedAt: null };
  let ticker = null;

  const save = () => localStorage.setItem(key, JSON.stringify(state));
  const elapsed = () => {
    if (!state.startedAt) return 0;
    const end = state.endedAt ? new Date(state.endedAt) : new Date();
    return Math.max(0, Math.round((end - new Date(state.startedAt)) / 1000));
  };
  const running = () => Boolean(state.startedAt && !state.endedAt);

  function render() {
    const s = elapsed();
    seconds.textContent = String(s);
    timer.classList.toggle("hold-short", Boolean(state.startedAt) && s < min);
    timer.classList.toggle("hold-ok", s >= min && s <= max);
    timer.classList.toggle("hold-long", s > max);
    if (running() && s > max) status.textContent = `Past the clinic's ${max} s: release when the point allows.`;
    toggle.textContent = running() ? "Stop hold" : state.endedAt ? "Answer first" : "Start hold";
    toggle.disabled = Boolean(state.endedAt);
    toggle.setAttribute("aria-pressed", running() ? "true" : "false");
    for (const button of answers) button.disabled = saving || !state.startedAt || !confirmBox.hidden;
  }

  function start() {
    state = { startedAt: new Date().toISOString(), endedAt: null, id: crypto.randomUUID() };
    save();
    status.textContent = "Holding… tap the patient's answer at any time.";
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
    if (running()) return stop();
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

  function updatePointRow(holds) {
    if (!row) return;
    row.querySelector("[data-point-holds]").textContent = plural(holds.length, "hold");
    row.querySelector("[data-point-hold-list]").textContent = holds
      .map((h) => `${h.seconds} s at ${Number(h.level)} (${answerLabel[h.answer] ?? h.answer})`)
      .join("; ");
  }

  async function send(answer) {
    saving = true;
    render();
    const tool = panel.querySelector("[data-tool]:checked").value;
    const body = {
      client_id: state.id ?? null,
      started_at: state.startedAt,
      ended_at: state.endedAt,
      level: Number(level.value),
      measured: measured.checked,
      tool,
      answer,
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
      saving = false;
      status.textContent = "Not saved: no connection. The hold is kept here; answer again when you are back online.";
      render();
      return;
    }
    saving = false;
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
    count.textContent = `${plural(result.holds.length, "hold")} so far`;
    updatePointRow(result.holds);
    if (result.released) {
      status.textContent = `Hold ${last.number} saved. The point is released (${result.released.replace("_", " ")}).`;
      setTimeout(() => window.location.reload(), 900);
    } else {
      suggested = measured.checked ? Number(last.suggested_level).toFixed(1) : String(Math.round(Number(last.suggested_level)));
      level.value = suggested;
      showLevel();
      status.textContent = `Hold ${last.number} saved (${last.seconds} s, ${answerLabel[last.answer] ?? last.answer}). The pressure is set to the suggestion for the next hold.`;
    }
    render();
  }

  function answerWith(answer) {
    if (saving || !state.startedAt) return; // one answer per hold, even on a double tap
    if (running()) stop(); // an answer during the hold ends it
    const s = elapsed();
    if (s < min && answer !== "stop") {
      // A short hold is kept only when the practitioner says so; "stop" is always saved at once.
      pending = answer;
      confirmText.textContent = `This hold lasted ${s} s, shorter than the clinic's ${min} s. Save it as it is?`;
      confirmBox.hidden = false;
      status.textContent = "";
      render();
      confirmBox.querySelector("[data-confirm-save]").focus();
      return;
    }
    send(answer);
  }

  for (const button of answers) button.addEventListener("click", () => answerWith(button.dataset.answer));
  confirmBox.querySelector("[data-confirm-save]").addEventListener("click", () => {
    confirmBox.hidden = true;
    const answer = pending;
    pending = null;
    if (answer) send(answer);
  });
  confirmBox.querySelector("[data-confirm-discard]").addEventListener("click", () => {
    confirmBox.hidden = true;
    pending = null;
    localStorage.removeItem(key);
    state = { startedAt: null, endedAt: null };
    status.textContent = "Hold discarded. Start the next one when ready.";
    render();
  });

  showLevel();
  if (running()) ticker = setInterval(render, 250);
  if (state.startedAt) status.textContent = state.endedAt ? `Held ${elapsed()} s. What does the patient say?` : "Holding… (restored)";
  render();
}
