"""What an install needs before its first contact: the reference data every deploy loads and,
for a demo or a benchmark, invented people, cases and staff.

It sits above the domain apps because it writes into all of them (offices, forms, queues,
service-request types, people, cases, staff and their agents); no domain app imports it.
"""
