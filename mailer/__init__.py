"""mailer: a self-hosted multilingual newsletter and campaign mailing service."""

__version__ = "0.1.0"
