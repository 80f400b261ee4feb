"""Who may plan a course: writing the plan is clinical; booking its appointments is front-desk work too."""

from knotwork.clinics.policy import CLINICAL, STAFF, rule
from knotwork.core.policy import register

register(
    rule("create_plan", "write a treatment plan", CLINICAL),
    rule("update_plan", "change a treatment plan", CLINICAL),
    rule("add_goal", "add a goal to a plan", CLINICAL),
    rule("mark_goal_met", "mark a goal met", CLINICAL),
    rule("add_home_exercise", "add a home stretch", CLINICAL),
    rule("remove_home_exercise", "remove a home stretch", CLINICAL),
    rule("book_course", "book a course's appointments", STAFF),
    rule("end_plan", "end a course", CLINICAL),
)
