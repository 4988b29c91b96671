"""Bounces and complaints: ingest from every channel, attribute, apply the policy."""
