"""review-not-due: the catalog entry has a ``reviewBy`` date and it has not passed (in
the repository's time zone; on the day itself the review is due, not overdue), as the
lint rule ``review-due`` judges it.

Passing::

    spec: {reviewBy: 2027-03-01}    # still ahead

Failing::

    spec: {reviewBy: 2026-01-15}    # review overdue since 2026-01-15
    spec: {}                        # no reviewBy: set the next review date
"""

from __future__ import annotations

from itsmcode.models import Service
from itsmcode.score.checks.base import NoParams, ScoreContext

ID = "review-not-due"
Params = NoParams


def check(service: Service, params: NoParams, context: ScoreContext) -> str | None:
    review_by = service.spec.review_by
    if review_by is None:
        return "no spec.reviewBy: set the date of the next review"
    if review_by < context.today():
        return f"review overdue since {review_by.isoformat()}: review it and move reviewBy"
    return None
