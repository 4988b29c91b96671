"""Reports: counts of subscribers, deliveries, bounces and occurrences, read from
``db/counts.py`` and shaped for who reads them (the API's ``/stats``, Prometheus ``/metrics``,
the demo's summary)."""
