from django import template

from knotwork.core import policy
from knotwork.documents import selectors, services
from knotwork.documents.forms import CHART_FORM_IDS, UploadForm

register = template.Library()

SHOWN = 5


@register.inclusion_tag("documents/components/documents_panel.html", takes_context=True)
def documents_panel(context, patient, referrals=None):
    """The chart's card: the latest documents, the upload form and the letters (the chart's own context has none).

    `referrals`: the patient's medical referrals when the page has read them already (the chart has); the open
    ones are picked from them instead of being read again."""
    user = context["request"].user
    # Each line shows the title, kind and day: none of the rows a document joins.
    documents = list(selectors.list_documents(user, patient).select_related(None)[: SHOWN + 1])
    if referrals is None:
        referrals = list(selectors.open_referrals(patient))
    else:
        referrals = sorted((r for r in referrals if r.is_open), key=lambda r: r.created_at, reverse=True)
    return {
        "patient": patient,
        "documents": documents[:SHOWN],
        "more": len(documents) > SHOWN,
        "count": selectors.list_documents(user, patient).count() if len(documents) > SHOWN else len(documents),
        "open_referrals": len(referrals),
        # Drawn with the card only when a referral waits for its result (the card then opens on it); otherwise the
        # form is fetched when "Add a document" is opened (`documents:upload_form`): most chart views never use it.
        "form": UploadForm(referrals=referrals, max_bytes=services.max_upload_bytes(), auto_id=CHART_FORM_IDS)
        if referrals
        else None,
        "may_upload": policy.can(user, "upload_document", patient),
        "may_send_letter": policy.can(user, "send_letter", patient),
        "csrf_token": context.get("csrf_token"),
    }
