"""Users in departments, roles that grant actions and a visibility scope, and API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """How far a user sees rows of one object type. Wider scopes include narrower ones."""

    OWN = "own", _("Own")
    DEPARTMENT = "department", _("Own department")
    ALL = "all", _("All")


SCOPE_WIDTH = {Scope.OWN: 0, Scope.DEPARTMENT: 1, Scope.ALL: 2}

ACTIONS = ("view", "add", "change", "delete", "export")


class Department(models.Model):
    """A node of the company's structure; `path` holds the ids from the root, for subtrees."""

    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="/")

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A set of access rules: per object type, the allowed actions and the visibility scope.

    `rules` is `{"directory.counterparty": {"actions": ["view", ...], "scope": "own"}, ...}`;
    the key `"*"` applies to every business object type not named, `"admin.*"` to every
    administrative one (settings, users, roles). See docs/security.md.
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    rules = models.JSONField(_("rules"), default=dict)
    requires_2fa = models.BooleanField(
        _("requires two-factor authentication"),
        default=False,
        help_text=_("Holders of this role must sign in with a one-time code as well."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def rule_for(self, object_type: str) -> dict[str, Any] | None:
        # Administrative types ("admin.*": settings, users, roles) are never covered by the
        # business wildcard "*": a role must name them, or hold "admin.*".
        fallback = "admin.*" if object_type.startswith("admin.") else "*"
        rule = self.rules.get(object_type, self.rules.get(fallback))
        return rule if isinstance(rule, dict) else None


class User(AbstractUser):
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        help_text=_("Interface language; empty means the server default."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Bumped on sign-out and password change: it is part of the session hash, so every
    # session signed in before the bump stops being accepted (accord.users.sessions).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django's hash covers the password only; the generation ends all sessions at will.
        key_salt = "accord.users.User.session_auth_hash"
        value = f"{self.password}:{self.session_generation}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


class ApiToken(models.Model):
    """A named, revocable API token. Only a hash is kept; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginAttempt(models.Model):
    """One try to sign in, kept for throttling; the audit log holds the lasting record."""

    username = models.CharField(_("login"), max_length=150)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)
    success = models.BooleanField(_("success"), default=False)

    class Meta:
        verbose_name = _("login attempt")
        verbose_name_plural = _("login attempts")
        indexes = [
            models.Index(fields=["username", "ip", "at"], name="login_user_ip_at"),
            models.Index(fields=["ip", "at"], name="login_ip_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.ip} {'ok' if self.success else 'failed'}"
