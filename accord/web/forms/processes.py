"""Forms of business processes: the status control filters, starting and cancelling a
process, and the template editor (the template's fields and a formset of its steps, each
with a few condition rows "if <field> <op> <value> go to <step>").

The editor's step rows and condition rows are plain form fields; the service checks the
whole template at once, and `StepFormSet.apply_domain_error` puts each of its messages
(`steps.2.transitions.0.value`) on the row and field it is about.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.activities.models import (
    AssigneeKind,
    ProcessObject,
    ProcessStatus,
    ProcessTemplate,
    ProcessTrigger,
)
from accord.activities.process_selectors import PROCESS_SORTS
from accord.activities.process_validation import FIELDS, OPS
from accord.core.errors import DomainError
from accord.sales.models import Pipeline, Stage
from accord.users.models import Role, User
from accord.web.forms.counterparties import set_choices
from accord.web.forms.errors import DomainForm, apply_domain_error
from accord.web.forms.filters import FilterForm

MIN_CONDITIONS = 2


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


def _users() -> list[tuple[str, str]]:
    return [(str(u.pk), str(u)) for u in User.objects.filter(is_active=True)]


class ProcessFilterForm(FilterForm):
    """The status control's search, filters and sort; every value is optional."""

    q = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Any status")), *ProcessStatus.choices],
    )  # fmt: skip
    template = forms.ChoiceField(label=_("Process"), required=False)
    holder = forms.ChoiceField(label=_("Who holds it"), required=False)
    overdue = forms.ChoiceField(
        label=_("Deadline"), required=False,
        choices=[("", _("Any deadline")), ("1", _("Overdue only"))],
    )  # fmt: skip
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in PROCESS_SORTS])
    cursor = forms.CharField(required=False, max_length=500)

    FILTERS = ("status", "template", "holder", "overdue")

    def __init__(self, data: Any) -> None:
        if "status" not in data:  # the status control opens on what is running
            data = data.copy()
            data["status"] = ProcessStatus.RUNNING
        super().__init__(data)
        templates = [(str(t.pk), t.name) for t in ProcessTemplate.objects.order_by("name")]
        set_choices(self, "template", _blank(_("Any process")) + templates)
        set_choices(self, "holder", _blank(_("Anyone")) + _users())


class StartForm(DomainForm):
    template_id = forms.ChoiceField(label=_("Process"))

    def __init__(self, data: Any = None, *, templates: list[ProcessTemplate]) -> None:
        super().__init__(data)
        set_choices(self, "template_id", [(str(t.pk), t.name) for t in templates])


class CancelForm(DomainForm):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": _("Why it is stopped (optional)")}),
    )  # fmt: skip


# --- The template editor ---------------------------------------------------------------------


