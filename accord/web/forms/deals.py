"""Forms of the deal pages: board and list filters, the deal form, the stage move, and the
pipeline settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.directory.models import Counterparty, Source
from accord.sales.models import Deal, LostReason, Pipeline, Stage, StageColor, StageKind
from accord.sales.selectors import DEAL_SORTS, counterparties_for_deal
from accord.users.models import User
from accord.web.forms.counterparties import set_choices, user_choices
from accord.web.forms.errors import DomainForm


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class DealFilterForm(forms.Form):
    """The board's and the list's search and filters; every value is optional."""

    q = forms.CharField(required=False, max_length=200)
    pipeline = forms.ChoiceField(label=_("Pipeline"), required=False)
    responsible = forms.ChoiceField(label=_("Responsible"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in DEAL_SORTS])
    cursor = forms.CharField(required=False, max_length=500)

    FILTERS = ("pipeline", "responsible", "stage")

    def __init__(self, data: Any, *, user: User, pipelines: list[Pipeline]) -> None:
        super().__init__(data)
        set_choices(self, "pipeline", [(str(p.pk), p.name) for p in pipelines])
        people = user_choices(user)
        set_choices(self, "responsible", _blank(_("Anyone responsible")) + people)
        self.show_responsible = len(people) > 1
        stages = [(str(s.pk), f"{p.name}: {s.name}") for p in pipelines for s in p.stages.all()]
        set_choices(self, "stage", _blank(_("Any stage")) + stages)

    def values(self) -> dict[str, Any]:
        """Valid values only: a stale link still shows the page."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or "" for name in self.fields}

    def filters(self, *names: str) -> dict[str, Any]:
        values = self.values()
        return {name: values[name] for name in names or self.FILTERS if values[name] != ""}


