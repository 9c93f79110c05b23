"""Duplicates in the directory, found after the fact and merged away.

Owns the duplicate scan (`scan.py`: blocking and scoring over every counterparty and contact
person, run as a background task), the candidate pairs it proposes and their review (open,
merged, or "not a duplicate", which `Decision` remembers across scans), and the merge
(`merge_services.py`): one record is kept, its empty fields are filled from the other, and
every object linked to the other (by foreign key, found by model introspection, or by a
generic reference such as a 1C id) is moved to it before the other is deleted.

The scoring itself is `accord.directory.similarity`, shared with the warnings shown while a
counterparty is typed in. May import: core, users, directory, catalog, sales, billing,
activities, exchange (a merge re-points their links).
"""
