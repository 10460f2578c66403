"""What an order's goods and money come to, as the agent reads them on the ticket.

ERPNext keeps one "delivered" figure per order line, and a return brings it down: milk delivered
2 and returned 1 reads "delivered 1 of 2", just like milk never brought. The agent must tell the two
apart, so the quantities are recounted from the documents themselves: *delivered* is what submitted
delivery notes brought, *returned* what submitted return notes took back, and a line is *short* only
when the order has been delivered and this line got less than ordered.

Money: invoiced (invoices less credit notes), paid (payments received), refunded (payments made
back), outstanding (what the invoices and credit notes still have open).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

PENDING, DELIVERED, SHORT = "pending", "delivered", "short"
_EPSILON = 1e-9


def line_view(lines: Iterable[Mapping], delivery_rows: Iterable[Mapping]) -> list[dict]:
    """`lines`: the order's lines (line, qty, …); `delivery_rows`: submitted delivery note lines
    (line, qty, is_return; a return's qty is negative, as ERPNext stores it). Each line comes back
    with ordered, delivered, returned, missing (ordered − delivered, never below 0) and state."""
    delivered, returned = defaultdict(float), defaultdict(float)
    any_delivery = False
    for row in delivery_rows:
        if row.get("is_return"):
            returned[row["line"]] += abs(row.get("qty") or 0)
        else:
            delivered[row["line"]] += row.get("qty") or 0
            any_delivery = True
    out = []
    for line in lines:
        ordered = line.get("qty") or 0
        got = delivered[line["line"]]
        missing = max(ordered - got, 0.0)
        if not any_delivery:
            state = PENDING
        elif missing > _EPSILON:
            state = SHORT
        else:
            state = DELIVERED
        out.append({**line, "ordered": ordered, "delivered": got, "returned": returned[line["line"]],
                    "missing": missing if any_delivery else 0.0, "state": state})
    return out


def money_view(invoices: Iterable[Mapping], payments: Iterable[Mapping]) -> dict:
    """`invoices`: submitted invoices and credit notes (grand_total negative for a credit note,
    outstanding); `payments`: submitted payments (payment_type Receive or Pay, amount allocated to
    this order's documents)."""
    invoiced = credited = outstanding = 0.0
    for invoice in invoices:
        total = invoice.get("grand_total") or 0
        if invoice.get("is_return"):
            credited += abs(total)
        else:
            invoiced += total
        outstanding += invoice.get("outstanding") or 0
    paid = sum(p.get("amount") or 0 for p in payments if p.get("payment_type") == "Receive")
    refunded = sum(p.get("amount") or 0 for p in payments if p.get("payment_type") == "Pay")
    return {"invoiced": invoiced, "credited": credited, "paid": paid, "refunded": refunded,
            "outstanding": outstanding}
