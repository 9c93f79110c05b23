"""The catalog: products and services in a group tree, their variants (1C "characteristics"),
typed properties, units (OKEI), currencies and rates, price types and prices, warehouses and
stock. Most of it arrives from 1C; people edit what 1C does not own.

Identity with 1C. No model here has a 1C id field. The exchange app owns
`ExternalRef(node, kind, external_id -> object)` and points at catalog rows by type and
primary key, so every catalog model keeps a stable integer primary key, and the rows 1C may
retire carry `is_active` and `marked_for_deletion` (1C's ПометкаУдаления) that the exchange
sets instead of deleting.

Access. The catalog is company-wide: `visible_to(user)` answers every row to a user who may
view `catalog.product` and none otherwise (no owner scope). Writes need:
- `catalog.product` (add/change/delete): products, groups, variants, property values;
- `catalog.price` (change): prices;
- `catalog.stock` (change): stock (normally set by the exchange);
- `admin.catalog_settings` (add/change): price types, warehouses, units, currencies and
  their rates, property definitions. Administrative: the business wildcard "*" of a role
  never covers it.

May import: core, users, directory (only its `validation.Errors` collector).
"""
