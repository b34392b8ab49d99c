"""Audit logs: actions, sort fields and the filter query, shared by both APIs."""

from __future__ import annotations

from typing import Any, Literal, get_args

from .._params import check_choice, iso_when, join_ids, list_query
from .._request import QueryValue, require_id

AuditAction = Literal["create", "read", "update", "delete", "execute", "export", "import"]
"""Kinds of audited action."""
AuditLogOrder = Literal["created_at", "event_type", "resource_type", "action"]
"""Fields audit logs can be sorted by."""


# The filters every audit route takes, in the order they are sent.
_ID_LISTS = ("user_ids", "api_token_ids", "resource_ids")
_SINGLE = ("team_id", "user_id", "api_token_id", "resource_type", "resource_id", "event_type")


def audit_query(args: dict[str, Any]) -> dict[str, QueryValue]:
    """Check and render the filters found in a method's arguments (absent ones are skipped)."""
    filters: dict[str, Any] = {}
    for name in _SINGLE:
        value = args.get(name)
        if value is not None:
            filters[name] = require_id(value, name)
    for name in _ID_LISTS:
        filters[name] = join_ids(args.get(name), name)
    action = args.get("action")
    check_choice("action", action, get_args(AuditAction))
    filters["action"] = action
    filters["start_date"] = iso_when(args.get("start_date"), "start_date")
    filters["end_date"] = iso_when(args.get("end_date"), "end_date")
    return list_query(
        page=args["page"],
        page_size=args["page_size"],
        order_by=args["order_by"],
        order_by_allowed=get_args(AuditLogOrder),
        order_direction=args["order_direction"],
        filters=filters,
    )
