"""Admin login throttling against password guessing.

Failed logins are counted in the cache (the database cache: shared by every
worker process and surviving restarts) per username and per client address,
each in a window that starts at its first failure.  Once either count reaches
its limit, login posts from that address or for that username get a 429 with
Retry-After until the window ends, whatever the password: a guesser learns
nothing, and a right password waits too.  A successful login clears its
username's count, not its address's, so that an attacker with one account
cannot reset the address limit.

The counts are read then written, not locked: a burst of parallel posts may
get a few more tries than the limit, never unlimited ones.
"""

import hashlib
import math
import time

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import reverse

from .middleware import database_unavailable_response


def _username_key(username):
    digest = hashlib.sha256(str(username).strip().casefold().encode()).hexdigest()
    return f"login-failures:user:{digest}"


def _address_key(request):
    # REMOTE_ADDR: behind a proxy, the proxy must set it (gunicorn's
    # --forwarded-allow-ips); a client-sent X-Forwarded-For is never trusted.
    return f"login-failures:address:{request.META.get('REMOTE_ADDR', '')}"


def _limits(request, username):
    return [
        (_username_key(username), settings.ADMIN_LOGIN_MAX_FAILURES),
        (_address_key(request), settings.ADMIN_LOGIN_MAX_FAILURES_PER_ADDRESS),
    ]


def seconds_throttled(request, username):
    """Seconds until ``username`` may try again from ``request``'s address (0: now)."""
    now = time.time()
    counts = cache.get_many([key for key, _ in _limits(request, username)])
    waits = [
        counts[key][1] - now
        for key, limit in _limits(request, username)
        if key in counts and counts[key][0] >= limit
    ]
    return math.ceil(max(waits, default=0))


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    now = time.time()
    for key, _ in _limits(request, credentials.get("username", "")):
        # (failures, end of the window that the first of them opened)
        failures, window_end = cache.get(key, (0, 0))
        if window_end <= now:
            failures, window_end = 0, now + settings.ADMIN_LOGIN_WINDOW_SECONDS
        # The cache's expiry is whole seconds on some backends: one more, so
        # the entry outlives its window (whose end the value itself holds).
        cache.set(key, (failures + 1, window_end), timeout=math.ceil(window_end - now) + 1)


@receiver(user_logged_in)
def clear_failures(sender, request, user, **kwargs):
    cache.delete(_username_key(user.get_username()))


class AdminLoginThrottleMiddleware:
    """Answer a throttled login post with 429 before it reaches the password check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path == reverse("admin:login"):
            try:
                wait = seconds_throttled(request, request.POST.get("username", ""))
            except (OperationalError, InterfaceError):  # the cache is in the database
                return database_unavailable_response()
            if wait:
                return self.throttled(request, wait)
        return self.get_response(request)

    @staticmethod
    def throttled(request, seconds):
        minutes = math.ceil(seconds / 60)
        response = render(
            request,
            "admin/login_throttled.html",
            {**admin.site.each_context(request), "title": "Too many attempts", "minutes": minutes},
            status=429,
        )
        response["Retry-After"] = str(seconds)
        return response
