"""Users, departments, roles with their access rules, and API tokens.

Owns the answer to "what may this user do and see" (`access.py`). May import: core.
"""
