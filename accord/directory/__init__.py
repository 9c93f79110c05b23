"""The client directory: counterparties (legal entities, sole traders, private persons),
their contact persons with phones, e-mails and messengers, bank accounts, tags,
classification and user-defined properties; duplicate detection on entry.

May import: core, users.
"""
