"""The country profile (notebook ``00_country_profile``): indicators against the neighbours,
a district map and the data status of every input."""
