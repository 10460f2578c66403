"""Support statistics on a real site: the queries behind the Script Reports, cards and weekly digest.

The reports in support_hub/support_hub/report/ are thin: filters in, columns and a chart out. The
set-based queries they share live here (common.py for filters and buckets, queries.py for SQL),
the number cards' custom method in cards.py, the Monday e-mail in digest.py and the indexes the
queries rely on in indexes.py. Medians, percentiles and CSAT shares come from engine/stats.py.
"""
