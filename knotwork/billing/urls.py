from django.urls import path

from knotwork.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.home, name="home"),
    path("visit/", views.draft_from_visit, name="draft_from_visit"),
    path("patients/<uuid:patient_id>/", views.account, name="account"),
    path("patients/<uuid:patient_id>/invoice/", views.draft_blank, name="draft_blank"),
    path("patients/<uuid:patient_id>/package/", views.package_sell, name="package_sell"),
    path("patients/<uuid:patient_id>/refund/", views.refund, name="refund"),
    path("invoices/<uuid:public_id>/", views.invoice, name="invoice"),
    path("invoices/<uuid:public_id>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<uuid:public_id>/details/", views.invoice_update, name="invoice_update"),
    path("invoices/<uuid:public_id>/lines/", views.line_add, name="line_add"),
    path("invoices/<uuid:public_id>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<uuid:public_id>/delete/", views.invoice_delete, name="invoice_delete"),
    path("invoices/<uuid:public_id>/void/", views.invoice_void, name="invoice_void"),
    path("invoices/<uuid:public_id>/credit/", views.invoice_credit, name="invoice_credit"),
    path("invoices/<uuid:public_id>/payments/", views.payment_record, name="payment_record"),
    path("invoices/<uuid:public_id>/superbill/", views.superbill, name="superbill"),
    path("invoices/<uuid:public_id>/superbill.pdf", views.superbill_pdf, name="superbill_pdf"),
    path("invoices/<uuid:public_id>/superbill.csv", views.superbill_csv, name="superbill_csv"),
    path("lines/<uuid:line_id>/", views.line_update, name="line_update"),
    path("lines/<uuid:line_id>/remove/", views.line_remove, name="line_remove"),
    path("receipts/<uuid:public_id>/", views.receipt, name="receipt"),
    path("receipts/<uuid:public_id>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("fees/", views.fees, name="fees"),
    path("fees/<uuid:public_id>/", views.fee_edit, name="fee_edit"),
    path("settings/", views.billing_settings, name="settings"),
    path("reports/", views.reports, name="reports"),
    path("reports/<slug:report>.csv", views.report_csv, name="report_csv"),
]
