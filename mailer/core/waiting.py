"""How long sending waits, and who waits: the four waiting tables, side by side.

Each table is read the same way: the n-th failure in a row waits the n-th step, and every
failure past the last step waits the last one again.

| table          | who waits                | after                                | steps        |
|----------------|--------------------------|--------------------------------------|--------------|
| BACKOFF        | one delivery             | a deferral (4xx, timeout, drop)      | 1 min … 6 h  |
| COOL_OFF       | one relay of the pool    | 421, a refused connection, 454       | 5 s … 10 min |
| RELAY_PAUSE    | the dispatcher's loop    | a batch where every relay backed off | 5 s … 10 min |
| DATABASE_PAUSE | a worker's database call | the database is unreachable          | 0.2 s … 5 s  |

How they fit together, from the smallest scope to the largest:

- ``COOL_OFF`` (``mailer.smtp.pool``) rests one relay and sends the message to the next
  healthy one at once; a success resets that relay's count.
- Only when every relay is cooling off (or each refused this message) does the worker hear
  "back off": the message is deferred by ``BACKOFF``, and the loop itself pauses by
  ``RELAY_PAUSE`` (``mailer.dispatch.dispatcher``) so it does not offer every queued message
  to resting relays; a batch without a back-off resets the count. Same steps as
  ``COOL_OFF`` on purpose: the loop wakes about when the first relay is back.
- ``BACKOFF`` (``mailer.core.delivery.next_attempt``) counts a delivery's attempts, is
  stored in the ledger (``next_attempt_at``) and so survives restarts; each step is jittered
  by ±20% so deferred messages do not come back together. A delivery deferred
  ``GIVE_UP_AFTER`` after it was queued is failed instead ("gave up retrying").
- ``DATABASE_PAUSE`` (``mailer.dispatch.dispatcher.retry_while_db_down``) is apart from the
  others: it waits out a database restart or failover. Claims are retried until the worker
  stops; an outcome already sent is retried for ``OUTCOME_PATIENCE``, then its row stays
  leased and is sent again when the lease ends (a duplicate, never a loss).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

BACKOFF: Final = (60, 300, 1800, 7200, 21600)  # seconds before attempt 2, 3, 4, 5, 6+
GIVE_UP_AFTER: Final = timedelta(hours=48)
COOL_OFF: Final = (5.0, 30.0, 120.0, 600.0)  # seconds a relay rests after its 1st, 2nd, … failure
RELAY_PAUSE: Final = (5.0, 30.0, 120.0, 600.0)  # seconds the loop waits after a back-off batch
DATABASE_PAUSE: Final = (0.2, 0.5, 1.0, 2.0, 5.0)  # seconds between tries of a database call
OUTCOME_PATIENCE: Final = 120.0  # seconds an outcome already sent is retried before giving up
