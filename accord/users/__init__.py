"""Users, departments, roles with their access rules, API tokens, two-factor sign-in
(`two_factor.py`, django-otp) and the session rules (`sessions.py`, `middleware.py`).

Owns the answer to "what may this user do and see" (`access.py`). May import: core.
"""
