"""CommerceML 2.x/3.x, the format of 1C's "Обмен с сайтом": a streaming reader and an orders writer.

`read_package` turns a file (import.xml, offers.xml, rests, prices, orders, contractors) into
records; `write_orders` produces the orders document 1C loads from a site.
"""

from accord.exchange.formats.commerceml.reader import read_package
from accord.exchange.formats.commerceml.writer import write_orders

__all__ = ["read_package", "write_orders"]
