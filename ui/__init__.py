"""What people see: the web chat, the admin page, the widget and the HTTP API."""
