"""Small reusable widgets of the window: page headers, figure cards, table set-up, charts."""
