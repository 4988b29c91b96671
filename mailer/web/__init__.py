"""The HTTP side: health and metrics now; public pages, API and staff UI (the web issue)."""
