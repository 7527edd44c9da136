"""Inklusi: an open-source socio-economic registry (Registrasi Sosial Ekonomi)."""

__version__ = "0.1.0"
