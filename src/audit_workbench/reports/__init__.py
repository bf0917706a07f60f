"""The documents a certification body hands out, rendered from prepared report models.

Certificates and audit reports as PDF (reportlab), score sheets and the certificate register as
XLSX (openpyxl) and CSV, and batch printing of certificates on a process pool. Every renderer is a
pure function of a model from ``reports.models`` plus the language ("zh" or "en"): it never reads
the clock or the database, so the same input gives the same bytes. Imports core and third-party
libraries only — no Qt, no SQL, no services.
"""
