"""The words of the public pages, by key (``t.<key>`` in ``web/templates/public/``).

Each value is the English msgid of the ``mailer`` catalog (``mailer/locale``).
"""

from __future__ import annotations

from mailer.render.catalogs import N_

PUBLIC: dict[str, str] = {
    "skip": N_("Skip to the content"),
    "language_nav": N_("Language of this page"),
    "archive_link": N_("Past issues"),
    "subscribe_link": N_("Subscribe"),
    "optional": N_("(optional)"),
    "required": N_("(required)"),
    "errors_title": N_("Please correct the following:"),
    "error_prefix": N_("Error:"),
    "label_email": N_("Email address"),
    "label_name": N_("Your name"),
    "label_country": N_("Country"),
    "country_xk": N_("Kosovo"),
    "label_language": N_("Language of the newsletter"),
    "hint_language": N_("Issues come in this language when it is available."),
    "editions_hint": N_(
        "Issues are written in: {languages}. For another language you receive the edition "
        "shown after the arrow."
    ),
    "label_interests": N_("Topics you are interested in"),
    "label_lists": N_("What would you like to receive?"),
    "label_lists_preferences": N_("Newsletters you receive"),
    "error_email": N_("Enter a valid email address, like name@example.org."),
    "error_name": N_("Check your name: it is too long or has characters we cannot store."),
    "error_country": N_("Choose a country from the list."),
    "error_language": N_("Choose a language from the list."),
    "error_interests": N_("Choose topics from the list only."),
    "error_lists": N_("Choose at least one newsletter from the list."),
    "honeypot": N_("Leave this field empty"),
    "consent": N_(
        "We will send you an email to confirm your address. We use your details only to "
        "send you what you chose, and you can unsubscribe or erase your data at any time."
    ),
    "subscribe_title": N_("Subscribe to our newsletter"),
    "subscribe_intro": N_(
        "Every month: news, promising approaches and opportunities from members of the "
        "network, chosen for your country and your interests."
    ),
    "subscribe_button": N_("Subscribe"),
    "check_title": N_("Check your mailbox"),
    "check_body": N_(
        "If this address can receive our newsletter, we have sent it an email with a link. "
        "Open it and confirm your subscription; until then, we will send you nothing else. "
        "No email? Look in your spam folder, or try again tomorrow."
    ),
    "invalid_title": N_("This link is not valid"),
    "invalid_body": N_(
        "The link may be incomplete or no longer in use. Copy the whole link from the email"
        " into your browser, or use the links in a newer email from us."
    ),
    "too_many_title": N_("Too many attempts"),
    "too_many_body": N_(
        "We have received too many requests from you or for this address. Please wait an "
        "hour and try again."
    ),
    "too_large_title": N_("The form is too large"),
    "too_large_body": N_(
        "The form you sent is larger than we accept. Go back, shorten what you typed and "
        "send it again."
    ),
    "unreadable_title": N_("The form could not be read"),
    "unreadable_body": N_(
        "What you sent is not a form this page understands (files cannot be sent here). Go "
        "back and send the form again."
    ),
    "try_later_title": N_("Please try again later"),
    "try_later_body": N_(
        "We could not send the confirmation email just now. Nothing has been saved. Please "
        "try again in a few minutes."
    ),
    "unavailable_title": N_("Temporarily unavailable"),
    "unavailable_body": N_(
        "We cannot handle your request just now. Please try again in a few minutes."
    ),
    "confirm_title": N_("Confirm your subscription"),
    "confirm_body": N_("Press the button to confirm that you want to receive our newsletter."),
    "confirm_button": N_("Confirm my subscription"),
    "confirmed_title": N_("Your subscription is confirmed"),
    "confirmed_body": N_(
        "Thank you! You will receive the next issue. You can change what you receive at any time."
    ),
    "confirmed_link": N_("Choose topics and newsletters"),
    "expired_title": N_("This confirmation link has expired"),
    "expired_body": N_(
        "Confirmation links work for 7 days. Fill in the subscription form again with the "
        "same address and we will send you a new link."
    ),
    "expired_link": N_("Subscribe again"),
    "unsubscribe_title": N_("Unsubscribe"),
    "unsubscribe_body": N_("Stop sending our newsletters to"),
    "unsubscribe_already": N_("This address receives no newsletter from us at the moment."),
    "unsubscribe_button": N_("Unsubscribe from all newsletters"),
    "unsubscribe_instead": N_("Or change what you receive instead"),
    "unsubscribed_title": N_("You have been unsubscribed"),
    "unsubscribed_body": N_(
        "We will not send you our newsletters any more. Changed your mind? You can "
        "subscribe again from your settings."
    ),
    "unsubscribed_link": N_("Your subscription settings"),
    "preferences_title": N_("Your subscription settings"),
    "preferences_for": N_("Settings for"),
    "preferences_saved": N_("Your settings have been saved."),
    "preferences_paused": N_(
        "Paused: you have left every newsletter and your details are kept. To resume, tick "
        "the newsletters you want and save."
    ),
    "preferences_not_receiving": N_(
        "You receive no newsletter at the moment. Tick the newsletters you want and save."
    ),
    "preferences_save": N_("Save my settings"),
    "preferences_unsubscribe": N_("Unsubscribe from everything"),
    "pause_title": N_("Take a break"),
    "pause_body": N_(
        "Stop all newsletters but keep your details, so you can come back with one click."
    ),
    "pause_button": N_("Pause all newsletters"),
    "data_title": N_("Your data"),
    "data_body": N_("Download everything we hold about you, or erase it for good."),
    "export_button": N_("Download my data (JSON)"),
    "erase_start": N_("Erase my data…"),
    "erase_title": N_("Erase your data?"),
    "erase_body": N_(
        "We will delete your address, name, country, language, topics and subscriptions. "
        "This cannot be undone, and we will never email this address again: only a one-way "
        "fingerprint of it is kept, so that it is not added back by mistake."
    ),
    "erase_button": N_("Yes, erase my data"),
    "erase_cancel": N_("No, go back to my settings"),
    "erased_title": N_("Your data has been erased"),
    "erased_body": N_(
        "We have deleted everything we held about you. Thank you for having been with us."
    ),
    "erased_link": N_("Back to the subscribe page"),
    "archive_title": N_("Past issues"),
    "archive_empty": N_("No issue has been sent yet."),
    "archive_languages": N_("Also in:"),
    "no_issue_title": N_("There is no such issue"),
    "no_issue_body": N_(
        "This issue does not exist or has not been sent yet. See the list of past issues."
    ),
    "test_copy_title": N_("This is a test copy"),
    "test_copy_body": N_(
        "This link is in a test copy of an issue, sent to staff to check it before it goes out. "
        "In the issue itself this link lets each reader unsubscribe, change their settings or "
        "read the issue online. Nothing was changed."
    ),
}
