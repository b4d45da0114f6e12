"""What every layer may use: errors whose messages say what, where and how to fix; the one small SQL-store
base; the Text type and the one translation lookup (with the names of data values); the one CSV writer.

Imports nothing of Vantage: every other package may import it.
"""
