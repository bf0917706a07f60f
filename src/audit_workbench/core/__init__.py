"""The headless core: rubric models, scoring, workflow and policy tables. Imports no Qt and no SQL."""
