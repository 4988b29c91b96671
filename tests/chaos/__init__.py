"""The chaos suite: crashes and faults the delivery ledger must survive (docs/reliability.md)."""
