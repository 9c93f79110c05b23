"""Exchange formats: bytes in, records out, and back. Pure Python: no Django, no domain.

import-linter forbids this package from importing Django or any other Accord package, so a
format is tested on files alone.
"""