class DealForm(DomainForm):
    """Every field of a deal; the services check the values and the rules."""

    title = forms.CharField(
        label=_("Title"), max_length=255, widget=forms.TextInput(attrs={"data-autofocus": ""})
    )
    counterparty_id = forms.ChoiceField(label=_("Counterparty"))
    contact_person_id = forms.ChoiceField(label=_("Contact person"), required=False)
    pipeline_id = forms.ChoiceField(label=_("Pipeline"), required=False)
    stage_id = forms.ChoiceField(label=_("Stage"), required=False)
    responsible_id = forms.ChoiceField(label=_("Responsible manager"), required=False)
    participant_ids = forms.MultipleChoiceField(
        label=_("Participants"), required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    amount = forms.CharField(
        label=_("Amount"), required=False, max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )  # fmt: skip
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3, initial="RUB")
    expected_close_date = forms.DateField(
        label=_("Expected close date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    source_id = forms.ChoiceField(label=_("Source"), required=False)
    lost_reason_id = forms.ChoiceField(label=_("Lost reason"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    service_required = ("title", "counterparty_id")
    SERVICE_FIELDS = (
        "title", "counterparty_id", "contact_person_id", "responsible_id", "participant_ids",
        "amount", "currency", "expected_close_date", "source_id", "notes",
    )  # fmt: skip

    def __init__(
        self,
        data: Any = None,
        *,
        user: User,
        pipelines: list[Pipeline],
        instance: Deal | None = None,
        counterparty: Counterparty | None = None,
    ) -> None:
        super().__init__(data, initial=self._initial(user, instance, counterparty))
        self.instance = instance
        chosen = self._chosen_counterparty(user, data, instance, counterparty)
        options = counterparties_for_deal(viewer=user, query="")
        if chosen is not None and chosen.pk not in {c.pk for c in options}:
            options.insert(0, chosen)
        set_choices(self, "counterparty_id", _blank("—") + [(str(c.pk), c.name) for c in options])
        people = chosen.contact_persons.all() if chosen is not None else []
        set_choices(self, "contact_person_id", _blank("—") + [(str(p.pk), p.name) for p in people])
        keep = instance.responsible if instance is not None else None
        set_choices(self, "responsible_id", user_choices(user, keep=keep))
        users = User.objects.filter(is_active=True)
        set_choices(self, "participant_ids", [(str(u.pk), str(u)) for u in users])
        set_choices(
            self, "source_id", _blank("—") + [(str(s.pk), s.name) for s in Source.objects.all()]
        )
        reasons = [(str(r.pk), r.name) for r in LostReason.objects.all()]
        set_choices(self, "lost_reason_id", _blank("—") + reasons)
        set_choices(self, "pipeline_id", [(str(p.pk), p.name) for p in pipelines])
        stages = [(str(s.pk), f"{p.name}: {s.name}") for p in pipelines for s in p.stages.all()]
        set_choices(self, "stage_id", _blank(_("The first stage")) + stages)
        if instance is not None:
            for name in ("pipeline_id", "stage_id"):
                del self.fields[name]
            if instance.stage.kind != StageKind.LOST:
                del self.fields["lost_reason_id"]

    @staticmethod
    def _initial(
        user: User, instance: Deal | None, counterparty: Counterparty | None
    ) -> dict[str, Any]:
        if instance is None:
            return {
                "responsible_id": user.pk,
                "currency": "RUB",
                "counterparty_id": counterparty.pk if counterparty else None,
            }
        initial = {name: getattr(instance, name, None) for name in DealForm.SERVICE_FIELDS}
        initial["participant_ids"] = [str(u.pk) for u in instance.participants.all()]
        initial["lost_reason_id"] = instance.lost_reason_id
        return initial

    @staticmethod
    def _chosen_counterparty(
        user: User, data: Any, instance: Deal | None, counterparty: Counterparty | None
    ) -> Counterparty | None:
        """The counterparty picked so far (posted, given, or the deal's), if the user sees it."""
        raw = data.get("counterparty_id") if data is not None else None
        if raw is None or raw == "":
            return counterparty or (instance.counterparty if instance is not None else None)
        try:
            return Counterparty.objects.visible_to(user).filter(pk=int(raw)).first()
        except (TypeError, ValueError):
            return None

    def to_service(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        data = {name: cleaned.get(name) for name in self.SERVICE_FIELDS}
        for name in ("pipeline_id", "stage_id", "lost_reason_id"):
            if name in self.fields:
                data[name] = cleaned.get(name)
        data["participant_ids"] = list(cleaned.get("participant_ids") or [])
        return data


class DealMoveForm(DomainForm):
    """The stage select of a deal card (and the board's non-script path)."""

    stage_id = forms.ChoiceField(label=_("Stage"))
    lost_reason_id = forms.ChoiceField(label=_("Lost reason"), required=False)

    def __init__(self, data: Any = None, *, deal: Deal) -> None:
        super().__init__(data, initial={"stage_id": deal.stage_id})
        stages = [(str(s.pk), s.name) for s in deal.pipeline.stages.all()]
        set_choices(self, "stage_id", stages)
        reasons = [(str(r.pk), r.name) for r in LostReason.objects.all()]
        set_choices(self, "lost_reason_id", _blank("—") + reasons)


class PipelineForm(DomainForm):
    service_required = ("name",)

    name = forms.CharField(label=_("Name"), max_length=100)
    position = forms.IntegerField(label=_("Position"), required=False, min_value=0)
    is_default = forms.BooleanField(label=_("Default"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class StageForm(DomainForm):
    service_required = ("name",)

    name = forms.CharField(label=_("Name"), max_length=100)
    probability = forms.IntegerField(
        label=_("Probability, %"), required=False, min_value=0, max_value=100
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=StageKind.choices)
    color = forms.ChoiceField(label=_("Colour"), choices=StageColor.choices)

    def __init__(self, *args: Any, instance: Stage | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {f: getattr(instance, f) for f in self.base_fields})
        super().__init__(*args, **kwargs)


class LostReasonForm(DomainForm):
    service_required = ("name",)

    name = forms.CharField(label=_("Name"), max_length=100)
