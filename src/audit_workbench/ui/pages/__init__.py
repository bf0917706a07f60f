"""The pages of the main window (the case page lives in case_page.py and ui/case/)."""
