"""Use case: send what the ledger says is due, record every outcome, finish campaigns."""
