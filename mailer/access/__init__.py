"""Use cases on who may act: staff accounts of the web UI and the REST API's tokens."""
