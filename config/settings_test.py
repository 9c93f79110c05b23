"""Settings for the test suite: the same as production, with fast hashing and local mail.

`ACCORD_DATABASE_URL` chooses the database, so one suite runs on SQLite and PostgreSQL.
"""

import os

os.environ.setdefault("ACCORD_DEBUG", "0")
os.environ.setdefault("ACCORD_SECRET_KEY", "test-secret-key-not-for-production")

from config.settings import *  # noqa: F403
from config.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "en"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in memory
