"""The scheduler: when series fire (``recurrence``), their files (``files``), the APScheduler
service that claims each occurrence once (``service``)."""
