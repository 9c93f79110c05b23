"""Reads of the users app that the web and the API share."""

from __future__ import annotations

from django.db.models import QuerySet

from accord.core.errors import NotFoundError
from accord.users.models import ApiToken, User


def api_tokens_list(*, viewer: User) -> QuerySet[ApiToken]:
    """The viewer's own API tokens, newest first; nobody lists another person's tokens here."""
    return ApiToken.objects.filter(user=viewer).order_by("-created_at", "-pk")


def api_token_get(*, viewer: User, pk: int) -> ApiToken:
    """One of the viewer's own tokens; another person's token is missing, like an unknown id."""
    token = api_tokens_list(viewer=viewer).filter(pk=pk).first()
    if token is None:
        raise NotFoundError
    return token
