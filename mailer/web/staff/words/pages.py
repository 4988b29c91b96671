"""The staff pages' words: every page, sign-in, errors, dashboard, schedule,
outbox, bounces, import.

Each value is the English msgid of the ``staff`` catalog (``mailer/locale/ru/LC_MESSAGES/
staff.po``); ``C_`` adds a context where one English word has two Russian ones (a page title and a
button both "Schedule"). See docs/translations.md.
"""

from __future__ import annotations

from mailer.render.catalogs import C_, S_

TABLES: dict[str, dict[str, str]] = {
    "site": {
        "people": S_("People"),
        "audience": S_("Audience"),
        "menu": S_("Menu"),
        "name": S_("mailer staff"),
        "dashboard": S_("Dashboard"),
        "issues": S_("Issues"),
        "library": S_("Library"),
        "campaigns": S_("Campaigns"),
        "subscribers": S_("Subscribers"),
        "import": C_("site.import", "Import"),
        "bounces": S_("Bounces"),
        "schedule": C_("site.schedule", "Schedule"),
        "outbox": S_("Outbox"),
        "signed_in_as": S_("Signed in as"),
        "sign_out": S_("Sign out"),
        "sign_out_everywhere": S_("Sign out everywhere"),
        "sign_out_everywhere_hint": S_(
            "End your sessions in every browser, including ones you no longer have."
        ),
        "nav_label": S_("Staff pages"),
        "back": S_("Back"),
        "interests": S_("Interests"),
        "language_nav": S_("Language of these pages"),
    },
    "login": {
        "title": S_("Sign in"),
        "email": S_("Email address"),
        "password": S_("Password"),
        "submit": S_("Sign in"),
        "wrong": S_("Wrong email address or password."),
        "disabled": S_(
            "This account is disabled. Ask another staff member to enable it (mailer users enable)."
        ),
        "too_many": S_("Too many sign-in attempts. Wait a few minutes and try again."),
        "first_user": S_("No account yet? On the server, run: mailer users add you@example.org"),
    },
    "errors": {
        "title": S_("Something went wrong"),
        "csrf": S_(
            "This form has expired or did not come from this site (missing or wrong "
            "CSRF token). Go back, reload the page and try again."
        ),
        "csrf_login": S_(
            "The sign-in form has expired or did not come from this site. Reload "
            "the sign-in page and try again."
        ),
        "not_found": S_("There is no such staff page."),
        "too_large": S_(
            "What you sent is larger than this form accepts ({limit} bytes at "
            "most); nothing was read. Go back and send less."
        ),
        "multipart": S_(
            "This form takes no file (it was sent as multipart/form-data). Go back, "
            "reload the page and send it again."
        ),
        "unreadable": S_("The request could not be read (its Content-Length is not a number)."),
    },
    "dashboard": {
        "active": S_("active"),
        "unconfirmed": S_("unconfirmed"),
        "unsubscribed": S_("unsubscribed"),
        "title": S_("Dashboard"),
        "campaigns": S_("Campaigns"),
        "no_campaigns": S_("No campaign folders yet."),
        "subscribers": S_("Subscribers"),
        "lists": S_("Lists"),
        "recent_bounces": S_("Recent bounces"),
        "no_bounces": S_("No bounces recorded."),
        "next_sends": S_("Next scheduled sends"),
        "no_sends": S_("Nothing scheduled."),
        "all_bounces": S_("All bounces"),
        "series": C_("dashboard.series", "Series"),
        "all_series": S_("Schedule of every series"),
    },
    "schedule": {
        "title": C_("schedule.title", "Schedule"),
        "intro": S_(
            "Each series sends one issue per period, at its time in its time zone. "
            'The issue that joins a period names it: series = "digest" and period = '
            '"2027-01" in campaign.toml.'
        ),
        "no_series": S_(
            "No series yet. A series is a file campaigns/<name>.series.toml (see "
            "docs/campaigns.md)."
        ),
        "broken": S_("This series file has errors; nothing is sent for it until they are fixed:"),
        "rule": S_("Rule"),
        "timezone": S_("Time zone"),
        "deadline": S_("Deadline"),
        "deadline_after": S_("after the planned time"),
        "next": S_("Next"),
        "upcoming": S_("Next occurrences"),
        "period": S_("Period"),
        "local": S_("Local time"),
        "utc": S_("UTC"),
        "issue": S_("Issue"),
        "approved": C_("schedule.approved", "approved"),
        "not_approved": S_("not approved yet"),
        "no_issue": S_("no issue yet"),
        "several_approved": S_("more than one approved issue"),
        "history": S_("Last outcomes"),
        "no_history": S_("Nothing has fired yet."),
        "planned": S_("Planned (UTC)"),
        "outcome": S_("Outcome"),
        "reason": S_("Reason"),
        "one_offs": S_("One-off sends"),
        "no_one_offs": S_("No one-off send is scheduled."),
        "by": S_("scheduled by"),
    },
    "outcome": {
        "started": S_("started"),
        "missed": S_("missed"),
        "skipped": C_("outcome.skipped", "skipped"),
        "failed": C_("outcome.failed", "failed"),
        "pending": S_("in progress"),
    },
    "outbox": {
        "title": S_("Outbox"),
        "help": S_("Messages captured by mailer dev-smtp in"),
        "off": S_(
            "The outbox is off: set [web] outbox to the Maildir of mailer dev-smtp "
            "(e.g. var/outbox)."
        ),
        "gone": S_("No such captured message."),
        "empty": S_("Nothing captured yet: run mailer dev-smtp and send through it."),
        "from": S_("From"),
        "to": S_("To"),
        "subject": S_("Subject"),
        "date": S_("Date"),
        "headers": S_("Headers"),
        "text": S_("Text part"),
        "html": S_("HTML part"),
        "no_text": S_("This message has no text part."),
    },
    "bounces": {
        "title": S_("Bounces"),
        "kind": S_("Kind"),
        "since": S_("Since"),
        "since_help": S_("7d, 12h, 30m or a date such as 2026-12-01"),
        "filter": S_("Filter"),
        "at": S_("At"),
        "recipient": S_("Recipient"),
        "campaign": S_("Campaign"),
        "status": S_("Status"),
        "source": S_("Source"),
        "action": S_("Action"),
        "diagnostic": S_("Diagnostic"),
        "none": S_("No bounces match."),
        "limit": S_("Showing at most {limit}, newest first."),
        "review": S_("Review"),
        "unverified": S_("unverified"),
        "unverified_help": S_(
            "Unverified: nothing vouches that the report is about the person it "
            "names (it was matched by address alone, or named beside the one its "
            "return address vouches for), so it changed nobody. Apply it if you "
            "trust it."
        ),
        "apply": S_("Apply"),
        "applied": S_("Bounce event {event} applied."),
        "applied_by": S_("applied by {by}"),
    },
}
