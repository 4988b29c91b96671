"""Pure domain rules: no I/O, no ORM, no templates; "now" is always a parameter.

Pure computation libraries (lark, email-validator without DNS, pycountry, langcodes) are allowed.
"""
