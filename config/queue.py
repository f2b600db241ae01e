"""Queueing Celery tasks so that a broker outage never costs the change that caused them."""

import logging
from functools import partial

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args) -> None:
    """Queue `task(*args)` once the current transaction commits; nothing if it rolls back.

    The work it stands for is already stored (an outbox row), so if the broker is down the
    publish fails fast, is logged, and a periodic sweep sends it later.
    """
    transaction.on_commit(partial(_publish, task, args), robust=True)


def _publish(task: Task, args: tuple) -> None:
    try:
        task.apply_async(args, retry=False)
    except Exception:
        logger.warning("Could not queue %s%r; the sweep will pick it up.", task.name, args)
        raise
