"""Sales: pipelines with their stages (the funnel), deals on them with the history of their
stage changes, and the reasons deals are lost. Quotes and customer orders come later.

May import: directory, users, core.
"""
