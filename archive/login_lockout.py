"""Admin login lockouts against password guessing, by django-axes.

Axes records each failed login in the database (its attempts are listed in
the admin, where an editor with the right permission deletes one to lift a
lockout) and refuses the logins of an account or an address that has had too
many failures in ``AXES_COOLOFF_TIME``, whatever the password.  What axes has
no setting for is kept here: an address may fail more often than an account
(many editors may share an office's address), and a successful login clears
its account's failures, not its address's, so that an attacker with an
account of their own cannot reset the address's count.
"""

import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Max, Q, Sum
from django.shortcuts import render
from django.utils import timezone


def normalised_username(request, credentials):
    """AXES_USERNAME_CALLABLE: " Curator" and "curator" are one account's failures."""
    username = (credentials or {}).get("username", request.POST.get("username"))
    return None if username is None else str(username).strip().casefold()


class AdminLoginHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for an address."""

    def get_failures(self, request, credentials=None):
        # AXES_LOCKOUT_PARAMETERS is ["username", "ip_address"]: one query each.
        by_account, by_address = (
            attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.ADMIN_LOGIN_MAX_FAILURES_PER_ADDRESS:
            return max(by_account, settings.AXES_FAILURE_LIMIT)
        return by_account

    def reset_user_attempts(self, request, credentials=None):
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def seconds_locked_out(request, credentials):
    """Seconds until the last failure that counts against this login has expired."""
    username = get_client_username(request, credentials)
    address = get_client_ip_address(request)
    last_failure = AccessAttempt.objects.filter(
        Q(username=username) | Q(ip_address=address)
    ).aggregate(last=Max("attempt_time"))["last"]
    if last_failure is None:
        return 0
    remaining = last_failure + get_cool_off(request) - timezone.now()
    return max(1, math.ceil(remaining.total_seconds()))


def locked_out_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After and the admin's own page."""
    seconds = seconds_locked_out(request, credentials)
    minutes = math.ceil(seconds / 60)
    response = render(
        request,
        "admin/login_throttled.html",
        {**admin.site.each_context(request), "title": "Too many attempts", "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
