"""Rasad's gRPC API for Python: the generated stubs are in rasad.v1 (see clients/python/README.md)."""
