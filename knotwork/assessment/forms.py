from django import forms
from django.http import QueryDict

from knotwork.assessment import coding, findings, screening
from knotwork.assessment.models import (
    ACTIVATING_FACTORS,
    CONSENT_BODY,
    Intake,
    PptUnit,
    RangeOfMotion,
    ReferralStatus,
    Side,
    Technique,
    TriggerPointFinding,
)
from knotwork.assessment.services import INTAKE_FIELDS, IntakeDetails, to_kpa
from knotwork.atlas.catalog import get_atlas
from knotwork.atlas.forms import MapPositionForm, region_choices
from knotwork.atlas.selectors import parse_drawn_region
from knotwork.core.forms import CleanTextMixin
from knotwork.core.validators import LONG_TEXT
from knotwork.patients.forms import DateInput

YES_NO = [("yes", "Yes"), ("no", "No")]


class IntakeForm(CleanTextMixin, forms.ModelForm):
    """The intake, clinician or patient. Everything is optional until it is submitted."""

    activating_factors = forms.MultipleChoiceField(
        label="What may have set it off or keeps it going?",
        choices=ACTIVATING_FACTORS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    perpetuating_factors = forms.MultipleChoiceField(
        label="Do any of these apply to you?",
        help_text="Things that can keep muscle pain going. Tick any that apply; leave the rest.",
        choices=findings.factor_choices(patient_facing=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    r = forms.CharField(required=False, widget=forms.MultipleHiddenInput)

    class Meta:
        model = Intake
        # The intake services' fields, less the two this form fills from its own widgets.
        fields = [f for f in INTAKE_FIELDS if f not in ("drawing", "answers")]
        labels = {
            "chief_complaint": "What brings you in?",
            "complaint_area": "Where is the main problem?",
            "onset_date": "Since when?",
            "pain_now": "Pain now (0-10)",
            "pain_best": "Pain at its best (0-10)",
            "pain_worst": "Pain at its worst (0-10)",
            "tingling_numbness": "Tingling or numbness",
            "weakness": "Weakness",
            "sleep": "Sleep",
            "goals": "What would you like to be able to do again?",
            "medications": "Medicines you take (including blood thinners)",
        }
        widgets = {
            "onset_date": DateInput(),
            "better_with": forms.Textarea(attrs={"rows": 2}),
            "worse_with": forms.Textarea(attrs={"rows": 2}),
            "goals": forms.Textarea(attrs={"rows": 2}),
            "medications": forms.Textarea(attrs={"rows": 2}),
            "pain_now": forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
            "pain_best": forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
            "pain_worst": forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
        }

    def __init__(self, *args, patient_facing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not patient_facing:
            self.fields["perpetuating_factors"].label = "Perpetuating factors the patient reports"
            self.fields["perpetuating_factors"].help_text = ""
            self.fields["perpetuating_factors"].choices = findings.factor_choices(patient_facing=False)
        self.ruleset = screening.get_ruleset()
        answers = self.instance.answers or {}
        self.question_sections: dict[str, list[str]] = {}
        for question in self.ruleset.questions.values():
            if question.id == "age":
                continue  # computed from the date of birth
            name = f"q_{question.id}"
            label = question.text if patient_facing else question.clinician_text
            if question.type == "yes_no":
                field = forms.ChoiceField(label=label, choices=YES_NO, required=False, widget=forms.RadioSelect)
                if question.id in answers:
                    field.initial = "yes" if answers[question.id] else "no"
            elif question.type == "number":
                field = forms.IntegerField(
                    label=label, required=False, min_value=question.minimum, max_value=question.maximum
                )
                field.initial = answers.get(question.id)
            else:
                field = forms.CharField(label=label, required=False, max_length=300)
                field.initial = answers.get(question.id, "")
            self.fields[name] = field
            self.question_sections.setdefault(question.section, []).append(name)
        self.fields["r"].initial = [f"{m['region']}:{m['intensity']}:{m['quality']}" for m in self.instance.drawing]
        if not self.is_bound and self.instance.needs_correction:
            # Reopened draft: show what was typed into fields that still need correcting, with their errors.
            data = self._bound_initial()
            for name, value in self.instance.needs_correction.items():
                if name in self.fields:
                    data[name] = value
            self.data = data
            self.is_bound = True

    def _bound_initial(self) -> QueryDict:
        """The draft's saved values as form data, so a reopened draft can be shown with its errors."""
        data = QueryDict(mutable=True)
        for name, field in self.fields.items():
            value = self.get_initial_for_field(field, name)
            if value in (None, "", [], {}):
                continue
            if isinstance(value, list | tuple):
                data.setlist(name, [str(v) for v in value])
            elif isinstance(value, bool):
                if value:
                    data[name] = "on"
            else:
                data[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return data

    def clean_r(self):
        values = self.data.getlist("r") if hasattr(self.data, "getlist") else []
        drawing = {}
        for text in values:
            try:
                mark = parse_drawn_region(text)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from error

            if mark.region not in get_atlas().regions:
                raise forms.ValidationError(f"Unknown body region {mark.region!r}.")
            drawing[mark.region] = {"region": mark.region, "intensity": mark.intensity, "quality": mark.quality}
        return list(drawing.values())

    def clean(self):
        cleaned = super().clean()
        best, worst = cleaned.get("pain_best"), cleaned.get("pain_worst")
        if best is not None and worst is not None and best > worst:
            self.add_error("pain_best", "The best pain cannot be higher than the worst pain.")
        return cleaned

    def intake_data(self) -> IntakeDetails:
        """The valid part of what was typed, ready for the intake services."""
        data = IntakeDetails(
            **{name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        )
        if "r" in self.cleaned_data:
            data["drawing"] = self.cleaned_data["r"]
        answers = dict(self.instance.answers or {})
        for question in self.ruleset.questions.values():
            name = f"q_{question.id}"
            if name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            if question.type == "yes_no":
                if value in ("yes", "no"):
                    answers[question.id] = value == "yes"
            elif value not in (None, ""):
                answers[question.id] = value
        data["answers"] = answers
        return data

    def section_fields(self, section: str):
        return [self[name] for name in self.question_sections.get(section, [])]


class OverrideForm(CleanTextMixin, forms.Form):
    rule = forms.CharField(widget=forms.HiddenInput, max_length=80)
    reason = forms.CharField(
        label="Clinical reason for proceeding", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class ReferralUpdateForm(CleanTextMixin, forms.Form):
    status = forms.ChoiceField(choices=ReferralStatus.choices)
    to_whom = forms.CharField(max_length=200, required=False, label="To whom")
    result = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Result", max_length=LONG_TEXT
    )


class ConsentSignForm(CleanTextMixin, forms.Form):
    shown_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    signed_name = forms.CharField(label="Type your full name", max_length=200)
    signature = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100_000)
    agree = forms.BooleanField(
        label="I have read this information, had the chance to ask questions, and agree to this treatment."
    )


class ConsentEditForm(CleanTextMixin, forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 16}), max_length=CONSENT_BODY)


class WithdrawForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(max_length=300, required=False, label="Reason (optional)")


class TriggerPointForm(CleanTextMixin, MapPositionForm, forms.ModelForm):
    muscle = forms.ChoiceField(label="Muscle")
    pick_region = forms.ChoiceField(label="Or choose the region from a list", required=False)

    class Meta:
        model = TriggerPointFinding
        fields = [
            "muscle",
            "side",
            "region",
            "view",
            "x",
            "y",
            "taut_band",
            "spot_tenderness",
            "referred_pain",
            "pain_recognised",
            "twitch_response",
            "painful_stretch",
            "weakness",
            "palpation_pain",
            "ppt_value",
            "ppt_unit",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2}), "side": forms.RadioSelect}

    def __init__(self, *args, suggested=(), **kwargs):
        super().__init__(*args, **kwargs)

        muscles = sorted(get_atlas().muscles.values(), key=lambda m: m.name)
        suggested_ids = list(dict.fromkeys(suggested))
        choices = [("", "Choose a muscle")]
        if suggested_ids:
            choices.append(("Suggested by the pain drawing", [(m, get_atlas().muscles[m].name) for m in suggested_ids]))
        choices.append(("All muscles", [(m.id, m.name) for m in muscles]))
        self.fields["muscle"].choices = choices
        self.fields["side"].choices = Side.choices
        self.fields["ppt_unit"].choices = [("", "—"), *PptUnit.choices]

        self.fields["pick_region"].choices = [("", "—"), *region_choices()]

    def clean(self):
        cleaned = super().clean()
        if (not cleaned.get("region") or cleaned.get("x") is None) and cleaned.get("pick_region"):
            # Keyboard or screen-reader entry: place the point at the middle of the chosen region.

            atlas = get_atlas()
            region = cleaned["pick_region"]
            view = next(v for v in ("back", "front") if region in atlas.shapes[v])
            min_x, min_y, max_x, max_y = atlas.shapes[view][region].bbox
            cleaned.update(region=region, view=view, x=round((min_x + max_x) / 2, 1), y=round((min_y + max_y) / 2, 1))
        if not cleaned.get("region") or cleaned.get("x") is None:
            self.add_error(None, "Click the body map where you found the point, or choose the region from the list.")
        elif (
            cleaned.get("side")
            and not cleaned["region"].startswith(cleaned["side"])
            and "-" in cleaned["region"]
            and cleaned["region"].split("-")[0] in ("left", "right")
        ):
            self.add_error("side", "The side does not match the region marked on the map.")
        if (cleaned.get("ppt_value") is None) != (not cleaned.get("ppt_unit")):
            self.add_error("ppt_unit", "Give the pressure pain threshold together with its unit.")
        elif cleaned.get("ppt_value") is not None and cleaned.get("ppt_unit") in PptUnit.values:
            problem = findings.ppt_problem(to_kpa(cleaned["ppt_value"], cleaned["ppt_unit"]))
            if problem:
                self.add_error("ppt_value", problem)
        return cleaned


class ReasonMixin(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label="Why (kept in the history)",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TriggerPointCorrectionForm(ReasonMixin, TriggerPointForm):
    """The finding's own form, filled with what was recorded, and why it is corrected."""

    def point_changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("pick_region", "reason")}


class RangeOfMotionForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = RangeOfMotion
        fields = ["movement", "side", "degrees", "painful"]
        widgets = {
            "movement": forms.TextInput(attrs={"list": "rom-movements", "autocomplete": "off"}),
            "degrees": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }
        help_texts = {"movement": "Choose a movement from the list or type one."}

    def clean(self):
        cleaned = super().clean()
        problem = findings.rom_problem(cleaned.get("movement") or "", cleaned.get("degrees"))
        if problem:
            self.add_error("degrees", problem)
        return cleaned


class RangeOfMotionCorrectionForm(ReasonMixin, RangeOfMotionForm):
    def rom_changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class RemovalForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label="Why is it removed?",
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the entry: a removed entry stays in the examination's history.",
        error_messages={"required": "Write why this entry is removed; the reason is kept with it."},
    )


