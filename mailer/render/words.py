"""The words of the email layouts and system mails, by key (``t.<key>`` in ``templates/``).

Each value is the English msgid of the ``mailer`` catalog (``mailer/locale``); placeholders
in braces are filled by the code or the templates: ``{title}`` an item's title, ``{name}`` the
subscriber's name, ``{lists}`` the names of the lists. Greetings are gender-neutral on purpose:
names cannot be inflected, and many languages of the region mark gender in "Dear ...".
"""

from __future__ import annotations

from mailer.render.catalogs import N_

MAIL: dict[str, str] = {
    "read_more": N_("Read more"),
    "read_more_label": N_("Read more: {title}"),
    "view_online": N_("View this email in your browser"),
    "preferences": N_("Manage your subscription"),
    "unsubscribe": N_("Unsubscribe"),
    "footer_reason": N_(
        "You are receiving this email because you subscribed to our network’s newsletter."
    ),
    "event_label": N_("Event"),
    "call_label": N_("Open call"),
    "event_your_time": N_("{when}, your time ({place})"),
    "event_organiser_time": N_("{when}, the organiser’s time ({place})"),
    "event_time": N_("{when} ({place})"),
    "event_register": N_("Register"),
    "event_calendar": N_("Add to calendar"),
    "call_deadline": N_("Deadline: {date}"),
    "greeting_named": N_("Dear {name},"),
    "greeting": N_("Dear colleague,"),
    "button_fallback": N_("If the button does not work, copy this link into your browser:"),
    "confirm_subject": N_("Please confirm your subscription"),
    "confirm_heading": N_("One more step: confirm your subscription"),
    "confirm_body": N_(
        "Thank you for your interest in our network. Please confirm that you would like to "
        "receive: {lists}."
    ),
    "confirm_button": N_("Confirm my subscription"),
    "confirm_ignore": N_(
        "If you did not ask to subscribe, simply ignore this email: your address will not "
        "be added to any list."
    ),
    "welcome_subject": N_("Welcome to our newsletter"),
    "welcome_heading": N_("Welcome!"),
    "welcome_body": N_(
        "Your subscription is confirmed. Every month you will receive news, promising "
        "approaches and opportunities from members of the network, chosen for your country "
        "and your interests."
    ),
    "welcome_manage": N_("You can change your subscription settings or unsubscribe at any time:"),
    "edition_same": N_("You will receive the issues in: {edition}."),
    "edition_other": N_(
        "Issues are not yet written in your language ({language}); you will receive them in: "
        "{edition}."
    ),
    "unsubscribed_subject": N_("You have been unsubscribed"),
    "unsubscribed_heading": N_("You have been unsubscribed"),
    "unsubscribed_body": N_(
        "We will not send you our newsletter any more. Thank you for having been with us!"
    ),
    "come_back": N_(
        "Changed your mind? You can subscribe again at any time from your subscription settings."
    ),
}
