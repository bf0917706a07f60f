"""Qt item models over immutable rows read through the services (the views never query anything)."""
