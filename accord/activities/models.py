"""Interactions, assignments, reminders, notifications, claims, business processes and the
start page layout. `get_absolute_url` is each row's page: notifications link to it.

Each business row links to the objects it is about with plain nullable foreign keys
(counterparty, deal, order, invoice, claim), not a generic relation: every link can be
checked against its own `visible_to`, joined and indexed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.core.models import TimestampedModel
from accord.users.access import department_ids_under, grant, owner_filter
from accord.users.models import Scope

INTERACTION = "activities.interaction"
ASSIGNMENT = "activities.assignment"
REMINDER = "activities.reminder"
CLAIM = "activities.claim"
PROCESS = "activities.process"
PROCESS_SETTINGS = "admin.processes"


class Importance(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


def _link(to: Any, label: Any, related: str) -> models.ForeignKey[Any, Any]:
    """An optional link of an activity row to a business object it concerns."""
    return models.ForeignKey(
        to, verbose_name=label, null=True, blank=True, on_delete=models.SET_NULL,
        related_name=related,
    )  # fmt: skip


def _responsible(related: str, label: Any = None) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label or _("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related,
    )


# --- Claims (declared first: interactions and assignments may link to one) -----------------


class ClaimSeverity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class ClaimStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    UNDER_REVIEW = "under_review", _("Under review")
    RESOLVED = "resolved", _("Resolved")
    REJECTED = "rejected", _("Rejected")


CLAIM_CLOSED = (ClaimStatus.RESOLVED, ClaimStatus.REJECTED)


class ClaimQuerySet(models.QuerySet["Claim"]):
    def visible_to(self, user: Any) -> ClaimQuerySet:
        condition = owner_filter(user, CLAIM, "responsible")
        return self if condition is None else self.filter(condition)

    def open(self) -> ClaimQuerySet:
        return self.exclude(status__in=CLAIM_CLOSED)


class Claim(TimestampedModel):
    number = models.CharField(_("number"), max_length=20, unique=True)
    subject = models.CharField(_("subject"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    counterparty = models.ForeignKey(
        "directory.Counterparty",
        verbose_name=_("counterparty"),
        on_delete=models.CASCADE,
        related_name="claims",
    )
    contact_person = _link("directory.ContactPerson", _("contact person"), "claims")
    order = _link("sales.Order", _("order"), "claims")
    invoice = _link("billing.Invoice", _("invoice"), "claims")
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims",
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=ClaimSeverity.choices, default=ClaimSeverity.MEDIUM
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    responsible = _responsible("claims")
    status = models.CharField(
        _("status"), max_length=14, choices=ClaimStatus.choices, default=ClaimStatus.REGISTERED
    )
    resolution = models.TextField(_("resolution"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        indexes = [
            models.Index(fields=["counterparty", "-created_at", "-id"], name="claim_cp_created"),
            models.Index(fields=["status", "deadline"], name="claim_status_deadline"),
            models.Index(fields=["responsible", "status"], name="claim_resp_status"),
            models.Index(fields=["-created_at", "-id"], name="claim_created_id"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("web:claim_card", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in CLAIM_CLOSED

    @property
    def is_overdue(self) -> bool:
        return bool(not self.is_closed and self.deadline and self.deadline < timezone.localdate())


# --- Interactions ----------------------------------------------------------------------------


class InteractionKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    NOTE = "note", _("Note")
    SMS = "sms", _("SMS")


class InteractionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


class CallResult(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    VOICEMAIL = "voicemail", _("Voicemail")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


class InteractionQuerySet(models.QuerySet["Interaction"]):
    def visible_to(self, user: Any) -> InteractionQuerySet:
        """By the responsible manager's scope, or to a user taking part in a meeting."""
        condition = owner_filter(user, INTERACTION, "responsible")
        if condition is None:
            return self
        if grant(user, INTERACTION).scope is None:
            return self.filter(condition)
        through = Interaction.participants.through
        takes_part = Exists(through.objects.filter(interaction_id=OuterRef("pk"), user_id=user.pk))
        return self.filter(condition | Q(takes_part))

    def planned(self) -> InteractionQuerySet:
        return self.filter(status=InteractionStatus.PLANNED)


