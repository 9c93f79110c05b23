"""Django wiring only: settings, URLs and the WSGI entry point. No business code here."""
