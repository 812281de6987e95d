"""What people see: the HTTP API (and, next, the web chat, the admin page and the widget)."""