class Interaction(TimestampedModel):
    kind = models.CharField(_("kind"), max_length=10, choices=InteractionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InteractionStatus.choices,
        default=InteractionStatus.PLANNED,
    )
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=Direction.choices,
        default=Direction.OUTGOING,
        blank=True,
    )
    subject = models.CharField(_("subject"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    # When it is planned for, or when it happened; the timeline's time.
    starts_at = models.DateTimeField(_("date and time"), default=timezone.now)
    duration_minutes = models.PositiveIntegerField(_("duration, min"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    call_result = models.CharField(
        _("call result"), max_length=14, choices=CallResult.choices, blank=True
    )
    outcome = models.TextField(_("outcome"), blank=True)
    counterparty = models.ForeignKey(
        "directory.Counterparty",
        verbose_name=_("counterparty"),
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    contact_person = _link("directory.ContactPerson", _("contact person"), "interactions")
    deal = _link("sales.Deal", _("deal"), "interactions")
    order = _link("sales.Order", _("order"), "interactions")
    invoice = _link("billing.Invoice", _("invoice"), "interactions")
    claim = models.ForeignKey(
        Claim,
        verbose_name=_("claim"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    responsible = _responsible("interactions")
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        blank=True,
        related_name="interactions_participating",
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # The interaction this one follows up ("done, and plan the next call for Friday").
    follows = models.ForeignKey(
        "self",
        verbose_name=_("follows"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )

    objects = InteractionQuerySet.as_manager()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            models.Index(fields=["counterparty", "-starts_at", "-id"], name="inter_cp_starts"),
            models.Index(fields=["responsible", "status", "starts_at"], name="inter_resp_status"),
            models.Index(fields=["deal", "-starts_at"], name="inter_deal_starts"),
            models.Index(fields=["-starts_at", "-id"], name="inter_starts_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__lte=24 * 60),
                name="interaction_duration_day",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_overdue(self) -> bool:
        return self.status == InteractionStatus.PLANNED and self.starts_at < timezone.now()


# --- Business process templates (assignments may belong to a process step) ----------------


class ProcessObject(models.TextChoices):
    """The kinds of objects a process can run on."""

    DEAL = "deal", _("Deal")
    INVOICE = "invoice", _("Invoice")
    ORDER = "order", _("Order")
    CLAIM = "claim", _("Claim")
    COUNTERPARTY = "counterparty", _("Counterparty")


class ProcessTrigger(models.TextChoices):
    MANUAL = "manual", _("Started by hand")
    DEAL_CREATED = "deal_created", _("A deal is created")
    INVOICE_OVERDUE = "invoice_overdue", _("An invoice becomes overdue")
    CLAIM_REGISTERED = "claim_registered", _("A claim is registered")


class ProcessTemplate(TimestampedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    object_kind = models.CharField(
        _("runs on"), max_length=14, choices=ProcessObject.choices, default=ProcessObject.DEAL
    )
    trigger = models.CharField(
        _("started"), max_length=20, choices=ProcessTrigger.choices, default=ProcessTrigger.MANUAL
    )
    # A funnel driven by the process: finishing a step may move the deal to a stage.
    pipeline = models.ForeignKey(
        "sales.Pipeline",
        verbose_name=_("pipeline"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="process_templates",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("process template")
        verbose_name_plural = _("process templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssigneeKind(models.TextChoices):
    USER = "user", _("A chosen user")
    ROLE = "role", _("Someone with a role")
    RESPONSIBLE = "responsible", _("The object's responsible manager")
    STARTER = "starter", _("Who started the process")


class ProcessStep(models.Model):
    """One step of a template: a task for a user or a role, with a deadline rule.

    `transitions` is a list of `{"field", "op", "value", "next"}` checked in order after the
    step is done; the first that holds names the next step (by `key`), otherwise
    `next_key` does; an empty `next_key` ends the process.
    """

    template = models.ForeignKey(
        ProcessTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="steps"
    )
    key = models.SlugField(_("key"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    position = models.PositiveIntegerField(pgettext_lazy("order in a list", "position"), default=0)
    assignee_kind = models.CharField(
        _("performer"),
        max_length=12,
        choices=AssigneeKind.choices,
        default=AssigneeKind.RESPONSIBLE,
    )
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee_role = models.ForeignKey(
        "users.Role",
        verbose_name=_("role"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline_hours = models.PositiveIntegerField(_("deadline, hours"), default=24)
    next_key = models.SlugField(_("next step"), max_length=50, blank=True)
    transitions = models.JSONField(_("conditions"), default=list, blank=True)
    # For a funnel driven by the process: the deal moves to this stage when the step is done.
    stage_on_done = models.ForeignKey(
        "sales.Stage",
        verbose_name=_("stage when done"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="process_step_key_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ProcessStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class ProcessInstanceQuerySet(models.QuerySet["ProcessInstance"]):
    def visible_to(self, user: Any) -> ProcessInstanceQuerySet:
        """By the scope over who started it or who holds the current step."""
        scope = grant(user, PROCESS).scope
        if scope is None:
            return self.none()
        if scope == Scope.ALL:
            return self
        holds = Exists(
            Assignment.performers.through.objects.filter(
                assignment__process_id=OuterRef("pk"), user_id=user.pk
            )
        )
        if scope == Scope.DEPARTMENT and user.department_id:
            ids = department_ids_under(user.department)
            return self.filter(
                Q(started_by__department_id__in=ids) | Q(started_by=user.pk) | Q(holds)
            )
        return self.filter(Q(started_by=user.pk) | Q(holds))


class ProcessInstance(TimestampedModel):
    template = models.ForeignKey(
        ProcessTemplate,
        verbose_name=_("template"),
        on_delete=models.PROTECT,
        related_name="instances",
    )
    object_kind = models.CharField(_("runs on"), max_length=14, choices=ProcessObject.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    counterparty = models.ForeignKey(
        "directory.Counterparty",
        verbose_name=_("counterparty"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="processes",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProcessStatus.choices, default=ProcessStatus.RUNNING
    )
    current_step = models.ForeignKey(
        ProcessStep,
        verbose_name=_("current step"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step_started_at = models.DateTimeField(_("in the step since"), null=True, blank=True)
    started_by = _responsible("processes_started", _("started by"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ProcessInstanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="process_status_created"),
            models.Index(fields=["object_kind", "object_id"], name="process_object"),
        ]
        constraints = [
            # One running instance of a template per object: a trigger firing twice is a no-op.
            models.UniqueConstraint(
                fields=["template", "object_kind", "object_id"],
                condition=Q(status="running"),
                name="process_one_running",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} — {self.object_label}"

    def get_absolute_url(self) -> str:
        return reverse("web:process_card", args=[self.pk])


# --- Assignments -----------------------------------------------------------------------------


class AssignmentStatus(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CHECKED = "checked", _("Checked")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


# The performer still owes work in these statuses (they count as overdue after the deadline).
ASSIGNMENT_OPEN = (
    AssignmentStatus.NEW,
    AssignmentStatus.ACCEPTED,
    AssignmentStatus.IN_PROGRESS,
    AssignmentStatus.RETURNED,
)


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def visible_to(self, user: Any) -> AssignmentQuerySet:
        """To the author and the performers, and by scope over either of them."""
        scope = grant(user, ASSIGNMENT).scope
        if scope is None:
            return self.none()
        if scope == Scope.ALL:
            return self
        through = Assignment.performers.through
        if scope == Scope.DEPARTMENT and user.department_id:
            ids = department_ids_under(user.department)
            performs = Exists(
                through.objects.filter(assignment_id=OuterRef("pk")).filter(
                    Q(user__department_id__in=ids) | Q(user_id=user.pk)
                )
            )
            return self.filter(Q(author__department_id__in=ids) | Q(author=user.pk) | performs)
        performs = Exists(through.objects.filter(assignment_id=OuterRef("pk"), user_id=user.pk))
        return self.filter(Q(author=user.pk) | performs)

    def open(self) -> AssignmentQuerySet:
        return self.filter(status__in=ASSIGNMENT_OPEN)

    def overdue(self, now: Any = None) -> AssignmentQuerySet:
        return self.open().filter(deadline__lt=now or timezone.now())


class Assignment(TimestampedModel):
    subject = models.CharField(_("subject"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    author = _responsible("assignments_given", _("author"))
    performers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("performers"), related_name="assignments"
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    importance = models.CharField(
        _("importance"), max_length=10, choices=Importance.choices, default=Importance.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.NEW
    )
    result = models.TextField(_("result"), blank=True)
    counterparty = models.ForeignKey(
        "directory.Counterparty",
        verbose_name=_("counterparty"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    deal = _link("sales.Deal", _("deal"), "assignments")
    order = _link("sales.Order", _("order"), "assignments")
    invoice = _link("billing.Invoice", _("invoice"), "assignments")
    claim = models.ForeignKey(
        Claim,
        verbose_name=_("claim"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    process = models.ForeignKey(
        ProcessInstance,
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    process_step = models.ForeignKey(
        ProcessStep,
        verbose_name=_("process step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(fields=["status", "deadline"], name="assignment_status_deadline"),
            models.Index(fields=["author", "status"], name="assignment_author_status"),
            models.Index(fields=["-created_at", "-id"], name="assignment_created_id"),
            models.Index(fields=["counterparty", "-created_at"], name="assignment_cp_created"),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("web:assignment_card", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in ASSIGNMENT_OPEN

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.deadline and self.deadline < timezone.now())


class AssignmentNote(models.Model):
    """A progress note or a recorded status change of an assignment."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="notes"
    )
    author = _responsible("+", _("author"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    text = models.TextField(_("text"), blank=True)
    status_from = models.CharField(_("from status"), max_length=12, blank=True)
    status_to = models.CharField(_("to status"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("assignment note")
        verbose_name_plural = _("assignment notes")
        ordering = ["assignment", "at", "id"]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def status_label(self) -> str:
        return str(AssignmentStatus(self.status_to).label) if self.status_to else ""


# --- Reminders and notifications -------------------------------------------------------------


class ReminderKind(models.TextChoices):
    CUSTOM = "custom", _("Reminder")
    PAYMENT_DUE = "payment_due", _("Expected payment due")
    BIRTHDAY = "birthday", _("Client's birthday")
    DEAL_IDLE = "deal_idle", _("Deal without activity")


class Repeat(models.TextChoices):
    NONE = "", _("Does not repeat")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week on chosen days")
    MONTHLY = "monthly", _("Every month on a day")
    YEARLY = "yearly", _("Every year")
    RULE = "rule", _("By an RFC 5545 rule")


class ReminderStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DISMISSED = "dismissed", _("Dismissed")
    CLEARED = "cleared", _("Cleared")  # a built-in reminder whose reason went away


class ReminderQuerySet(models.QuerySet["Reminder"]):
    def visible_to(self, user: Any) -> ReminderQuerySet:
        """A reminder is personal: its owner sees it, and managers by scope over the owner."""
        condition = owner_filter(user, REMINDER, "owner")
        if condition is None:
            return self
        return self.filter(condition | Q(owner=user.pk))

    def active(self) -> ReminderQuerySet:
        return self.filter(status=ReminderStatus.ACTIVE)

    def due(self, now: Any = None) -> ReminderQuerySet:
        return self.active().filter(next_at__lte=now or timezone.now())


class Reminder(TimestampedModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("for whom"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=ReminderKind.choices, default=ReminderKind.CUSTOM
    )
    subject = models.CharField(_("subject"), max_length=255)
    note = models.TextField(_("note"), blank=True)
    importance = models.CharField(
        _("importance"), max_length=10, choices=Importance.choices, default=Importance.NORMAL
    )
    starts_at = models.DateTimeField(_("first time"))
    repeat = models.CharField(
        _("repeat"), max_length=8, choices=Repeat.choices, default=Repeat.NONE, blank=True
    )
    # The RFC 5545 RRULE body (without DTSTART), derived from `repeat` or typed in.
    rule = models.CharField(_("repetition rule"), max_length=300, blank=True)
    next_at = models.DateTimeField(_("next time"), null=True, blank=True)
    fired_at = models.DateTimeField(_("last fired"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.ACTIVE
    )
    counterparty = models.ForeignKey(
        "directory.Counterparty",
        verbose_name=_("counterparty"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    contact_person = _link("directory.ContactPerson", _("contact person"), "reminders")
    deal = _link("sales.Deal", _("deal"), "reminders")
    order = _link("sales.Order", _("order"), "reminders")
    invoice = _link("billing.Invoice", _("invoice"), "reminders")
    claim = models.ForeignKey(
        Claim,
        verbose_name=_("claim"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    expected_payment = models.ForeignKey(
        "billing.ExpectedPayment",
        verbose_name=_("expected payment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    # Built-in reminders are found again by this key, so the sync never makes a second one.
    source_key = models.CharField(_("source"), max_length=100, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [
            models.Index(fields=["status", "next_at"], name="reminder_status_next"),
            models.Index(fields=["owner", "status", "next_at"], name="reminder_owner_next"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source_key"],
                condition=~Q(source_key=""),
                name="reminder_source_unique",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        # Reminders have no page of their own: the list, scrolled to this one.
        return reverse("web:reminder_list") + f"#reminder-{self.pk}"


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    ASSIGNMENT = "assignment", _("Assignment")
    CLAIM = "claim", _("Claim")
    PROCESS = "process", _("Process")


class Notification(models.Model):
    """A message in a user's bell. Written only for objects the recipient may see."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    reminder = models.ForeignKey(
        Reminder,
        verbose_name=_("reminder"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="notification_unread"
            ),
            models.Index(fields=["emailed_at", "created_at"], name="notification_mail"),
        ]

    def __str__(self) -> str:
        return self.title


# --- The start page --------------------------------------------------------------------------


class StartPage(models.Model):
    """A user's choice of start page widgets: their order and which are hidden."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="start_page",
    )
    order = models.JSONField(_("order"), default=list, blank=True)
    hidden = models.JSONField(_("hidden"), default=list, blank=True)

    class Meta:
        verbose_name = _("start page")
        verbose_name_plural = _("start pages")

    def __str__(self) -> str:
        return str(self.user)
