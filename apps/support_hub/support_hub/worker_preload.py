"""What every background job of this app would otherwise load for itself, loaded once by the worker pool.

Frappe's worker pool (`bench worker-pool`) forks a fresh work horse for every job from a worker that has
imported only Frappe's core. A job of this app then imports its modules, compiles the regular expressions
of the libraries they use and parses Frappe's e-mail stylesheet, every time: measured, 0.5-1 s before an
intake drain's first ticket, which a burst pays again with every drain job it queues. `bench
support-hub-worker-pool` is the same pool with these loaded before it forks (as Frappe itself pre-imports
its query builder there), so the horses start with them in memory they share with the worker.
"""

from __future__ import annotations

import importlib

import frappe

# The modules of the jobs a desk and its intake run all day, and the Frappe documents those jobs write.
MODULES = (
    "support_hub.automation.intake",
    "support_hub.automation.assignment",
    "support_hub.automation.waiting",
    "support_hub.sla.sweep",
    "support_hub.sla.replan",
    "support_hub.sla.escalation",
    "support_hub.crm.identify",
    "frappe.core.doctype.communication.communication",
    "frappe.email.doctype.email_queue.email_queue",
    "frappe.contacts.doctype.contact.contact",
    "frappe.desk.doctype.todo.todo",
    "frappe.desk.doctype.notification_log.notification_log",
    "frappe.desk.doctype.tag_link.tag_link",
    "frappe.core.doctype.comment.comment",
)
SAMPLE_PAGE = "<html><head><title>t</title></head><body><table><tr><td><p>x</p></td></tr></table></body></html>"


def preload() -> list[str]:
    """Import MODULES and warm the process-wide caches; returns what could not be loaded (an app left
    out of the bench, say), which the jobs then load themselves as before."""
    with frappe.init_site():
        missed = _import(MODULES)
        try:
            from support_hub.engine import wordforms

            wordforms.keys("заявка")  # the morphological dictionary loaded
        except Exception:
            missed.append("word forms")
    try:
        missed += _with_first_site()
    except Exception:
        missed.append("the first site's hooks and e-mail stylesheet")
    return missed


def _with_first_site() -> list[str]:
    """What the installed apps name in their hooks, read for the bench's first site (its connection closed
    again before the pool forks): the modules of every document event handler (a Communication's insert
    alone runs handlers of three apps, one importing Google's client libraries), and Frappe's e-mail
    stylesheet parsed into Premailer's rules (kept by mail_styles) with the regular expressions of
    cssutils and lxml compiled."""
    from frappe.email.email_body import inline_style_in_html
    from frappe.utils import get_sites

    from support_hub import mail_styles

    mail_styles.install()
    sites = sorted(get_sites())
    if not sites:
        return []
    frappe.init(site=sites[0])
    try:
        frappe.connect()
        handlers = {path for events in frappe.get_hooks("doc_events").values() for paths in events.values()
                    for path in (paths if isinstance(paths, list) else [paths])}
        missed = _import(sorted({path.rsplit(".", 1)[0] for path in handlers}))
        inline_style_in_html(SAMPLE_PAGE)
    finally:
        frappe.destroy()
    return missed


def _import(modules) -> list[str]:
    """Import each module; returns those that would not import."""
    missed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:
            missed.append(name)
    return missed
