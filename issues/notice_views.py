"""The web side of supervision notices (催办/督办): the secretariat's form on the issue page
and the notice printed (PDF, DOCX). The rules are `issues.notices`; downloads are written to
the audit log by `audit.log.AuditMiddleware`, like every document."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from issues import notices
from issues.forms import notice_form_class
from issues.notice_print import filename, notice_context, notice_docx, render_notice_pdf
from issues.services import issue_for
from issues.views import _detail_context
from liaison.access import Conflict
from liaison.forms import add_service_errors
from printing.docx import CONTENT_TYPE as DOCX_CONTENT_TYPE


@login_required
@require_POST
def notice_create(request, pk):
    issue = issue_for(request.user, pk)
    notices.check_may_issue(request.user)
    form = notice_form_class()(request.POST, prefix="notice")
    status = 400
    if form.is_valid():
        try:
            notice = notices.issue_notice(issue, request.user, **form.inputs())
        except Conflict as exc:
            messages.error(request, str(exc))
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已发出%(number)s。") % {"number": notice.number})
            return redirect("issues:detail", pk=issue.pk)
    if status == 400:
        messages.error(request, _("未能发出通知，请按提示修改后重新提交。"))
    issue = issue_for(request.user, pk)
    context = _detail_context(request, issue, notice_form=form if status == 400 else None)
    return render(request, "issues/detail.html", context, status=status)


@login_required
@require_GET
def notice_pdf(request, pk):
    notice = notices.notice_for(request.user, pk)
    response = HttpResponse(render_notice_pdf(notice_context(notice)), "application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(False, filename(notice, "pdf")) or "inline"
    )
    return response


@login_required
@require_GET
def notice_docx_download(request, pk):
    notice = notices.notice_for(request.user, pk)
    response = HttpResponse(notice_docx(notice_context(notice)), DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename(notice, "docx"))
    return response
