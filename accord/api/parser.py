"""Reading request bodies: strict UTF-8 JSON, with a message a client can act on."""

from __future__ import annotations

import json
import math
from typing import Any, NoReturn

from django.http import HttpRequest
from ninja.parser import Parser
from ninja.types import DictStrAny

from accord.api.errors import MalformedJsonError


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise MalformedJsonError(f"The number {text[:20]} is too large.")
    return value


def _no_constant(name: str) -> NoReturn:
    raise MalformedJsonError(f"{name} is not valid JSON.")


def parse_json(raw: bytes) -> Any:
    """The JSON value in `raw`, or MalformedJsonError saying what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedJsonError("The request body is not UTF-8 text.") from None
    try:
        return json.loads(text, parse_float=_finite_float, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise MalformedJsonError(f"The request body is not valid JSON: {exc}.") from None
    except MalformedJsonError:
        raise
    except (ValueError, RecursionError):  # e.g. an integer of thousands of digits, deep nesting
        raise MalformedJsonError("The request body is not JSON that can be read.") from None


class StrictJsonParser(Parser):
    """ninja's parser, refusing non-UTF-8 bodies, NaN, Infinity and overflowing numbers."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data: DictStrAny = parse_json(request.body)
        return data
