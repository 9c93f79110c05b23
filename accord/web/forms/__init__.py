"""Forms of the web interface: they render fields and parse types; services decide the rules."""
