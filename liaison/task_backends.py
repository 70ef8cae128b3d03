"""The task backend of the test suite: tasks run at once, but only when the enqueuing
transaction commits - as the database backend's worker would see them - and never for a
transaction that rolls back.

Django-tasks' own ImmediateBackend runs a task inside `enqueue()`, that is inside the change's
transaction (tasks are enqueued there, DESIGN "Notifications and background work"): an e-mail
would go out for a change that then rolls back, and its sending would become part of the
change. Here a task runs from `transaction.on_commit`: after the change, outside its
transaction (in a test, like the worker right after the commit). Production uses the database
backend (`django_tasks_db.DatabaseBackend`) and `manage.py db_worker`.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django_tasks.backends.immediate import ImmediateBackend


class OnCommitImmediateBackend(ImmediateBackend):
    def _execute_task(self, task_result) -> None:
        # `enqueue` builds the result and calls this: outside any transaction the task runs at
        # once; inside one, once it has committed (never if it rolls back).
        transaction.on_commit(partial(super()._execute_task, task_result))
