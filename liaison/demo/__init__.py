"""The demo department: source CSVs, the script that wrote them, and the loader.

``make_source.py`` wrote the CSVs once (seeded); ``build.load_demo`` reads them and
creates the records through the services. See README.md for the columns.
"""
