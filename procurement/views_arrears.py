"""The officials' pages of the arrears ledger under ``/workspace/procurement/arrears/``: the
ledger (what each department and region owes, aged, the SME share, progress against the
baseline; procurement's late SME payments read from the payments), the arrears items (list
with filters and exports, page, forms) and their repayment plans."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, TemplateView

from core.exports import Column, field_label
from core.scope import get_in_scope_or_404, scope_queryset
from core.views import HISTORY_USER

from . import agreement_rules as ar
from . import ledger, services
from .filters_agreements import ArrearsItemFilter
from .forms_agreements import (
    ArrearsItemForm,
    InstalmentPaidForm,
    RepaymentForm,
    RepaymentPlanForm,
)
from .models import ArrearsItem, RedFlag
from .views import MONEY, ScopedListView, _money
from .views_agreements import ComplaintLinkMixin, ServiceFormView

GROUPINGS = {
    "department": gettext_lazy("Department"),
    "region": gettext_lazy("Region"),
    "city": gettext_lazy("City"),
}


class LedgerView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The ledger in the user's scope, summed by department, region or city, aged; the
    lines under it; each region's progress against its baseline."""

    permission_required = "procurement.view_arrearsitem"
    template_name = "procurement/arrears_ledger.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        by = self.request.GET.get("by")
        by = by if by in GROUPINGS else "department"
        sme_only = self.request.GET.get("sme") == "true"
        found = ledger.lines(ledger.scoped_items(user), ledger.scoped_payments(user), today)
        if sme_only:
            found = [line for line in found if line.is_sme]
        context.update(
            today=today,
            by=by,
            sme_only=sme_only,
            groupings=GROUPINGS.items(),
            buckets=[label for _key, label, *_rest in ar.AGEING_BUCKETS],
            rows=ledger.summarise(found, by),
            total=ledger.total(found),
            lines=[line for line in found if line.outstanding > 0][:200],
            progress=ledger.progress_for(user, today),
        )
        return context


class ArrearsListView(ScopedListView):
    permission_required = "procurement.view_arrearsitem"
    export_source = "procurement:arrears_list"
    export_permission = "procurement.export_arrearsitem"
    export_filename = gettext_lazy("arrears")
    model = ArrearsItem
    queryset = (
        ArrearsItem.objects.select_related("department", "department__region")
        .annotate(repaid=Sum("instalments__amount", filter=Q(instalments__paid_on__isnull=False)))
        .order_by("due_date", "pk")
    )
    filterset_class = ArrearsItemFilter
    template_name = "procurement/arrears_list.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        context = super().get_context_data(today=today, **kwargs)
        for item in context["object_list"]:
            item.outstanding = item.amount - (item.repaid or 0)
            days = ar.days_overdue(item.due_date, today) if item.outstanding > 0 else 0
            item.bucket_label = dict((k, v) for k, v, *_r in ar.AGEING_BUCKETS).get(
                ar.ageing_bucket(days), ""
            )
            item.days_overdue = days
        return context

    def export_columns(self):
        m = ArrearsItem
        today = timezone.localdate()

        def outstanding(item):
            return item.amount - (item.repaid or 0)

        return [
            Column(field_label(m, "reference"), lambda i: i.reference),
            Column(field_label(m, "department"), lambda i: i.department.name),
            Column(_("Department credit code"), lambda i: i.department.uscc),
            Column(_("Region"), lambda i: i.department.region.name),
            Column(field_label(m, "kind"), lambda i: i.get_kind_display()),
            Column(field_label(m, "description"), lambda i: i.description),
            Column(field_label(m, "creditor_name"), lambda i: i.creditor_name),
            Column(field_label(m, "creditor_uscc"), lambda i: i.creditor_uscc),
            Column(field_label(m, "creditor_is_sme"), lambda i: i.creditor_is_sme),
            Column(field_label(m, "amount"), lambda i: _money(i.amount), kind=MONEY),
            Column(_("Repaid (yuan)"), lambda i: _money(i.repaid or 0), kind=MONEY),
            Column(_("Outstanding (yuan)"), lambda i: _money(outstanding(i)), kind=MONEY),
            Column(field_label(m, "due_date"), lambda i: i.due_date),
            Column(
                _("Days overdue"),
                lambda i: ar.days_overdue(i.due_date, today) if outstanding(i) > 0 else 0,
            ),
        ]


class ArrearsDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    permission_required = "procurement.view_arrearsitem"
    template_name = "procurement/arrears_detail.html"
    context_object_name = "item"

    def get_queryset(self):
        return scope_queryset(
            self.request.user,
            ArrearsItem.objects.select_related("department__region", "agreement"),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        item = self.object
        today = timezone.localdate()
        instalments = list(item.instalments.all())
        repaid = sum((i.amount for i in instalments if i.paid_on), 0)
        for instalment in instalments:
            instalment.overdue = instalment.paid_on is None and instalment.due_date < today
        outstanding = item.amount - repaid
        context.update(
            today=today,
            instalments=instalments,
            repaid=repaid,
            outstanding=outstanding,
            days_overdue=ar.days_overdue(item.due_date, today) if outstanding > 0 else 0,
            flags=RedFlag.objects.filter(instalment__item=item).order_by("-raised_at"),
            links=item.complaint_links.select_related("complaint"),
            can_change=user.has_perm("procurement.change_arrearsitem"),
            can_plan=user.has_perm("procurement.add_instalment"),
            can_pay=user.has_perm("procurement.change_instalment"),
            can_link=user.has_perm("procurement.add_complaintlink"),
            can_decide=user.has_perm("procurement.change_redflag"),
            history=item.history.select_related(*HISTORY_USER)[:15],
        )
        return context


class _ArrearsFormView(ServiceFormView):
    template_name = "procurement/arrears_form.html"
    model = ArrearsItem
    context_name = "item"
    detail_url = "procurement:arrears_detail"

    @property
    def item(self):
        return self.obj


class ArrearsCreateView(_ArrearsFormView):
    permission_required = "procurement.add_arrearsitem"
    form_class = ArrearsItemForm
    title = gettext_lazy("New arrears")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def apply(self, form):
        return services.arrears_item_save(actor=self.request.user, item=form.save(commit=False))


class ArrearsUpdateView(ArrearsCreateView):
    permission_required = "procurement.change_arrearsitem"
    title = gettext_lazy("Edit the arrears")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.item}


class RepaymentPlanView(_ArrearsFormView):
    permission_required = "procurement.add_instalment"
    form_class = RepaymentPlanForm
    title = gettext_lazy("Repayment plan")

    def get_initial(self):
        return {"agreed_on": timezone.localdate()}

    def apply(self, form):
        services.repayment_plan_set(
            actor=self.request.user,
            item=self.item,
            agreed_on=form.cleaned_data["agreed_on"],
            instalments=form.cleaned_data["instalments"],
        )


class RepaymentView(_ArrearsFormView):
    permission_required = "procurement.add_instalment"
    form_class = RepaymentForm
    title = gettext_lazy("Repayment")

    def get_initial(self):
        return {"paid_on": timezone.localdate()}

    def apply(self, form):
        services.repayment_record(actor=self.request.user, item=self.item, **form.cleaned_data)


class InstalmentPaidView(_ArrearsFormView):
    permission_required = "procurement.change_instalment"
    form_class = InstalmentPaidForm
    title = gettext_lazy("Instalment paid")

    def get_initial(self):
        return {"paid_on": timezone.localdate()}

    def apply(self, form):
        instalment = get_in_scope_or_404(
            self.request.user, self.item.instalments.all(), pk=self.kwargs["instalment"]
        )
        services.instalment_pay(
            actor=self.request.user, instalment=instalment, paid_on=form.cleaned_data["paid_on"]
        )


class ArrearsComplaintLinkView(ComplaintLinkMixin, _ArrearsFormView):
    def apply(self, form):
        services.complaint_link(
            actor=self.request.user, complaint=form.complaint, arrears_item=self.item
        )


def register_agreement_export_sources() -> None:
    """The exports of the agreement and arrears lists, for the download and the worker."""
    from core.export_jobs import register_source

    from .views_agreements import AgreementListView

    register_source(AgreementListView.as_export_source())
    register_source(ArrearsListView.as_export_source())
