"""Pure-Python rules of the product: plain values in, plain values out. No Flask, no SQLAlchemy."""
