"""Telephony: call events from a cloud PBX (UIS, Mango Office and the like) turned into tickets.

events.py holds the framework-free part: the webhook's JSON schema, signature checks, parsing and
the call tracker that decides when a call becomes a ticket. A Frappe endpoint feeds it request
bodies and carries out the actions it returns.
"""
