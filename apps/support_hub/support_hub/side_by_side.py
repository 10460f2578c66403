"""Work items done side by side, each thread on its own connection to the site's database.

A background job that writes a hundred thousand rows spends most of its time waiting for MariaDB, which
works one statement of a connection at a time on one core. Handing the items to a few threads, each with
its own Frappe context (`frappe.init` in a thread starts a fresh `frappe.local`) and so its own
connection and transactions, lets the database use the machine's other cores. Each item must be
independent of the others and commit its own work: the threads' transactions do not see one another's
uncommitted rows.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable

import frappe


_DONE = object()


def run_on_own_connections(items: Iterable, work: Callable, connections: int,
                           prepare: Callable[[], None] | None = None,
                           finish: Callable[[], None] | None = None) -> None:
    """Call `work(item)` for every item on `connections` threads; `work` commits. `items` is iterated
    here, in the caller's thread and on its connection, while the threads work: a generator that reads
    the next batch overlaps the writing of the last. `prepare` and `finish` run once per thread around
    its items (on its connection). The first error is raised once every thread has stopped; an item
    whose work failed is rolled back, the ones not yet started are left."""
    todo: queue.SimpleQueue = queue.SimpleQueue()
    site, sites_path, user = frappe.local.site, frappe.local.sites_path, frappe.session.user
    errors: list[BaseException] = []

    def thread_body() -> None:
        frappe.init(site=site, sites_path=sites_path)
        try:
            frappe.connect()
            frappe.set_user(user)
            if prepare:
                prepare()
            while not errors:
                item = todo.get()
                if item is _DONE:
                    break
                work(item)
            if finish:
                finish()
        except BaseException as error:  # handed to the caller's thread below
            errors.append(error)
            if getattr(frappe.local, "db", None):
                frappe.db.rollback()
        finally:
            frappe.destroy()

    threads = [threading.Thread(target=thread_body, name=f"support-hub-writer-{i}") for i in range(connections)]
    for thread in threads:
        thread.start()
    try:
        for item in items:
            if errors:
                break
            todo.put(item)
    finally:
        for _thread in threads:
            todo.put(_DONE)
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]
