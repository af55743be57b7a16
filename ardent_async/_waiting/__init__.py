"""Waiting (private): long-running operations and branches until they are usable.

``_poller`` is the front the services call (``wait``, ``wait_many``, ``watch``); ``_waiter`` is
the client's one shared waiter that schedules every poll; ``_connectable`` waits until a branch
answers ``SELECT 1``. All of it is built on ``_core`` alone; the services and the client use
it.
"""