class TemplateForm(DomainForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    object_kind = forms.ChoiceField(
        label=_("Runs on"), choices=ProcessObject.choices,
        help_text=_("Conditions test the fields of this kind of object."),
    )  # fmt: skip
    trigger = forms.ChoiceField(label=_("Started"), choices=ProcessTrigger.choices)
    pipeline_id = forms.ChoiceField(
        label=_("Drives the pipeline"), required=False,
        help_text=_("Deals only: a step may then move the deal to a stage of this pipeline."),
    )  # fmt: skip
    is_active = forms.BooleanField(label=_("Active"), required=False)

    service_required = ("name",)

    def __init__(self, data: Any = None, *, instance: ProcessTemplate | None = None) -> None:
        initial: dict[str, Any] = {"is_active": True, "object_kind": ProcessObject.DEAL}
        if instance is not None:
            initial = {
                "name": instance.name, "description": instance.description,
                "object_kind": instance.object_kind, "trigger": instance.trigger,
                "pipeline_id": instance.pipeline_id or "", "is_active": instance.is_active,
            }  # fmt: skip
        super().__init__(data, initial=initial)
        pipelines = [(str(p.pk), p.name) for p in Pipeline.objects.all()]
        set_choices(self, "pipeline_id", _blank("—") + pipelines)

    def chosen_kind(self) -> str:
        """The kind chosen (posted, or the saved one), for the conditions' fields."""
        raw = self.data.get("object_kind") if self.is_bound else self.initial.get("object_kind")
        return raw if raw in ProcessObject.values else ProcessObject.DEAL

    def chosen_pipeline(self) -> int | None:
        """The pipeline chosen (posted, or the saved one): its stages are offered."""
        raw = self.data.get("pipeline_id") if self.is_bound else self.initial.get("pipeline_id")
        text = str(raw or "")
        return int(text) if text.isdigit() else None


class StepForm(forms.Form):
    key = forms.CharField(
        label=_("Key"), max_length=50, required=False,
        widget=forms.TextInput(attrs={"size": 10, "class": "mono"}),
    )  # fmt: skip
    name = forms.CharField(label=_("Step"), max_length=200, required=False)
    instructions = forms.CharField(
        label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    assignee_kind = forms.ChoiceField(
        label=_("Performer"), choices=AssigneeKind.choices, initial=AssigneeKind.RESPONSIBLE
    )
    assignee_user_id = forms.ChoiceField(label=_("User"), required=False)
    assignee_role_id = forms.ChoiceField(label=_("Role"), required=False)
    deadline_hours = forms.IntegerField(
        label=_("Deadline, hours"), required=False, initial=24, min_value=0,
        widget=forms.NumberInput(attrs={"size": 4}),
    )  # fmt: skip
    next_key = forms.CharField(
        label=_("Otherwise next"), max_length=50, required=False,
        widget=forms.TextInput(attrs={"size": 10, "list": "step-keys", "class": "mono"}),
    )  # fmt: skip
    stage_on_done_id = forms.ChoiceField(label=_("Stage when done"), required=False)
    slots = forms.IntegerField(widget=forms.HiddenInput, required=False)

    STEP_FIELDS = (
        "key", "name", "instructions", "assignee_kind", "assignee_user_id", "assignee_role_id",
        "deadline_hours", "next_key", "stage_on_done_id",
    )  # fmt: skip
    CONDITION_PARTS = ("field", "op", "value", "next")

    def __init__(
        self, *args: Any, object_kind: str, pipeline_id: int | None, slots: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.slot_count = slots
        self.fields["slots"].initial = slots
        set_choices(self, "assignee_user_id", _blank("—") + _users())
        roles = [(str(r.pk), r.name) for r in Role.objects.all()]
        set_choices(self, "assignee_role_id", _blank("—") + roles)
        stages = [
            (str(s.pk), s.name)
            for s in Stage.objects.filter(pipeline_id=pipeline_id or 0).order_by("position", "id")
        ]
        set_choices(self, "stage_on_done_id", _blank(_("Do not move the deal")) + stages)
        fields = [(name, spec.label) for name, spec in FIELDS[object_kind].items()]
        for i in range(slots):
            self.fields[f"c{i}_field"] = forms.ChoiceField(
                label=_("If"), required=False, choices=_blank("—") + fields
            )
            self.fields[f"c{i}_op"] = forms.ChoiceField(
                label=_("is"), required=False, choices=list(OPS.items()), initial="eq"
            )
            self.fields[f"c{i}_value"] = forms.CharField(
                label=_("Value"), required=False, max_length=500,
                widget=forms.TextInput(attrs={"size": 12}),
            )  # fmt: skip
            self.fields[f"c{i}_next"] = forms.CharField(
                label=_("go to"), required=False, max_length=50,
                widget=forms.TextInput(attrs={"size": 10, "list": "step-keys", "class": "mono"}),
            )  # fmt: skip
        self.condition_slots: list[int] = []  # the slot of each condition sent to the service

    def conditions(self) -> list[list[forms.BoundField]]:
        """The condition rows, for the template."""
        return [
            [self[f"c{i}_{part}"] for part in self.CONDITION_PARTS] for i in range(self.slot_count)
        ]

    def to_step(self) -> dict[str, Any]:
        data = self.cleaned_data
        step = {name: data.get(name) for name in self.STEP_FIELDS}
        step["deadline_hours"] = (
            24 if data.get("deadline_hours") is None else data["deadline_hours"]
        )
        self.condition_slots = [i for i in range(self.slot_count) if data.get(f"c{i}_field")]
        step["transitions"] = [
            {part: data.get(f"c{i}_{part}") or "" for part in self.CONDITION_PARTS}
            for i in self.condition_slots
        ]
        return step

    def field_for(self, key: str) -> str | None:
        """The field of a service key inside the step (`transitions.0.value` -> `c<slot>_value`)."""
        parts = key.split(".")
        if parts[0] == "transitions" and len(parts) == 3 and parts[1].isdigit():
            j = int(parts[1])
            if j < len(self.condition_slots):
                return f"c{self.condition_slots[j]}_{parts[2]}"
            return None
        return parts[0] if parts[0] in self.fields else None


def step_initial(template: ProcessTemplate) -> list[dict[str, Any]]:
    """The saved steps as the editor's initial rows."""
    rows = []
    for step in template.steps.all():
        row: dict[str, Any] = {name: getattr(step, name, None) for name in StepForm.STEP_FIELDS}
        for i, t in enumerate(step.transitions or []):
            value = t.get("value")
            shown = ", ".join(str(v) for v in value) if isinstance(value, list) else value
            row.update({f"c{i}_field": t.get("field"), f"c{i}_op": t.get("op"),
                        f"c{i}_value": shown, f"c{i}_next": t.get("next")})  # fmt: skip
        row["conditions"] = len(step.transitions or [])
        rows.append(row)
    return rows


class BaseStepFormSet(forms.BaseFormSet):
    """The steps; each row gets as many condition rows as it uses, plus one blank."""

    def __init__(
        self, *args: Any, object_kind: str, pipeline_id: int | None = None, **kwargs: Any
    ) -> None:
        self.object_kind = object_kind
        self.pipeline_id = pipeline_id
        super().__init__(*args, **kwargs)
        self.step_forms: list[StepForm] = []  # the rows sent to the service, in order
        self.graph_errors: list[str] = []  # the service's messages about the whole route

    def _slots(self, index: int) -> int:
        if self.is_bound:
            prefix = f"{self.prefix}-{index}-"
            try:
                posted = int(self.data.get(prefix + "slots") or 0)
            except ValueError:
                posted = 0
            used = [i for i in range(min(posted, 100)) if self.data.get(f"{prefix}c{i}_field")]
            return max(posted if posted <= 100 else 0, len(used) + 1, MIN_CONDITIONS)
        initial = self.initial[index] if self.initial and index < len(self.initial) else {}
        return max(int(initial.get("conditions", 0)) + 1, MIN_CONDITIONS)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        slots = MIN_CONDITIONS if index is None else self._slots(index)
        kwargs: dict[str, Any] = {
            "object_kind": self.object_kind,
            "pipeline_id": self.pipeline_id,
            "slots": slots,
        }
        if index is not None and index >= self.initial_form_count():
            kwargs["initial"] = {"key": f"step-{index + 1}"}  # a new row suggests its key
        return kwargs

    def to_steps(self) -> list[dict[str, Any]]:
        """The rows kept (not removed, not left blank), as the service takes them."""
        self.step_forms = []
        steps = []
        for form in self.forms:
            if not form.has_changed() and form.empty_permitted:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            self.step_forms.append(form)
            steps.append(form.to_step())
        return steps

    def apply_domain_error(self, exc: DomainError, template_form: DomainForm) -> None:
        """Put each message on its row and field; graph messages go above the steps."""
        self.graph_errors = []
        template_fields = {}
        for key, messages in exc.fields.items():
            parts = key.split(".", 2)
            if parts[0] != "steps":
                template_fields[key] = messages
            elif len(parts) == 1 or not parts[1].isdigit():
                self.graph_errors.extend(messages)
            else:
                self._row_error(int(parts[1]), parts[2] if len(parts) > 2 else "", messages)
        apply_domain_error(
            template_form,
            DomainError(exc.code, exc.message, fields=template_fields),
        )

    def _row_error(self, i: int, key: str, messages: list[str]) -> None:
        if i >= len(self.step_forms):
            self.graph_errors.extend(messages)
            return
        form = self.step_forms[i]
        field = form.field_for(key) if key else None
        for message in messages:
            if field is None and key:
                message = f"{key}: {message}"
            form.add_error(field, message)


StepFormSet: Any = forms.formset_factory(
    StepForm, formset=BaseStepFormSet, extra=1, can_delete=True, max_num=50, validate_max=True
)
