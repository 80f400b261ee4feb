// Countdown for each stretch of the patient's home program: start a hold, hear/see the seconds, count repetitions.
// Nothing is sent anywhere; the page works without it (the hold time is printed beside the timer).

function setUp(timer) {
  const seconds = Number(timer.dataset.seconds);
  const repetitions = Number(timer.dataset.repetitions);
  const display = timer.querySelector("[data-display]");
  const progress = timer.querySelector("[data-progress]");
  const start = timer.querySelector("[data-start]");
  const stop = timer.querySelector("[data-stop]");
  let done = 0;
  let ticking = null;

  const show = (left) => {
    display.textContent = `${left} s`;
  };
  const finish = (completed) => {
    clearInterval(ticking);
    ticking = null;
    stop.hidden = true;
    start.hidden = false;
    if (completed) done += 1;
    if (done >= repetitions) {
      progress.textContent = `All ${repetitions} done. Well done.`;
      start.textContent = "Start again";
      done = 0;
    } else {
      progress.textContent = `Repetition ${done + 1} of ${repetitions}`;
      start.textContent = completed ? "Next hold" : "Start hold";
    }
    show(seconds);
  };

  start.addEventListener("click", () => {
    const endsAt = Date.now() + seconds * 1000;
    start.hidden = true;
    stop.hidden = false;
    stop.focus();
    show(seconds);
    progress.textContent = `Holding, repetition ${done + 1} of ${repetitions}`;
    ticking = setInterval(() => {
      const left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      show(left);
      if (left === 0) {
        display.textContent = "Release";
        progress.textContent = "Release";
        setTimeout(() => finish(true), 1500);
        clearInterval(ticking);
      }
    }, 250);
  });
  stop.addEventListener("click", () => finish(false));
  start.hidden = false;
}

for (const timer of document.querySelectorAll("[data-stretch-timer]")) setUp(timer);
