"""Moments of a course that higher floors take part in, registering in their AppConfig.ready."""

from knotwork.core.hooks import Hook

course_ending = Hook(
    "plans.course_ending",
    "A course is about to end: (plan=) -> a refusal the clinician reads (the course stays open), or None.",
)
