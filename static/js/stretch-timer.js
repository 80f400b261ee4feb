// Countdown for each stretch of the patient's home program: start a hold, see the seconds, count repetitions.
// At the end of a hold the phone vibrates (where it can) and a short tone sounds, so a patient lying in a stretch
// need not watch the screen. Nothing is sent anywhere; the page works without it (the hold time is printed).

let audio = null;

function tone() {
  try {
    audio = audio || new AudioContext();
    const beep = audio.createOscillator();
    const volume = audio.createGain();
    beep.frequency.value = 660;
    volume.gain.setValueAtTime(0.2, audio.currentTime);
    volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
    beep.connect(volume).connect(audio.destination);
    beep.start();
    beep.stop(audio.currentTime + 0.6);
  } catch {
    // No sound available: the screen and the live region still say "Release".
  }
}

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
    start.focus();
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
        if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
        tone();
        setTimeout(() => finish(true), 3000);
        clearInterval(ticking);
      }
    }, 250);
  });
  stop.addEventListener("click", () => finish(false));
  start.hidden = false;
}

for (const timer of document.querySelectorAll("[data-stretch-timer]")) setUp(timer);
