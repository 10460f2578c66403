"""bench commands: `bench --site S support-hub-telegram` runs the customer bot by long polling;
`bench --site S support-hub-telegram-webhook [URL] [--stop]` points Telegram at the site's webhook instead
(or stops it, for long polling); `bench support-hub-worker-pool` is Frappe's worker pool with this app's job
modules loaded before it forks (worker_preload.py)."""

from __future__ import annotations

from contextlib import contextmanager

import click
import frappe
from frappe.commands import get_site, pass_context


@contextmanager
def site_store(site: str, sites_path: str):
    """One database session per step of an update: committed when the step succeeds."""
    from support_hub.integrations.telegram.customer_store import FrappeBotStore

    frappe.init(site=site, sites_path=sites_path)
    frappe.connect()
    frappe.set_user("Administrator")
    try:
        yield FrappeBotStore()
        frappe.db.commit()
    except Exception:
        frappe.db.rollback()
        raise
    finally:
        frappe.destroy()


@click.command("support-hub-telegram")
@pass_context
def telegram_bot(context):
    """Run the Telegram customer bot (long polling) for one site."""
    from support_hub.integrations.telegram import site as telegram_site
    from support_hub.integrations.telegram.ptb_app import build_application
    from support_hub.integrations.telegram.webhook import bot_config

    site = get_site(context)
    frappe.init(site=site)
    sites_path = frappe.local.sites_path
    frappe.connect()
    conf = telegram_site.settings()
    frappe.destroy()
    if not (conf.enabled and conf.token):
        raise click.ClickException("Telegram is not enabled, or has no bot token, in Telegram Settings")
    from support_hub.integrations.telegram.client import TelegramError

    try:
        telegram_site.register_commands(telegram_site.client(conf))
    except TelegramError as error:
        raise click.ClickException(f"Telegram refused the bot's command list: {error}") from None
    app = build_application(
        conf.token,
        lambda: site_store(site, sites_path),
        base_url=f"{conf.base_url}/bot",
        base_file_url=f"{conf.base_url}/file/bot",
        config=bot_config(conf),
    )
    click.echo(f"support_hub Telegram bot polling for {site}")
    app.run_polling()


@click.command("support-hub-telegram-webhook")
@click.argument("url", required=False)
@click.option("--stop", is_flag=True, help="Stop webhook deliveries (to run the bot by long polling).")
@pass_context
def telegram_webhook(context, url=None, stop=False):
    """Point Telegram at this site's webhook (URL defaults to the site's own), or stop it."""
    from support_hub.integrations.telegram import site as telegram_site
    from support_hub.integrations.telegram.client import TelegramError

    frappe.init(site=get_site(context))
    frappe.connect()
    try:
        state = telegram_site.stop_webhook() if stop else telegram_site.point_webhook_here(url)
    except (telegram_site.NotConfigured, TelegramError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    finally:
        frappe.destroy()
    where = state["url"] or "nowhere (long polling)"
    click.echo(f"@{state['bot']}: Telegram delivers to {where}; {state['pending']} updates pending")


@click.command("support-hub-worker-pool")
@click.option("--queue", type=str, help="Queues to consume from, comma-separated; all when not given.")
@click.option("--num-workers", type=int, default=2, help="Number of workers to spawn in pool.")
@click.option("--quiet", is_flag=True, default=False, help="Hide log output.")
@click.option("--burst", is_flag=True, default=False, help="Stop once the queues are empty.")
def worker_pool(queue, num_workers=2, quiet=False, burst=False):
    """Frappe's worker pool (bench worker-pool), its work horses forked with this app's job modules loaded."""
    from frappe.utils.background_jobs import start_worker_pool

    from support_hub.worker_preload import preload

    missed = preload()
    if missed and not quiet:
        click.echo(f"support_hub: not preloaded (the jobs load them): {', '.join(missed)}", err=True)
    start_worker_pool(queue=queue, quiet=quiet, burst=burst, num_workers=num_workers)


commands = [telegram_bot, telegram_webhook, worker_pool]
