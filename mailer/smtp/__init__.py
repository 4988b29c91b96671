"""Adapter to aiosmtplib: connections to the relay, and SMTP replies as delivery outcomes."""
