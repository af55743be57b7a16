"""Waiting (private): long-running operations and branches until they are usable.

``_poller`` is the front the services call (``wait``, ``wait_many``, ``watch``); ``_waiter`` is
the client's one shared waiter that schedules every poll; ``_connectable`` waits until a branch
answers ``SELECT 1``; ``_branch_reuse`` gets a branch by name (reuse, else create) and waits
until it is connectable, for CI (it stands on the client; the CLI and the pytest plugin use
it). The rest is built on ``_core`` alone; the services and the client use it.
"""
