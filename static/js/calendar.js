// Move appointments on the calendar: drag a booked appointment to another time (day view, snapped to the 5-minute
// grid) or day (week view) and practitioner, or use the keyboard: focus an appointment and press M, then
// Up/Down move it 5 minutes, Left/Right a day, Enter moves it, Escape cancels.
// Each move posts the new date, time and practitioner to the appointment's move address (CSRF token from the page);
// the server checks clashes, time off and working hours. A refusal puts the block back and reads out why.

const GRID = 5; // minutes
const ROW = 30; // minutes a row of the day view spans

const root = document.querySelector("[data-calendar]");
const status = document.querySelector("[data-calendar-status]");

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

const toMinutes = (text) => {
  const [h, m] = text.split(":").map(Number);
  return h * 60 + m;
};
const toTime = (minutes) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
const addDays = (date, days) => {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
};
const dayText = (date) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString("en-GB", {
    weekday: "long",
    day: "numeric",
    month: "long",
    timeZone: "UTC",
  });

function say(text) {
  if (status) status.textContent = text;
}

function showTime(chip, date, time) {
  const span = chip.querySelector(".appt-time");
  if (!span) return;
  const end = toTime(Math.min(toMinutes(time) + Number(chip.dataset.minutes || 0), 24 * 60 - 1));
  span.textContent = `${date === chip.dataset.date ? "" : `${dayText(date)}, `}${time}–${end}`;
}

async function post(chip, target) {
  chip.classList.add("appt-saving");
  chip.setAttribute("aria-busy", "true");
  say("Moving…");
  try {
    const response = await fetch(chip.dataset.moveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: new URLSearchParams(target),
      credentials: "same-origin",
    });
    let body = {};
    try {
      body = await response.json();
    } catch {
      body = {};
    }
    if (response.ok) {
      say(body.detail || "Moved.");
      window.location.reload();
      return true;
    }
    say(`Not moved: ${body.detail || "the server refused the move."}`);
  } catch {
    say("Not moved: the server could not be reached. Try again.");
  }
  chip.classList.remove("appt-saving");
  chip.removeAttribute("aria-busy");
  return false;
}

// --- dragging ------------------------------------------------------------------------------------------------

let dragged = null; // { chip, parent, next }

function targetOf(cell, event) {
  const practitioner = cell.dataset.practitioner;
  const date = cell.dataset.date;
  if (!cell.dataset.time) return { date, time: dragged.chip.dataset.time, practitioner };
  // The row under the pointer, and how far down it the pointer is, to the 5-minute grid.
  const rect = cell.getBoundingClientRect();
  const down = (event.clientY - rect.top) / rect.height;
  const within = Math.max(0, Math.min(ROW - GRID, Math.floor((down * ROW) / GRID) * GRID));
  return { date, time: toTime(toMinutes(cell.dataset.time) + within), practitioner };
}

function hint(cell, text) {
  let label = cell.querySelector(".drop-hint");
  if (!label) {
    label = document.createElement("span");
    label.className = "drop-hint";
    label.setAttribute("aria-hidden", "true");
    cell.prepend(label);
  }
  label.textContent = text;
}

function clearHints() {
  for (const cell of document.querySelectorAll(".drop-target")) cell.classList.remove("drop-target");
  for (const label of document.querySelectorAll(".drop-hint")) label.remove();
}

function putBack(state) {
  state.parent.insertBefore(state.chip, state.next);
  showTime(state.chip, state.chip.dataset.date, state.chip.dataset.time);
}

if (root) {
  root.addEventListener("dragstart", (event) => {
    const chip = event.target.closest?.("[data-move-url]");
    if (!chip) return;
    dragged = { chip, parent: chip.parentNode, next: chip.nextSibling };
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", chip.querySelector(".appt-time")?.textContent || "appointment");
    chip.classList.add("appt-dragging");
  });
  root.addEventListener("dragover", (event) => {
    const cell = event.target.closest?.("[data-drop]");
    if (!dragged || !cell) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    const target = targetOf(cell, event);
    if (!cell.classList.contains("drop-target")) {
      clearHints();
      cell.classList.add("drop-target");
    }
    hint(cell, root.dataset.calendar === "day" ? target.time : dayText(target.date));
  });
  root.addEventListener("drop", async (event) => {
    const cell = event.target.closest?.("[data-drop]");
    if (!dragged || !cell) return;
    event.preventDefault();
    const state = dragged;
    const target = targetOf(cell, event);
    clearHints();
    state.chip.classList.remove("appt-dragging");
    if (
      target.date === state.chip.dataset.date &&
      target.time === state.chip.dataset.time &&
      target.practitioner === state.chip.dataset.practitioner
    ) {
      dragged = null;
      return;
    }
    cell.append(state.chip);
    showTime(state.chip, target.date, target.time);
    const moved = await post(state.chip, target);
    if (!moved) {
      putBack(state);
      state.chip.focus();
    }
    dragged = null;
  });
  root.addEventListener("dragend", () => {
    clearHints();
    if (dragged) dragged.chip.classList.remove("appt-dragging");
  });
}

// --- the keyboard ---------------------------------------------------------------------------------------------

let moving = null; // { chip, date, time }

function describe() {
  say(
    `New time ${dayText(moving.date)} at ${moving.time}. Arrow keys change it, Enter moves the appointment, Escape cancels.`,
  );
}

function stopMoving(text) {
  if (!moving) return;
  moving.chip.classList.remove("appt-moving");
  showTime(moving.chip, moving.chip.dataset.date, moving.chip.dataset.time);
  moving = null;
  if (text) say(text);
}

if (root) {
  root.addEventListener("keydown", async (event) => {
    const chip = event.target.closest?.("[data-move-url]");
    if (!chip) return;
    if (!moving || moving.chip !== chip) {
      if ((event.key === "m" || event.key === "M") && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        stopMoving();
        moving = { chip, date: chip.dataset.date, time: chip.dataset.time };
        chip.classList.add("appt-moving");
        describe();
      }
      return;
    }
    const minutes = toMinutes(moving.time);
    switch (event.key) {
      case "ArrowUp":
        moving.time = toTime(Math.max(0, minutes - GRID));
        break;
      case "ArrowDown":
        moving.time = toTime(Math.min(24 * 60 - GRID, minutes + GRID));
        break;
      case "ArrowLeft":
        moving.date = addDays(moving.date, -1);
        break;
      case "ArrowRight":
        moving.date = addDays(moving.date, 1);
        break;
      case "Enter": {
        event.preventDefault(); // not the link
        const state = moving;
        if (state.date === chip.dataset.date && state.time === chip.dataset.time) {
          stopMoving("The appointment stays where it is.");
          return;
        }
        const moved = await post(chip, {
          date: state.date,
          time: state.time,
          practitioner: chip.dataset.practitioner,
        });
        if (!moved && moving === state) {
          const reason = status?.textContent;
          stopMoving();
          say(reason);
        }
        return;
      }
      case "Escape":
        event.preventDefault();
        stopMoving("Move cancelled; the appointment stays where it was.");
        return;
      default:
        return;
    }
    event.preventDefault();
    showTime(chip, moving.date, moving.time);
    describe();
  });
  root.addEventListener("focusout", (event) => {
    if (moving && event.target === moving.chip) stopMoving("Move cancelled; the appointment stays where it was.");
  });
}
