"""Catalog pages: the product list with its group tree, the product card and form, and the
catalog settings (price types, warehouses, units)."""
