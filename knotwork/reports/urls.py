from django.urls import path

from knotwork.reports import views

# Mounted at the site root: the documents keep the addresses they had under treatment/ and plans/.
app_name = "reports"
urlpatterns = [
    path("treatment/sessions/<uuid:public_id>/aftercare/", views.aftercare, name="aftercare"),
    path("treatment/sessions/<uuid:public_id>/aftercare.pdf", views.aftercare_pdf, name="aftercare_pdf"),
    path("plans/<uuid:plan_id>/review.pdf", views.course_review_pdf, name="course_review_pdf"),
]
