"""What every actor shares: the `actor` decorator, the job error classes, and final-failure handling.

Rules for actors (see docs/jobs.md):
- dotted names (`notifications.deliver_email`), ids only as arguments, reload rows inside their
  own `unit_of_work()`, return quietly when the row is gone, and stay idempotent (a message can
  run again after a crash or a retry);
- a transient problem raises (anything, or `TransientJobError` / `dramatiq.Retry`): dramatiq's
  `Retries` middleware tries again with exponential backoff, up to `max_retries` (3) times;
- a problem that no retry can fix raises `PermanentJobError`: the message fails at once;
- either way, once a message has failed for good, `RecordFinalFailure` writes a `job_failures`
  row and, when the job belonged to a user (its `user_id` argument), tells them in the app. An
  actor whose rows need settling then (an export marked failed) passes `on_final_failure`.
"""

from __future__ import annotations

import inspect
import logging
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import dramatiq
from dramatiq import Middleware
from dramatiq.broker import Broker, MessageProxy

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
# (session, exception, args, kwargs) -> the user the failed job belonged to, if its arguments do not say.
FinalFailureHook = Callable[[Any, BaseException, tuple, dict], "int | None"]

DEFAULT_QUEUE = "default"
JOBS_CATEGORY = "jobs"
MAX_ERROR_CHARS = 8000


class TransientJobError(Exception):
    """A problem that may pass (a service down, a lock timeout): the job is retried."""


class PermanentJobError(Exception):
    """A problem no retry can fix (bad input, a refused request): the job fails without retries.

    Actors declared with `workers.base.actor` list this class in dramatiq's `throws` option, so
    the `Retries` middleware fails the message at once; it is still recorded as a job failure.
    """


def actor(
    fn: F | None = None,
    *,
    actor_name: str,
    queue_name: str = DEFAULT_QUEUE,
    failure_notice: str | None = None,
    on_final_failure: FinalFailureHook | None = None,
    broker: Broker | None = None,
    **options: Any,
) -> Any:
    """Declare a dramatiq actor on the platform's broker.

    `actor_name` is required and dotted (`<domain>.<verb>`). `failure_notice` is the sentence a
    user reads in the app when this job fails for good (defaults to a generic one).
    `on_final_failure(session, exception, args, kwargs)` runs then, in the transaction that records
    the failure, to settle the job's rows; it returns the id of the user to tell when the job's
    arguments do not name one (or None). `broker` defaults to the process's broker (tests pass
    their own). Other options (`max_retries`, `min_backoff`, `time_limit`, ...) go to dramatiq unchanged.
    """
    if "." not in actor_name:
        raise ValueError(f"actor names are dotted '<domain>.<verb>', got {actor_name!r}")
    from workers.broker import get_broker  # the broker module imports this one

    throws = options.pop("throws", ())
    throws = (throws,) if isinstance(throws, type) else tuple(throws)
    if failure_notice is not None:
        options["failure_notice"] = failure_notice
    if on_final_failure is not None:
        options["on_final_failure"] = on_final_failure

    def decorator(func: F) -> Any:
        return dramatiq.actor(
            func,
            actor_name=actor_name,
            queue_name=queue_name,
            broker=broker or get_broker(),
            throws=(PermanentJobError, *throws),
            **options,
        )

    return decorator(fn) if fn is not None else decorator


def user_id_of(fn: Callable[..., Any] | None, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int | None:
    """The user a job belongs to: its `user_id` keyword, or its first argument when so named."""
    value = kwargs.get("user_id")
    if value is None and args and fn is not None:
        try:
            parameters = list(inspect.signature(fn).parameters)
        except (TypeError, ValueError):
            parameters = []
        if parameters and parameters[0] == "user_id":
            value = args[0]
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


class RecordFinalFailure(Middleware):
    """After the last retry (or a `PermanentJobError`): a `job_failures` row + the user told.

    Must sit *before* `Retries` in the broker's middleware list: dramatiq runs "after" hooks in
    reverse order, so `Retries` has decided (and marked the message failed) when this runs.
    """

    @property
    def actor_options(self) -> set[str]:
        return {"failure_notice", "on_final_failure"}

    def after_process_message(
        self, broker: Broker, message: MessageProxy, *, result: Any = None, exception: BaseException | None = None
    ) -> None:
        if exception is None or not message.failed:
            return
        try:
            self._record(broker, message, exception)
        except Exception:  # never let bookkeeping break the worker; the log keeps the failure
            logger.exception("could not record the failure of job %s (%s)", message.message_id, message.actor_name)

    def _record(self, broker: Broker, message: MessageProxy, exception: BaseException) -> None:
        actor_obj = broker.actors.get(message.actor_name)
        fn = actor_obj.fn if actor_obj is not None else None
        options = actor_obj.options if actor_obj is not None else {}
        throws = message.options.get("throws") or options.get("throws")
        attempts = message.options.get("retries", 0)
        if throws and isinstance(exception, throws):
            attempts += 1  # Retries does not count an attempt that fails without retry
        error = "".join(traceback.format_exception(exception))[-MAX_ERROR_CHARS:]
        args: list[Any] = list(message.args)
        if message.kwargs:
            args.append({"kwargs": dict(message.kwargs)})
        logger.error(
            "job %s (%s) failed for good after %d attempt(s): %r",
            message.message_id, message.actor_name, attempts, exception,
        )
        from backend.db import unit_of_work
        from backend.jobs.service import record_job_failure

        user_id = user_id_of(fn, tuple(message.args), dict(message.kwargs))
        hook = options.get("on_final_failure")
        with unit_of_work() as session:
            if hook is not None:
                owner = hook(session, exception, tuple(message.args), dict(message.kwargs))
                user_id = user_id if user_id is not None else owner
            record_job_failure(
                session,
                actor_name=message.actor_name,
                message_id=message.message_id,
                user_id=user_id,
                args=args,
                error=error,
                retries=max(attempts - 1, 0),
                notice=options.get("failure_notice"),
            )
