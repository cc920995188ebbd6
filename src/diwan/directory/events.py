"""Audit event types of the organisation directory (every one is a change of who may do what)."""

from enum import StrEnum


class DirectoryEvent(StrEnum):
    AGENCY_CREATED = "directory.agency.created"
    AGENCY_UPDATED = "directory.agency.updated"
    OFFICE_CREATED = "directory.office.created"
    OFFICE_UPDATED = "directory.office.updated"
    POSITION_CREATED = "directory.position.created"
    POSITION_UPDATED = "directory.position.updated"
    MEMBERSHIP_GRANTED = "directory.membership.granted"
    MEMBERSHIP_ENDED = "directory.membership.ended"
    DELEGATION_CREATED = "directory.delegation.created"
    DELEGATION_ENDED = "directory.delegation.ended"
    SIGNING_KEY_REGISTERED = "directory.signing_key.registered"
