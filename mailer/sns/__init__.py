"""Adapter: Amazon SNS, for the SES bounce webhook (its signing certificates)."""
