"""The CCHC domain: plan, units, deadlines and statuses — plain Python, no I/O frameworks."""
