"""DNS adapter (dnspython): questions for preflight, answers as strings, errors as
``mailer.errors.DnsError``; and the organisational domain from the Public Suffix List."""
