"""Activities: the managers' daily work. Interactions with clients (calls, meetings, letters,
e-mails, notes, SMS) and the client timeline, assignments given to colleagues, reminders,
in-app notifications, claims from clients, business processes and each user's start page.

May import: billing, sales, catalog, directory, users, core.
"""
