"""Deterministic, realistic demo data for ``contactcenter seed``.

Two halves:

* ``build.demo_plan_build`` is pure: from the reference-data files, a case count, a seed and a
  date it returns plain dataclasses (``plan.py``: processing times, people, representatives,
  cases with their status histories, closures, staff). The same arguments give the same plan,
  byte for byte, so tests compare plans without a database.
* ``write.demo_plan_write`` puts a plan in the database in one transaction.

One module per part of the plan, each with the code that builds it and the code that writes
it: ``processing_times``, ``people``, ``cases`` (with ``receipts``, the receipt-number
calendar, and ``showcases``, the fixed cases documentation quotes), ``closures`` and ``staff``
(users with their roles and routing agents). ``profiles`` says how each form behaves.

Why bulk inserts instead of the per-object services: a demo database has 10,000 cases and
about 80,000 status events. Creating them one ``save()`` at a time takes minutes on SQLite; in
batches it takes seconds. That is safe here because the plan is checked as a whole before it is
written (statuses follow each form's flow, dates never go backwards, receipt numbers are unique
and parse), no side effects (notifications, audit) are wanted for invented data, and the
database constraints still hold every row. Real writes keep going through services.

The exceptions are the parts a demo needs waiting on the staff screens on the day it is seeded:
``outreach`` (upcoming events) and ``work`` (applicants' accounts, service requests,
appointment requests, Tier 2 callbacks, secure messages). They are a few dozen records, so they
go through each app's services, and routing, audit and the contact events stay as real work
leaves them.
"""
