"""Demo and benchmark data: `accord demo --size S|M|L --seed N`, deterministic per seed,
streamed in bounded memory for the large sizes.

May import: any domain app. Nothing imports it.
"""
