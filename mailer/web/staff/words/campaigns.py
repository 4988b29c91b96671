"""The staff pages' words: campaigns, their actions, preflight, previews and reports.

Each value is the English msgid of the ``staff`` catalog (``mailer/locale/ru/LC_MESSAGES/
staff.po``); ``C_`` adds a context where one English word has two Russian ones (a page title and a
button both "Schedule"). See docs/translations.md.
"""

from __future__ import annotations

from mailer.render.catalogs import C_, S_

TABLES: dict[str, dict[str, str]] = {
    "campaigns": {
        "title": S_("Campaigns"),
        "folder": S_("Campaign folders in"),
        "slug": S_("Campaign"),
        "subject": S_("Subject"),
        "state": S_("State"),
        "progress": S_("Progress"),
        "approved_by": S_("Approved by"),
        "send_at": S_("Send at"),
        "no_folder": S_("folder gone"),
        "none": S_(
            "No campaign folders yet: add one as <slug>/campaign.toml (see docs/campaigns.md)."
        ),
    },
    "campaign": {
        "edit": S_("Edit in the browser"),
        "state": S_("State"),
        "approved_by": S_("Approved by"),
        "approved_at": S_("Approved at"),
        "started_at": S_("Started"),
        "finished_at": S_("Finished"),
        "changed_since": S_(
            "campaign.toml changed since it was approved: approve it again before "
            "it can be scheduled or sent."
        ),
        "approval_stands": S_(
            "This exact text is approved; nothing needs approving again unless it changes."
        ),
        "approved_in_file": S_(
            "Approved by file: campaign.toml said approved = true when it was "
            "imported. Approving here records a person instead."
        ),
        "lint": S_("Lint"),
        "lint_ok": S_("No errors or warnings."),
        "errors": S_("Errors"),
        "warnings": S_("Warnings"),
        "file": S_("File"),
        "key": S_("Key"),
        "message": S_("Message"),
        "preview": C_("campaign.preview", "Preview"),
        "preview_language": S_("Preview in"),
        "preview_person": S_("Preview for one subscriber"),
        "preview_email": S_("Subscriber's email address"),
        "preview_submit": S_("Show"),
        "test": S_("Send a test"),
        "test_help": S_(
            "One copy per language to each address (subject marked [TEST]); nothing is recorded."
        ),
        "test_addresses": S_("Addresses (comma or one per line)"),
        "test_submit": S_("Send test copies"),
        "test_results": S_("Test send results"),
        "address": S_("Address"),
        "language": S_("Language"),
        "result": S_("Result"),
        "reason": S_("Reply"),
        "approval": S_("Approval"),
        "approve": S_("Approve this text"),
        "approve_help": S_(
            "Approves exactly the current campaign.toml; any later change needs a new approval."
        ),
        "schedule": C_("campaign.schedule", "Schedule"),
        "schedule_help": S_(
            "A local date and time in a time zone; it is stored in UTC and sent "
            "once through the scheduler."
        ),
        "send_at": S_("Send at (local time)"),
        "timezone": S_("Time zone"),
        "schedule_submit": C_("campaign.schedule_submit", "Schedule"),
        "scheduled_for": S_("Scheduled for"),
        "scheduled_by": S_("scheduled by"),
        "period_confirm": S_("Yes, send this issue on that date"),
        "period_help": S_("This issue is written for another period than the date you chose."),
        "deadline": S_("not sent after"),
        "unschedule": S_("Take off the schedule"),
        "sending": S_("Sending"),
        "pause": S_("Pause"),
        "resume": S_("Resume"),
        "cancel": S_("Cancel campaign"),
        "cancel_confirm": S_(
            "Cancel this campaign for good? Messages not yet sent will never go out."
        ),
        "progress": S_("Progress"),
        "deliveries": S_("deliveries"),
        "done_label": S_("done"),
        "not_started": S_("Not started: nothing queued yet."),
        "lint_first": S_("Not approved: lint found {count} error(s); fix them first."),
        "bad_time": S_("The send time {value!r} is not a date and time such as 2026-12-01T09:00."),
        "bad_zone": S_("The time zone {value!r} is unknown; choose one such as Europe/Belgrade."),
        "no_addresses": S_("Give at least one address."),
        "too_many_addresses": S_("Send to at most {limit} addresses at a time."),
        "no_actions": S_("No action is possible in this state."),
    },
    "preflight": {
        "title": S_("Preflight"),
        "help_site": S_(
            "DKIM, SPF, DMARC and the bounce domain in DNS: will receivers trust what we send?"
        ),
        "help_issue": S_(
            "DKIM, SPF, DMARC and the bounce domain in DNS, and this issue's "
            "messages: will receivers trust it?"
        ),
        "kept": S_("Checked at {at}; kept {minutes} min."),
        "afresh": S_("checks afresh."),
        "all_pass": S_("Every check passes."),
        "summary": S_("{errors} failing check(s), {warnings} warning(s)."),
        "gate_on": S_("Sending and scheduling are refused while a check fails."),
        "gate_off": S_(
            "Not enforced here (preflight.gate, or an example domain as in the "
            "demo): see docs/deliverability.md."
        ),
        "pass": S_("pass"),
        "warn": S_("warning"),
        "fail": S_("fails"),
        "fix": S_("Fix"),
        "force": S_(
            "Schedule anyway, despite {count} failing preflight check(s): I take "
            "responsibility (your name is recorded)"
        ),
        "forced": S_("Scheduled despite failing preflight checks by"),
    },
    "done": {
        "approved": S_("Approved."),
        "scheduled": S_("Scheduled."),
        "unscheduled": S_("Taken off the schedule; it stays approved."),
        "paused": S_("Paused: no further messages go out until it is resumed."),
        "resumed": S_("Resumed."),
        "cancelled": S_("Cancelled: messages not yet sent will not go out."),
    },
    "preview": {
        "title": C_("preview.title", "Preview"),
        "subject": S_("Subject"),
        "variant": S_("Variant"),
        "recipient": S_("Recipient"),
        "html": S_("HTML part"),
        "text": S_("Text part"),
        "frame": S_("The HTML part of the message"),
    },
    "report": {
        "title": S_("Report"),
        "none": S_("There is no report for {slug}: it was never approved or sent."),
        "total": S_("Deliveries"),
        "sent": S_("delivered"),
        "deferred": S_("deferred"),
        "bounced": S_("bounced"),
        "failed": C_("report.failed", "failed"),
        "skipped": C_("report.skipped", "skipped"),
        "queued": S_("queued"),
        "sending": C_("report.sending", "sending"),
        "complained": S_("complained"),
        "unsubscribed": S_("unsubscribed"),
        "help": S_(
            "Delivered means the receiving server accepted the message. Deferred "
            "ones are tried again; bounced addresses are suppressed. Unsubscribed "
            "counts recipients who left one of the issue's lists after the send "
            "started. The same numbers: mailer campaign report SLUG."
        ),
        "engagement": S_(
            "Opened by {openers} ({opens} opens); links clicked by {clickers} ({clicks} clicks)."
        ),
        "no_tracking": S_(
            "Opens and clicks are not counted: tracking is off for this issue "
            "(tracking = true in campaign.toml turns it on)."
        ),
        "progress": S_("Sending progress (messages delivered so far)"),
        "nothing_sent": S_("Nothing delivered yet."),
        "per_language": S_("Outcomes per language"),
        "per_country": S_("Outcomes per country"),
        "link": S_("Report"),
    },
}