class ExaminationFactorsForm(CleanTextMixin, forms.Form):
    perpetuating_factors = forms.MultipleChoiceField(
        label="Perpetuating factors found or suspected",
        choices=findings.factor_choices(patient_facing=False),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class DiagnosisForm(CleanTextMixin, forms.Form):
    """A working diagnosis: an ICD-10-CM code valid on the date of service, typed or found with the code search.

    Without JavaScript the field is a plain text box: a code is taken as typed (with or without the dot), and words
    get the closest codes back as the error, so the next try can name one. `service_date` defaults to today.
    """

    code = forms.CharField(
        label="ICD-10-CM code",
        max_length=coding.QUERY_LIMIT,
        help_text="Type a code (M79.18) or words (right shoulder), then choose a code from the list.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "data-code-input": ""}),
    )
    is_primary = forms.BooleanField(required=False, label="Primary diagnosis")

    def __init__(self, *args, service_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.service_date = service_date or coding.today()
        self.code_set = coding.get_code_set()
        self.code_set_stale = coding.is_stale(self.service_date, self.code_set)

    def clean_code(self) -> str:
        typed = self.cleaned_data["code"].strip()
        code = coding.normalize(typed)
        if code not in self.code_set.codes and typed:
            # "M25.511 Pain in right shoulder" (pasted from a letter) counts as its code.
            code = coding.normalize(typed.split(maxsplit=1)[0])
        if code not in self.code_set.codes:
            matches = [m for m in coding.search(typed, on=self.service_date, codes=self.code_set, limit=6) if m.usable]
            if matches:
                shown = "; ".join(f"{m.code.code} {m.code.description}" for m in matches[:5])
                more = " (and more: add a word to narrow it)" if len(matches) > 5 else ""
                raise forms.ValidationError(f"Choose one code and type it here: {shown}{more}.")
            raise forms.ValidationError(
                f"No code in the clinic's ICD-10-CM list ({self.code_set.name}) matches {typed!r}: "
                "type a code such as M79.18, or other words."
            )
        reason = coding.refusal(code, on=self.service_date, codes=self.code_set)
        if reason:
            raise forms.ValidationError(reason)
        return code


class DiagnosisCorrectionForm(ReasonMixin, DiagnosisForm):
    """The diagnosis form (the same code checks), filled with the recorded code, and why it is corrected."""


class SignConsentTechniqueForm(CleanTextMixin, forms.Form):
    technique = forms.ChoiceField(choices=Technique.choices)
