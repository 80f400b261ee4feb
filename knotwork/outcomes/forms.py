import datetime

from django import forms
from django.utils import timezone

from knotwork.core.forms import CleanTextMixin
from knotwork.outcomes import scoring
from knotwork.outcomes.models import LICENSED, SECTION_NAMES, Instrument, Occasion
from knotwork.outcomes.services import ACTIVITY_MAX_LENGTH, PSFS_MAX_ACTIVITIES

ITEMS = 10
PAIN_LABELS = {0: "0 — no pain", 10: "10 — the worst pain you can imagine"}
SCORE_LABELS = {0: "0 — least limitation", 5: "5 — greatest limitation"}
SKIP_LABEL = "Leave blank"


def _choices(high: int, labels: dict[int, str]) -> list[tuple[str, str]]:
    return [(str(value), labels.get(value, str(value))) for value in range(high + 1)]


class QuestionnaireChoiceForm(CleanTextMixin, forms.Form):
    """Which questionnaire to record, and when: the staff page's first step."""

    instrument = forms.ChoiceField(label="Questionnaire", choices=Instrument.choices)
    occasion = forms.ChoiceField(label="Taken at", choices=Occasion.choices, initial=Occasion.INTAKE)


class QuestionnaireForm(CleanTextMixin, forms.Form):
    """One questionnaire's answers. Scoring rules are checked here too, so a refusal is a message, not an error page.

    ODI/NDI: ten sections, each answered 0-5 or left blank (skipped); the clinic's licensed statements label the
    answers when it loaded them, otherwise the answers carry their score only. NPRS: one rating 0-10. PSFS: up to five
    activities named by the patient, each rated 0-10 (a follow-up starts from the baseline's activities).
    """

    def __init__(
        self,
        data=None,
        *,
        instrument: str,
        wording=None,
        activities: list[str] | None = None,
        ask_date: bool = False,
        **kwargs,
    ):
        super().__init__(data, **kwargs)
        self.instrument = instrument
        self.wording = wording
        if instrument == Instrument.NPRS:
            self.fields["item_1"] = forms.ChoiceField(
                label="Your pain right now, from 0 to 10",
                choices=_choices(10, PAIN_LABELS),
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choose a number from 0 to 10.",
                    "invalid_choice": "%(value)s is not on the scale: choose 0 to 10.",
                },
            )
        elif instrument in LICENSED:
            names = SECTION_NAMES[instrument]
            sections = wording.sections if wording is not None else None
            for number in range(1, ITEMS + 1):
                if sections:
                    section = sections[number - 1]
                    label = f"{number}. {section['name']}"
                    choices = [(str(i), text) for i, text in enumerate(section["statements"])]
                else:
                    label = f"{number}. {names[number - 1]}"
                    choices = _choices(5, SCORE_LABELS)
                self.fields[f"item_{number}"] = forms.ChoiceField(
                    label=label,
                    choices=[*choices, ("", SKIP_LABEL)],  # a way back to blank once an answer was chosen
                    required=False,
                    widget=forms.RadioSelect,
                    error_messages={"invalid_choice": "%(value)s is not a possible answer: choose 0 to 5."},
                )
        else:
            names = list(activities or [])[:PSFS_MAX_ACTIVITIES]
            for number in range(1, PSFS_MAX_ACTIVITIES + 1):
                self.fields[f"activity_{number}"] = forms.CharField(
                    label=f"Activity {number}",
                    max_length=ACTIVITY_MAX_LENGTH,
                    required=False,
                    initial=names[number - 1] if number <= len(names) else "",
                )
                self.fields[f"rating_{number}"] = forms.IntegerField(
                    label=f"Activity {number} rating (0-10)",
                    min_value=0,
                    max_value=10,
                    required=False,
                    error_messages={
                        "invalid": "Enter a whole number from 0 to 10.",
                        "min_value": "Enter a rating from 0 to 10.",
                        "max_value": "Enter a rating from 0 to 10.",
                    },
                )

        if ask_date:  # staff typing in a paper form answered earlier
            self.fields["answered_on"] = forms.DateField(
                label="Answered on",
                required=False,
                help_text="Leave empty for today; fill in when typing in a paper form from an earlier day.",
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def item_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith("item_")]

    def activity_rows(self) -> list[tuple]:
        return [(self[f"activity_{n}"], self[f"rating_{n}"]) for n in range(1, PSFS_MAX_ACTIVITIES + 1)]

    def clean(self):
        data = super().clean()
        answered_on = data.get("answered_on")
        if answered_on and answered_on > timezone.localdate():
            self.add_error("answered_on", "A questionnaire cannot be answered on a future day.")

        def answers_have_errors() -> bool:  # a wrong date alone does not hide the answers' own problems
            return any(name != "answered_on" for name in self.errors)

        if answers_have_errors():
            return data
        if self.instrument == Instrument.PSFS:
            activities, answers = [], []
            for number in range(1, PSFS_MAX_ACTIVITIES + 1):
                name = (data.get(f"activity_{number}") or "").strip()
                rating = data.get(f"rating_{number}")
                if name and rating is None:
                    self.add_error(f"rating_{number}", "Rate this activity from 0 to 10, or clear its name.")
                elif rating is not None and not name:
                    self.add_error(f"activity_{number}", "Name the activity you rated.")
                elif name:
                    activities.append(name)
                    answers.append(rating)
            if answers_have_errors():
                return data
            if not activities:
                raise forms.ValidationError(
                    "Name at least one activity you find hard because of your problem, and rate it."
                )
            if len({a.casefold() for a in activities}) != len(activities):
                raise forms.ValidationError("Each activity may be named only once.")
        else:
            activities = []
            items = len(self.item_fields())
            answers = [
                None if data.get(f"item_{n}") in (None, "") else int(data[f"item_{n}"]) for n in range(1, items + 1)
            ]
        try:
            scoring.score(self.instrument, answers)
        except scoring.ScoringError as error:
            raise forms.ValidationError(str(error)) from error
        self.answers = answers
        self.activities = activities
        self.taken_at = None
        if answered_on and answered_on != timezone.localdate():
            # An earlier day: noon in the current (clinic) time zone, so the date reads the same everywhere.
            self.taken_at = datetime.datetime.combine(answered_on, datetime.time(12), timezone.get_current_timezone())
        return data
