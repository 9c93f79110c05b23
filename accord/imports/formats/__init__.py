"""Table readers for imports: CSV and XLSX files in, header and rows out.

Pure Python: import-linter forbids this package from importing Django or any other Accord
package, so a reader is tested on files alone. The API is in `tables`.
"""
