"""Staff pages to manage the organisation directory: offices, positions, memberships, delegations,
and (coordination administrators) agencies. Thin: parse, call an action or selector, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from diwan.core.access import policy, roles_of, staff
from diwan.core.errors import DiwanError
from diwan.core.interface import found, show_refusal
from diwan.directory import actions, selectors
from diwan.directory.roles import Role

from . import directory_forms as f

DIRECTORY_ADMINS = staff(Role.AGENCY_ADMIN, Role.COORDINATION_ADMIN)
COORDINATION = staff(Role.COORDINATION_ADMIN)


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("is_coordination_admin", Role.COORDINATION_ADMIN in roles_of(request))
    return render(request, f"backoffice/directory/{template}", context, status=status)


@policy(DIRECTORY_ADMINS)
def index(request: HttpRequest) -> HttpResponse:
    agencies = list(selectors.administered_agencies(request.user).select_related("parent"))
    return _page(request, "index.html", {"agencies": agencies})


@policy(COORDINATION)
def agency_create(request: HttpRequest) -> HttpResponse:
    agencies = list(selectors.administered_agencies(request.user))
    form = f.AgencyForm(request.POST or None, agencies=agencies)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                agency = actions.agency_create(
                    actor=request.user,
                    code=form.cleaned_data["code"],
                    name=form.translated(),
                    kind=form.cleaned_data["kind"],
                    parent=form.parent_agency(),
                )
            except DiwanError as error:
                status = show_refusal(form, error)
            else:
                messages.success(request, _("Agency %(name)s created.") % {"name": agency.label})
                return redirect("backoffice:directory-agency", code=agency.code)
    return _page(request, "agency_form.html", {"form": form}, status)


@policy(DIRECTORY_ADMINS)
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = found(lambda: selectors.access_agency_for(request.user, code))
    return _page(request, "agency.html", {"agency": agency, "tree": selectors.office_tree(agency)})


@policy(DIRECTORY_ADMINS)
def office_create(request: HttpRequest, code: str) -> HttpResponse:
    agency = found(lambda: selectors.access_agency_for(request.user, code))
    offices = list(selectors.public_offices(agency))
    initial = {"parent": request.GET.get("parent")} if request.GET.get("parent") else None
    form = f.OfficeForm(request.POST or None, offices=offices, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                office = actions.office_create(
                    actor=request.user,
                    agency=agency,
                    code=form.cleaned_data["code"],
                    name=form.translated(),
                    governorate=form.cleaned_data["governorate"],
                    parent=form.parent_office(),
                )
            except DiwanError as error:
                status = show_refusal(form, error)
            else:
                messages.success(request, _("Office %(name)s created.") % {"name": office.label})
                return redirect("backoffice:directory-agency", code=agency.code)
    return _page(request, "office_form.html", {"form": form, "agency": agency}, status)


@policy(DIRECTORY_ADMINS)
def position_create(request: HttpRequest, office_id: int) -> HttpResponse:
    office = found(lambda: selectors.access_office_for(request.user, office_id))
    form = f.PositionForm(request.POST or None, agency=office.agency)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                position = actions.position_create(
                    actor=request.user, office=office, title=form.translated(), role=form.cleaned_data["role"]
                )
            except DiwanError as error:
                status = show_refusal(form, error)
            else:
                messages.success(request, _("Position %(title)s created.") % {"title": position.label})
                return redirect("backoffice:directory-agency", code=office.agency.code)
    return _page(request, "position_form.html", {"form": form, "office": office}, status)


@policy(DIRECTORY_ADMINS)
def membership_grant(request: HttpRequest, position_id: int) -> HttpResponse:
    position = found(lambda: selectors.access_position_for(request.user, position_id))
    form = f.MembershipForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            user = selectors.staff_user_by_username(form.cleaned_data["username"])
            try:
                actions.membership_grant(
                    actor=request.user,
                    user=user,
                    position=position,
                    valid_from=f.optional(f.start_of, form.cleaned_data["valid_from"]),
                    valid_to=f.optional(f.end_of, form.cleaned_data["valid_to"]),
                )
            except DiwanError as error:
                status = show_refusal(form, error)
            else:
                messages.success(
                    request,
                    _("%(person)s now holds the position %(title)s.")
                    % {"person": user.full_name_ar, "title": position.label},
                )
                return redirect("backoffice:directory-agency", code=position.office.agency.code)
    return _page(request, "membership_form.html", {"form": form, "position": position}, status)


@policy(DIRECTORY_ADMINS)
def membership_end(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = found(lambda: selectors.access_membership_for(request.user, membership_id))
    form = f.EndMembershipForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.membership_end(
                    actor=request.user, membership=membership, reason=form.cleaned_data["reason"]
                )
            except DiwanError as error:
                status = show_refusal(form, error)
            else:
                messages.success(request, _("The membership has ended."))
                return redirect("backoffice:directory-agency", code=membership.position.office.agency.code)
    return _page(request, "membership_end.html", {"form": form, "membership": membership}, status)


@policy(DIRECTORY_ADMINS)
def delegation_create(request: HttpRequest, position_id: int) -> HttpResponse:
    position = found(lambda: selectors.access_position_for(request.user, position_id))
    holders = selectors.position_holders(position)
    form = f.DelegationForm(request.POST or None, position=position, holders=holders)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            delegate = selectors.staff_user_by_username(form.cleaned_data["delegate"])
            try:
                actions.delegation_create(
                    actor=request.user,
                    position=position,
                    delegator=form.holders.get(form.cleaned_data["delegator"]),
                    delegate=delegate,
                    valid_from=f.start_of(form.cleaned_data["valid_from"]),
                    valid_to=f.end_of(form.cleaned_data["valid_to"]),
                    reason=form.cleaned_data["reason"],
                )
            except DiwanError as error:
                status = show_refusal(form, error)
            else:
                messages.success(request, _("The delegation is recorded."))
                return redirect("backoffice:directory-agency", code=position.office.agency.code)
    return _page(
        request, "delegation_form.html", {"form": form, "position": position, "holders": holders}, status
    )


@policy(DIRECTORY_ADMINS)
def delegation_end(request: HttpRequest, delegation_id: int) -> HttpResponse:
    delegation = found(lambda: selectors.access_delegation_for(request.user, delegation_id))
    form = forms.Form(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            actions.delegation_end(actor=request.user, delegation=delegation)
        except DiwanError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, _("The delegation has ended."))
            return redirect("backoffice:directory-agency", code=delegation.position.office.agency.code)
    return _page(request, "delegation_end.html", {"form": form, "delegation": delegation}, status)
