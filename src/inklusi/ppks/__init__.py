"""Vulnerable groups (PPKS, Permensos 8/2012): the taxonomy, identification rules as data, evaluation."""
