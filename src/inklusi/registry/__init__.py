"""Households, families and persons, with the full history of every change."""
